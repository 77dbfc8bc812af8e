"""Record a run's prices as it starts (``jupyter_mlm.cost``): the price table's settings,
read before the run exists (a bad one is a ``ConfigError`` and no run), and the machine's
type, from them or from the cloud's metadata. The description goes to the run's text
``mlm/cost.json`` (the ``cost`` section of its context) on one background worker, so
``start_run`` neither waits for the metadata (up to 0.3 s, once per process) nor writes.

Nothing is recorded when nothing is known (no setting, and no cloud answered): the run is
then priced at nothing, with the reason."""

from __future__ import annotations

import json
import os
import queue
import threading
import warnings
from typing import TYPE_CHECKING

from ..cost.metadata import already_asked, cloud_machine_type, metadata_enabled
from ..cost.pricing import describe_prices
from ..cost.settings import PriceSettings, load_price_settings

if TYPE_CHECKING:
    from .run import Run

COST_TEXT = "mlm/cost.json"

_Job = tuple["Run", PriceSettings, bool, threading.Event]
_queue: queue.SimpleQueue[_Job] = queue.SimpleQueue()
_pending: set[threading.Event] = set()
_lock = threading.Lock()
_worker: threading.Thread | None = None


def price_settings() -> PriceSettings:
    """The settings that apply here (the current directory's ``mlm.toml`` and the
    environment); ``ConfigError`` naming the entry for a bad one."""
    return load_price_settings()


def start_cost_record(run: Run, settings: PriceSettings) -> threading.Event | None:
    """Queue the recording of the run's prices; the event is set once it is stored. None
    when there is nothing to record (nothing set, no cloud metadata to ask or it had no
    answer)."""
    global _worker
    ask_cloud = not settings.machine and metadata_enabled()
    if not settings.configured and not (ask_cloud and _cloud_may_answer()):
        return None
    done = threading.Event()
    with _lock:
        _pending.add(done)
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="jupyter-mlm-cost", daemon=True)
            _worker.start()
    _queue.put((run, settings, ask_cloud, done))
    return done


def wait_for_cost_records(timeout: float = 10.0) -> None:
    """Let queued records be stored (at interpreter exit)."""
    with _lock:
        events = list(_pending)
    for event in events:
        event.wait(timeout)


def _cloud_may_answer() -> bool:
    return not already_asked() or cloud_machine_type() is not None


def _work() -> None:
    while True:
        run, settings, ask_cloud, done = _queue.get()
        try:
            _record(run, settings, ask_cloud)
        finally:
            done.set()
            with _lock:
                _pending.discard(done)


def _record(run: Run, settings: PriceSettings, ask_cloud: bool) -> None:
    try:
        cloud = cloud_machine_type() if ask_cloud else None
        described = describe_prices(settings, cloud, os.cpu_count())
        if described is not None:
            text = json.dumps(described, sort_keys=True)
            run.store.files.add_text(run.run_id, COST_TEXT, text, None)
    except Exception as err:
        warnings.warn(
            f"jupyter-mlm: could not record the prices of run {run.name}: {err}",
            RuntimeWarning,
            stacklevel=1,
        )


def _after_fork_in_child() -> None:
    global _worker, _queue, _lock
    _worker, _queue, _lock = None, queue.SimpleQueue(), threading.Lock()
    _pending.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
