"""``%mlm_track`` and ``%%mlm_track``: the IPython adapter over the run API.

Loaded with ``%load_ext jupyter_mlm``. Bad arguments print usage; errors of ours print one
line; a cell's own exception is re-raised untouched after its run is marked ``failed``."""

from __future__ import annotations

import os
import shlex
import time
from typing import Any

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

from ..core import text
from ..core.errors import MlmError
from . import args as args_mod
from .args import UsageError

#: Seconds ``%mlm_track checkpoint`` waits for the git state, runs and datasets.
CHECKPOINT_WAIT = 10.0


@magics_class
class TrackMagics(Magics):
    @line_magic
    def mlm_track(self, line: str) -> None:
        """%mlm_track start|stop|status|leaderboard|compare|checkpoint ... (see --help)."""
        try:
            ns = args_mod.line_parser().parse_args(shlex.split(line))
            if ns.command is None:
                raise UsageError(args_mod.line_parser().format_usage().strip())
            getattr(self, f"_{ns.command}")(ns)
        except UsageError as err:
            print(err)
        except (MlmError, ValueError, TypeError, OSError) as err:
            print(f"%mlm_track: {err}")

    @cell_magic("mlm_track")  # type: ignore[arg-type]
    def mlm_track_cell(self, line: str, cell: str) -> None:
        """%%mlm_track EXPERIMENT [options]: the cell is one run; its literal assignments
        (``lr = 3e-4``) become params."""
        from ..tracking import fluent as mlm

        try:
            ns = args_mod.cell_parser().parse_args(shlex.split(line))
            params = {**args_mod.literal_assignments(cell), **args_mod.pairs(ns.param, "--param")}
            run = mlm.start_run(
                ns.experiment,
                name=ns.name,
                params=params,
                tags=args_mod.pairs(ns.tag, "--tag"),
                datasets=ns.data,
            )
        except UsageError as err:
            print(err)
            return
        except (MlmError, ValueError, TypeError, OSError) as err:
            print(f"%%mlm_track: {err}")
            return
        if not ns.quiet:
            print(f"run {run.name} ({run.run_id}) in {run.experiment!r}")
        result = self.shell.run_cell(cell, store_history=False)  # type: ignore[union-attr]
        error = result.error_before_exec or result.error_in_exec
        if error is None:
            run.finish("finished")
        else:
            import traceback

            text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
            run.finish("failed", error=text[-20000:])

    # subcommands ---------------------------------------------------------------------------
    def _start(self, ns: Any) -> None:
        from ..tracking import fluent as mlm

        run = mlm.start_run(
            ns.experiment,
            name=ns.name,
            params=args_mod.pairs(ns.param, "--param"),
            tags=args_mod.pairs(ns.tag, "--tag"),
            datasets=ns.data,
        )
        if not ns.quiet:
            print(
                f"run {run.name} ({run.run_id}) started in {run.experiment!r}; it spans cells "
                "until %mlm_track stop"
            )
            from IPython.display import display

            from ..widgets import live

            display(live(run, baseline=ns.baseline))

    def _stop(self, ns: Any) -> None:
        from ..tracking import fluent as mlm

        run = mlm.active_run()
        if run is None:
            print("%mlm_track: no active run")
            return
        run.finish(ns.status)
        info = run.info
        print(f"run {info.name} {info.status} after {text.duration(info.start_time, info.end_time)}")

    def _status(self, ns: Any) -> None:
        from ..tracking import fluent as mlm

        run = mlm.active_run()
        if run is None:
            print("no active run (start one with %mlm_track start EXPERIMENT)")
            return
        run.flush()
        info = run.info
        print(f"run {info.name} ({info.run_id}) in {info.experiment!r}: {info.status}, "
              f"{text.duration(info.start_time, None)}")  # fmt: skip
        for key, value in sorted(info.params.items()):
            print(f"  param  {key} = {value!r}")
        for key, m in sorted(info.metrics.items()):
            print(f"  metric {key}: last {m.last:.6g} (step {m.last_step}), {m.count} points")

    def _leaderboard(self, ns: Any) -> None:
        from ..tracking import fluent as mlm

        rows = mlm.leaderboard_rows(ns.experiment, ns.metric, ns.goal or "max", group_by=ns.group_by,
                                    agg=ns.agg, limit=ns.limit)  # fmt: skip
        if not rows:
            print(f"no run of {ns.experiment!r} has logged {ns.metric!r}")
            return
        keys = sorted({k for r in rows for k in r.params})
        header = ["#", ns.metric, "runs" if ns.group_by else "run", *keys]
        table = [header]
        for r in rows:
            who = f"{r.count} (±{r.std:.3g})" if ns.group_by else r.names[0]
            table.append(
                [str(r.rank), f"{r.value:.6g}", who, *(repr(r.params.get(k, "")) for k in keys)]
            )
        print(text.table(table))

    def _compare(self, ns: Any) -> None:
        infos = _resolve_runs(ns.runs)
        if len(infos) < 1:
            print("%mlm_track: no runs to compare")
            return
        params = sorted({k for r in infos for k in r.params})
        metrics = sorted({k for r in infos for k in r.metrics})
        table = [["", *(r.name for r in infos)]]
        for key in params:
            values = [repr(r.params.get(key, "—")) for r in infos]
            mark = "*" if len(set(values)) > 1 else " "
            table.append([f"{mark} {key}", *values])
        for key in metrics:
            table.append(
                [
                    f"  {key}",
                    *(f"{r.metrics[key].last:.6g}" if key in r.metrics else "—" for r in infos),
                ]
            )
        table.append(["  status", *(r.status for r in infos)])
        print(text.table(table))
        print("* params that differ")

    def _checkpoint(self, ns: Any) -> None:
        """The notebook as open in JupyterLab when its labextension is linked to this kernel
        (it saves and checkpoints it); else, or when it does not answer in time, the saved
        file. A frontend checkpoint landing after that fallback is kept as a second one."""
        from ..capture.notebook import notebook_path
        from ..checkpoints import author_for, default_service
        from .kernel_link import checkpoint_from_frontend

        path = notebook_path(self.shell.user_ns if self.shell is not None else None)
        if path is None:
            print("%mlm_track: no notebook to checkpoint: this kernel does not run a saved "
                  "notebook (a console or plain IPython)")  # fmt: skip
            return
        service = default_service()
        linked = checkpoint_from_frontend(path, ns.message)
        if linked.info is not None:
            info = _settled(service.store_for(path), linked.info, CHECKPOINT_WAIT)
            print(_checkpoint_line(info))
            print("  the notebook as open in JupyterLab, unsaved edits included")
            return
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as err:
            print(f"%mlm_track: cannot read the notebook {path}: {err.strerror or err}")
            return
        info = service.create(path, author_for(os.path.dirname(path)), data=data,
                              message=ns.message)  # fmt: skip
        service.wait(CHECKPOINT_WAIT)
        info = service.store_for(path).checkpoints.get(info.checkpoint_id)
        print(_checkpoint_line(info))
        print(f"  the saved file, without unsaved edits: {linked.why_not}")


