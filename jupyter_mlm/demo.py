"""Run the quick-start notebook headless, then summarise what it logged.

``python -m jupyter_mlm.demo [--notebook PATH]`` runs ``notebooks/quickstart.ipynb`` with nbclient
in a kernel of this interpreter, in the notebook's folder (so it finds the same store as JupyterLab
would), saves the executed copy beside the store and prints a summary. Needs the ``demo`` extra.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from argparse import ArgumentParser
from pathlib import Path

from .store.location import StoreLocation, resolve_store

EXPERIMENT, METRIC, CELL_TIMEOUT = "digits-mlp", "val_accuracy", 600
DEFAULT_NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "quickstart.ipynb"


class NotebookFailed(Exception):
    """A cell raised, timed out or killed the kernel; ``output`` holds the partly run copy."""

    def __init__(self, cell: int, source: str, error: str, output: Path) -> None:
        first = source.strip().splitlines()[0] if source.strip() else ""
        super().__init__(f"cell {cell} ({first!r}) failed:\n{error}")
        self.cell, self.source, self.error, self.output = cell, source, error, output


def kernel_env(location: StoreLocation) -> dict[str, str]:
    """This environment, with this ``jupyter_mlm`` importable and the store this process uses
    (``MLM_STORE`` or ``set_store``) pinned absolute; the default/``mlm.toml`` ones resolve alike."""
    paths = (str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH"))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, paths)))
    if location.source in ("environment", "set_store"):
        env["MLM_STORE"], env["MLM_ARTIFACTS"] = location.store_uri, location.artifacts_uri
    return env


def run_notebook(notebook: Path, output: Path | None = None, timeout: int = CELL_TIMEOUT) -> Path:
    """Execute ``notebook`` (unchanged); return the executed copy (saved also on failure)."""
    import nbformat
    import zmq
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    notebook = notebook.resolve()
    location = resolve_store(notebook.parent)
    if output is None:
        folder = location.root / "demo" if location.root else Path(tempfile.mkdtemp("-mlm-demo"))
        output = folder / f"{notebook.stem}.executed.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    # No kernel dirs: only ipykernel of sys.executable, never a "python3" spec of another env.
    specs = KernelSpecManager(kernel_dirs=[])
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)
    if "transport_encryption" in km.trait_names() and zmq.has("curve"):  # jupyter_client>=8.7
        km.transport_encryption = "auto"  # CurveZMQ keys, not plain TCP (and no warning)
    cwd = {"metadata": {"path": str(notebook.parent)}}
    client = NotebookClient(nb, km=km, timeout=timeout, resources=cwd)
    started: list[int] = []  # indices of the cells run so far: the last one is running
    client.on_cell_execute = lambda cell_index, **_: started.append(cell_index)
    try:
        client.execute(env=kernel_env(location), cleanup_kc=True)  # shut our km's kernel down
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        cell = nb.cells[started[-1]]  # its traceback if it raised, else "timed out"/"died"
        tb = [o.traceback for o in cell.get("outputs", []) if o.output_type == "error"]
        error = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(tb[-1]) if tb else str(err)).strip()
        raise NotebookFailed(started[-1] + 1, cell.source, error, output) from err
    finally:
        output.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, output)
    return output


def summarize(location: StoreLocation, experiment: str = EXPERIMENT, metric: str = METRIC) -> None:
    """Print the store, its experiments with run counts and the best run of ``experiment``."""
    from .store import open_store

    with open_store(location) as st:
        print(f"Store:       {location.describe()}")
        print("Experiments: {experiments}, runs: {runs}".format(**st.stats()))
        ids = [e.experiment_id for e in st.experiments.list() if e.name == experiment]
        for exp in st.experiments.list():
            print(f"  {exp.name:<30} {len(st.queries.search([exp.experiment_id])):>5} runs")
        rows = st.queries.leaderboard(ids[0], metric, limit=1) if ids else []
        if not rows:
            print(f"No {experiment} run has logged {metric}.")
            return
        best, params = rows[0], ", ".join(f"{k}={v}" for k, v in rows[0].params.items())
        print(f"Best {experiment} run by {metric}: {best.names[0]} = {best.value:.4f} ({params})")


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser("python -m jupyter_mlm.demo", description=__doc__.split("\n")[0])
    parser.add_argument("--notebook", type=Path, default=DEFAULT_NOTEBOOK, help="notebook to run")
    notebook: Path = parser.parse_args(argv).notebook.resolve()
    if not notebook.is_file():
        parser.error(f"no notebook at {notebook}")
    print(f"Running {notebook} headless...", flush=True)
    t0 = time.perf_counter()
    try:
        executed = run_notebook(notebook)
    except ImportError as err:  # exit status 1, message on stderr
        sys.exit(f"demo: {err}: pip install 'jupyter-mlm[demo]'")
    except NotebookFailed as err:
        sys.exit(f"demo: {err}\nPartly executed copy: {err.output}")
    print(f"Executed in {time.perf_counter() - t0:.1f} s; executed copy: {executed}\n")
    summarize(resolve_store(notebook.parent))
    print(f"\nOpen it in JupyterLab:  jupyter lab {notebook}   (or: ./dev.sh demo)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
