"""The module-level API: ``mlm.start_run``, ``mlm.log``, ``mlm.runs``... over the store that
``resolve_store()`` picks for this process."""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..core.entities import LeaderboardRow, RunInfo, RunList
from ..core.errors import MlmError
from ..store.base import Store, Where
from ..store.location import StoreLocation, on_store_change, resolve_store
from .cost_hook import price_settings, start_cost_record
from .reading import RunView
from .run import Run
from .system_hook import system_interval
from .writer import Writer

if TYPE_CHECKING:
    from ..cost.report import CostReport

_lock = threading.RLock()
_stores: dict[StoreLocation, tuple[Store, Writer]] = {}
_active: list[Run] = []
_open: dict[str, Run] = {}
_exit_error: list[BaseException] = []


def get_store(path: str | None = None) -> Store:
    """The store for ``path`` (default: the current directory), opened once per process."""
    return _connection(resolve_store(path))[0]


def _connection(location: StoreLocation) -> tuple[Store, Writer]:
    with _lock:
        found = _stores.get(location)
        if found is None:
            from ..store import open_store
            from .journal import Journal, journal_dir

            st = open_store(location)
            journal = Journal(journal_dir(location))
            writer = Writer(st, journal)
            if journal.pending():
                threading.Thread(target=_replay_quietly, args=(writer,), daemon=True).start()
            found = _stores[location] = (st, writer)
        return found


def _replay_quietly(writer: Writer) -> None:
    with writer._io:
        try:
            writer.journal.replay(writer.store.metrics)
        except Exception as err:
            writer._report(err, [])


def reset_store_cache() -> None:
    """Forget opened stores (after ``set_store``); open runs keep writing to theirs."""
    from ..store.opened import forget_opened

    with _lock:
        _stores.clear()
    forget_opened()


on_store_change(reset_store_cache)


def start_run(
    experiment: str,
    *,
    name: str | None = None,
    params: Mapping[str, Any] | None = None,
    tags: Mapping[str, Any] | None = None,
    parent: Run | RunInfo | str | None = None,
    datasets: Any = None,
    system_metrics: bool | None = None,
) -> Run:
    """Start a run in ``experiment`` (created on first use) and make it the active run.

    ``datasets``: what the run reads — a list of sources or versions (context ``"input"``)
    or a dict ``{context: source}`` such as ``{"train": "data/train.csv", "eval": df}``.
    ``system_metrics``: sample CPU, memory, I/O and GPUs as ``sys/…`` series (default: on
    unless ``MLM_SYSTEM_METRICS=0``; every ``MLM_SYSTEM_METRICS_INTERVAL`` seconds, 1)."""
    system_interval(system_metrics)  # a bad setting raises before the run is created
    prices = price_settings()  # so does a bad price table
    st, writer = _connection(resolve_store())
    inputs = _dataset_inputs(datasets)
    exp = st.experiments.get_or_create(experiment)
    parent_id = parent.run_id if isinstance(parent, (Run, RunInfo)) else parent
    info = st.runs.create(
        exp.experiment_id, name=name, params=params or {}, tags=tags or {}, parent_run_id=parent_id
    )
    run = _adopt(Run(info, st, writer, {}, system_metrics=system_metrics))
    from .capture_hook import start_capture

    run._context_recorded = start_capture(run)
    run._cost_recorded = start_cost_record(run, prices)
    try:
        for context, source in inputs:
            run.log_dataset(source, context=context)
    except BaseException as err:
        run.finish("failed", error=f"could not record its datasets: {err!r}")
        raise
    return run


def _dataset_inputs(datasets: Any) -> list[tuple[str, Any]]:
    if datasets is None:
        return []
    if isinstance(datasets, Mapping):
        return [(str(k), v) for k, v in datasets.items()]
    if isinstance(datasets, (list, tuple)):
        return [("input", d) for d in datasets]
    return [("input", datasets)]


def dataset(source: Any, *, name: str | None = None) -> Any:  # DatasetVersion
    """Hash ``source`` (file, folder, glob, fsspec URL, DataFrame or array) and record it as a
    dataset version in the store; unchanged files are not read again (stat cache)."""
    from ..data.sources import describe
    from ..data.versions import record

    return record(describe(source, name=name), get_store())


def duplicates(*sources: Any, include_blobs: bool = True) -> Any:  # DuplicateReport
    """Identical files across folders, files, fsspec URLs, dataset versions (their files) and
    (by default) the store's blobs."""
    from ..data.duplicates import find_duplicates
    from ..data.versions import DatasetVersion
    from ..store.blobs import LocalBlobStore

    st = get_store()
    blob_dirs = [st.blobs.root] if include_blobs and isinstance(st.blobs, LocalBlobStore) else []
    paths = []
    for source in sources:
        if isinstance(source, DatasetVersion):
            if source.kind not in ("file", "folder"):
                raise TypeError(f"dataset {source.name!r} is a {source.kind}, not files")
            source = source.source
        paths.append(source)
    return find_duplicates(*paths, blob_dirs=blob_dirs)


def resume_run(run_id: str, *, system_metrics: bool | None = None) -> Run:
    """Continue logging to an existing run (steps continue after the last logged ones)."""
    with _lock:
        if run_id in _open:
            return _open[run_id]
    system_interval(system_metrics)
    st, writer = _connection(resolve_store())
    info = st.runs.reopen(run_id)
    last_steps = st.metrics.last_steps(run_id)
    return _adopt(Run(info, st, writer, last_steps, system_metrics=system_metrics))