def _settled(store: Any, info: Any, timeout: float) -> Any:
    """The checkpoint once the server has filled in its git state and datasets (bounded)."""
    deadline = time.monotonic() + timeout
    while "pending" in (info.git_state, info.datasets_state) and time.monotonic() < deadline:
        time.sleep(0.05)
        info = store.checkpoints.get(info.checkpoint_id)
    return info


def _checkpoint_line(info: Any) -> str:
    """``checkpoint 1a2b3c4d of nb.ipynb at 0f3e2d1c9a* (main): 2 runs, 1 dataset``."""
    if info.git_commit:
        where = f"at {info.git_commit[:10]}{'*' if info.git_dirty else ''}"
        where += f" ({info.git_branch})" if info.git_branch else " (detached HEAD)"
    elif info.git_state == "pending":
        where = "git state pending"
    else:
        where = f"no git commit ({info.git_detail or info.git_state})"
    runs, datasets = len(info.runs), len(info.datasets)
    return (f"checkpoint {info.checkpoint_id[:8]} of {info.path} {where}: "
            f"{runs} run{'s' * (runs != 1)}, {datasets} dataset{'s' * (datasets != 1)}"
            + (f" — {info.message}" if info.message else ""))  # fmt: skip


def _resolve_runs(refs: list[str]) -> list[Any]:
    from ..tracking import fluent as mlm

    if len(refs) == 1 and refs[0].startswith("last:"):
        try:
            n = int(refs[0][5:])
        except ValueError as err:
            raise UsageError(f"last:N needs a number, got {refs[0]!r}") from err
        active = mlm.active_run()
        experiment = active.experiment if active is not None else None
        return list(mlm.runs(experiment, limit=n))
    return [mlm.get_run(ref) for ref in refs]


