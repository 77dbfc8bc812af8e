"""The background writer: one thread per store and process that moves buffered points into
the store at least every ``flush_interval`` seconds, keeps heartbeats fresh, and spills to
the journal when the store cannot be written. Its errors reach the user on the next call."""

from __future__ import annotations

import itertools
import threading
import time
import traceback
import warnings
from typing import TYPE_CHECKING

from ..core.errors import WriterError
from ..core.series import SeriesChunk
from ..store.base import Store
from ..store.liveness import HEARTBEAT_INTERVAL
from .journal import Journal
from .series import pack

if TYPE_CHECKING:
    from .run import Run

DEFAULT_FLUSH_INTERVAL = 1.0


class Writer:
    def __init__(
        self, store: Store, journal: Journal, flush_interval: float = DEFAULT_FLUSH_INTERVAL
    ) -> None:
        self.store = store
        self.journal = journal
        self.flush_interval = flush_interval
        self._runs: dict[str, Run] = {}
        self._runs_lock = threading.Lock()
        self._io = threading.RLock()  # one flush at a time: keeps batches in order
        self._seq = itertools.count()
        self._wake = threading.Event()
        self._stop = False
        self._last_beat = 0.0
        self._thread: threading.Thread | None = None
        self._failing = False
        self._journaled = False  # this process has journal files waiting (no listdir per flush)

    # registration ------------------------------------------------------------------------
    def register(self, run: Run) -> None:
        with self._runs_lock:
            self._runs[run.run_id] = run
        if self._thread is None or not self._thread.is_alive():
            self._stop = False
            self._thread = threading.Thread(
                target=self._loop, name="jupyter-mlm-writer", daemon=True
            )
            self._thread.start()

    def unregister(self, run: Run) -> None:
        with self._runs_lock:
            self._runs.pop(run.run_id, None)

    def wake(self) -> None:
        self._wake.set()

    # flushing ----------------------------------------------------------------------------
    def flush(self, runs: list[Run] | None = None) -> bool:
        """Persist every buffered point now (to the store, else to the journal).
        Returns True when everything reached the store."""
        with self._io:
            seq = self._next_seq()  # before taking: a concurrent spill gets a later number
            targets = runs if runs is not None else self._snapshot()
            batch = [c for run in targets for c in _take(run)]
            return self._persist(seq, batch)

    def spill(self, run: Run) -> None:
        """Called from a logging thread when the buffer passed its memory bound: write what
        is buffered to the journal right away (in order) instead of growing memory."""
        seq = self._next_seq()
        chunks = _take(run)
        if chunks:
            self.journal.write(seq, chunks)
            self._journaled = True
            self._wake.set()

    def close(self) -> None:
        self._stop = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        self.flush()

    def _next_seq(self) -> int:
        return next(self._seq)

    def _snapshot(self) -> list[Run]:
        with self._runs_lock:
            return list(self._runs.values())

    def _persist(self, seq: int, batch: list[SeriesChunk]) -> bool:
        try:
            if self._failing or self._journaled:
                self.journal.replay(self.store, own_only=True, before=seq)
                self._journaled = self.journal.has_own()
            if batch:
                self.store.write_metrics(batch)
        except Exception as err:
            if batch:
                self.journal.write(seq, batch)
                self._journaled = True
            self._report(err, batch)
            return False
        if self._failing:
            self._failing = False
            warnings.warn(
                "jupyter-mlm: the store is writable again; journaled points were replayed",
                RuntimeWarning,
                stacklevel=2,
            )
        return True

    def _report(self, err: Exception, batch: list[SeriesChunk]) -> None:
        """Warn once per outage and raise it on each open run's next call."""
        if self._failing:
            return
        self._failing = True
        msg = (
            f"jupyter-mlm could not write metrics to the store ({type(err).__name__}: {err}); "
            f"the points are kept in the journal {self.journal.folder} and will be replayed "
            "when the store can be written again"
        )
        error = WriterError(msg)
        error.__cause__ = err
        for run in self._snapshot():
            run._set_writer_error(error)
        warnings.warn(msg, RuntimeWarning, stacklevel=2)

    # the thread ---------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop:
            self._wake.wait(self.flush_interval)
            self._wake.clear()
            if self._stop:
                break
            try:
                self.flush()
                now = time.time()
                if now - self._last_beat >= HEARTBEAT_INTERVAL:
                    self._last_beat = now
                    live = [r.run_id for r in self._snapshot() if not r._finished]
                    if live:
                        self.store.heartbeat(live)
            except Exception as err:
                self._report(err, [])
                traceback.print_exc()


def _take(run: Run) -> list[SeriesChunk]:
    series = run._buffer.take()
    return [pack(run.run_id, key, s, v, t) for key, s, v, t in series]