def _adopt(run: Run) -> Run:
    run._on_finish = _forget
    with _lock:
        _active.append(run)
        _open[run.run_id] = run
    return run


def _forget(run: Run) -> None:
    with _lock:
        if run in _active:
            _active.remove(run)
        _open.pop(run.run_id, None)


def active_run() -> Run | None:
    with _lock:
        return _active[-1] if _active else None


def log(metrics: Mapping[str, Any] | None = None, /, *, step: int | None = None, **kw: Any) -> None:
    """``log()`` on the active run."""
    run = active_run()
    if run is None:
        raise MlmError("no active run: call mlm.start_run(...) first")
    run.log(metrics, step=step, **kw)


def get_run(run_id: str) -> RunView:
    """The stored run ``run_id`` as a ``RunView``: its fields, and read methods for its
    history, texts, images, artifacts, datasets, checkpoint, context and children."""
    if not isinstance(run_id, str):
        raise TypeError(f"get_run takes a run id (a str), got {type(run_id).__name__}")
    st = get_store()
    return _view(st.runs.get(run_id), st)


def _view(info: RunInfo, st: Store) -> RunView:
    return RunView.of(info, st, _flush_if_open)


def _flush_if_open(run_id: str) -> None:
    """Before a view reads a history: a run this process logs has its buffered points written."""
    with _lock:
        run = _open.get(run_id)
    if run is not None:
        run.flush()


def runs(
    experiment: str | list[str] | None = None,
    *,
    where: Where = None,
    order_by: str | list[str] | None = None,
    limit: int | None = None,
    include_archived: bool = False,
    dataset: Any = None,
) -> RunList:
    """Runs of one or more experiments (default: all), filtered and ordered, newest first,
    as ``RunView``s; ``dataset`` (a version, a stored id/name, or a source to hash): only runs
    that used it."""
    st = get_store()
    content_id = None
    if dataset is not None:
        from ..data.versions import DatasetVersion, _for_diff

        if isinstance(dataset, DatasetVersion):
            content_id = dataset.content_id
        else:
            content_id = _for_diff(dataset, st).info.content_id
    ids = None
    if experiment is not None:
        names = [experiment] if isinstance(experiment, str) else list(experiment)
        ids = [st.experiments.get(n).experiment_id for n in names]
    found = st.queries.search(
        ids,
        where=where,
        order_by=order_by,
        limit=limit,
        include_archived=include_archived,
        dataset=content_id,
    )
    return RunList(_view(info, st) for info in found)


def costs(
    experiment: str | list[str] | None = None,
    *,
    where: Where = None,
    limit: int | None = None,
    include_archived: bool = False,
    hourly: float | None = None,
) -> CostReport:
    """What the runs of one or more experiments (default: all) cost, newest first, and the
    total: each run priced as recorded when it started (see ``RunView.cost``), or at
    ``hourly`` USD an hour when given; ``.to_pandas()`` for a table."""
    from .cost_reading import cost_report

    found = runs(experiment, where=where, limit=limit, include_archived=include_archived)
    return cost_report(found, hourly=hourly)


def leaderboard_rows(
    experiment: str,
    metric: str,
    goal: str = "max",
    *,
    where: Where = None,
    group_by: str | list[str] | None = None,
    agg: str = "last",
    limit: int | None = 10,
) -> list[LeaderboardRow]:
    """Runs ranked by ``metric`` (each run's value picked by ``agg``); with ``group_by``, runs
    sharing those params form one row valued at the mean over its runs. Runs whose value is
    NaN are not ranked."""
    st = get_store()
    exp = st.experiments.get(experiment)
    groups = [group_by] if isinstance(group_by, str) else group_by
    return st.queries.leaderboard(
        exp.experiment_id, metric, goal=goal, agg=agg, where=where, group_by=groups, limit=limit
    )


def flush() -> None:
    """Write every buffered point of this process now."""
    with _lock:
        writers = [w for _, w in _stores.values()] + [r._writer for r in _open.values()]
    for w in dict.fromkeys(writers):
        w.flush()


def _excepthook(exc_type, exc, tb) -> None:
    _exit_error.append(exc)
    _previous_hook(exc_type, exc, tb)


def _at_exit() -> None:
    """Flush, then end runs still open: ``failed`` after an uncaught exception; in a Jupyter
    kernel ``crashed`` (the kernel shut down or restarted under a run that spans cells);
    else ``finished``. A process killed outright skips this; its runs read ``crashed``."""
    from .capture_hook import wait_for_captures
    from .cost_hook import wait_for_cost_records

    wait_for_captures()
    wait_for_cost_records()
    with _lock:
        open_runs = list(_open.values())
    if _exit_error:
        status, error = "failed", repr(_exit_error[0])
    elif "ipykernel" in sys.modules:
        status, error = "crashed", "the kernel shut down while the run was open"
    else:
        status, error = "finished", None
    for run in open_runs:
        try:
            run.finish(status, error=error)
        except Exception as err:
            print(f"jupyter-mlm: could not end run {run.run_id} at exit: {err}", file=sys.stderr)
    with _lock:
        writers = [w for _, w in _stores.values()]
    for w in writers:
        w.close()


def _after_fork_in_child() -> None:
    """A forked child shares nothing with the parent's writer: it would write the parent's
    buffered points twice. Runs of the parent are detached; stores reopen on next use."""
    global _lock
    _lock = threading.RLock()
    for run in list(_open.values()):
        run._detach_after_fork()
    _open.clear()
    _active.clear()
    _stores.clear()


_previous_hook = sys.excepthook
sys.excepthook = _excepthook
atexit.register(_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
