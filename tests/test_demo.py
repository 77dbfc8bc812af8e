"""The quick-start notebook runs headless end to end (``python -m jupyter_mlm.demo``) and logs
what it promises into the store named by ``MLM_STORE``, which the kernel inherits."""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import psutil
import pytest

import jupyter_mlm as mlm
from jupyter_mlm import demo
from jupyter_mlm.store import open_store
from jupyter_mlm.store.location import location_from

# What notebooks/quickstart.ipynb does: a 3 x 2 grid of runs, 15 epochs each.
GRID = sorted((lr, hidden) for lr in (0.0003, 0.003, 0.03) for hidden in (16, 64))
EPOCHS = 15
CURVES = ("train_loss", "val_loss", "val_accuracy")

pytestmark = pytest.mark.slow


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store folder, named to this process and (through it) to the kernel."""
    folder = tmp_path / "store"
    monkeypatch.setenv("MLM_STORE", str(folder))
    monkeypatch.delenv("MLM_ARTIFACTS", raising=False)
    mlm.set_store(None)  # no override left by another test: MLM_STORE must win
    return folder


def kernels_left() -> list[psutil.Process]:
    """Kernel processes this test process started and did not shut down."""
    children = psutil.Process().children(recursive=True)
    return [p for p in children if "ipykernel_launcher" in " ".join(p.cmdline())]


def test_quickstart_notebook_logs_runs_curves_and_files(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source_before = demo.DEFAULT_NOTEBOOK.read_bytes()
    executed = demo.run_notebook(demo.DEFAULT_NOTEBOOK, tmp_path / "executed.ipynb")

    assert demo.DEFAULT_NOTEBOOK.read_bytes() == source_before  # the source stays clean
    assert not kernels_left()
    nb = nbformat.read(executed, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    [plot] = [c for c in code if "run.history(" in c.source]
    assert any("image/png" in o.get("data", {}) for o in plot.outputs)  # the learning curves
    widget = "application/vnd.jupyter.widget-view+json"
    shown = [c.source for c in code if any(widget in o.get("data", {}) for o in c.outputs)]
    assert [s.split("(")[0].split()[0] for s in shown] == [
        "mlm.leaderboard", "mlm.compare", "%mlm_track", "mlm.parallel_coordinates"
    ]  # fmt: skip

    with open_store(location_from(store_dir)) as st:
        names = [e.name for e in st.experiments.list()]
        assert names == [demo.EXPERIMENT, "digits-magic", "digits-live"]
        (live,) = st.queries.search([st.experiments.get("digits-live").experiment_id])
        assert live.status == "finished" and live.metrics["val_accuracy"].count == EPOCHS
        (magic,) = st.queries.search([st.experiments.get("digits-magic").experiment_id])
        assert magic.status == "finished" and magic.params == {"lr": 0.003, "hidden": 64}
        assert magic.metrics["val_accuracy"].count == EPOCHS
        exp = st.experiments.get(demo.EXPERIMENT)
        runs = st.queries.search([exp.experiment_id])
        assert sorted((r.params["lr"], r.params["hidden"]) for r in runs) == GRID
        assert {r.status for r in runs} == {"finished"}
        for run in runs:
            assert run.params["epochs"] == EPOCHS and run.params["n_weights"] > 0
            for key in CURVES:
                steps, values, _ = st.metrics.history(run.run_id, key)
                assert steps.tolist() == list(range(EPOCHS)), (run.name, key)
                assert np.isfinite(values).all()
                assert run.metrics[key].count == EPOCHS and run.metrics[key].last == values[-1]
            [image] = st.files.images(run.run_id)
            assert image.name == "confusion_matrix" and image.width and image.height
            assert st.blobs.get_bytes(image.blob_id).startswith(b"\x89PNG")
            [text] = [t for t in st.files.texts(run.run_id) if not t.name.startswith("mlm/")]
            report = st.blobs.get_bytes(text.blob_id).decode()
            assert text.name == "classification_report" and "precision" in report
            [artifact] = st.files.artifacts(run.run_id)
            assert artifact.name == "classification_report.txt"
            assert st.blobs.get_bytes(artifact.blob_id).decode() == report

        last = {r.run_id: r.metrics[demo.METRIC].last for r in runs}
        best = st.queries.leaderboard(exp.experiment_id, demo.METRIC, goal="max", limit=1)[0]
        assert best.value == max(last.values()) == last[best.run_ids[0]]
        assert best.value > 0.9  # a small MLP does learn the digits

    demo.summarize(location_from(store_dir))
    out = capsys.readouterr().out
    assert f"{demo.EXPERIMENT}" in out and f"{len(GRID)} runs" in out
    assert f"{best.names[0]} = {best.value:.4f}" in out


def test_a_failing_cell_is_reported_with_its_number(store_dir: Path, tmp_path: Path) -> None:
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [new_markdown_cell("# broken"), new_code_cell("x = 1"), new_code_cell("x / 0")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(new_notebook(cells=cells), path)

    with pytest.raises(demo.NotebookFailed) as caught:
        demo.run_notebook(path, tmp_path / "out.ipynb", timeout=60)
    err = caught.value
    assert err.cell == 3 and err.source == "x / 0"
    assert "ZeroDivisionError" in err.error and "\x1b[" not in err.error
    assert "cell 3 ('x / 0') failed" in str(err)
    assert err.output.is_file()  # the partly executed copy, for a look at what went wrong
    assert not kernels_left()
