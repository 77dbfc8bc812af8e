"""The background writer: one thread per store and process that moves buffered points into
the store at least every ``flush_interval`` seconds, keeps heartbeats fresh, and spills to
the journal when the store cannot be written. Its errors reach the user on the next call.

It also publishes what it persisted to in-process subscribers (``subscribe``): a live chart
of a run of this process follows its points without reading them back from the store."""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
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

#: called with the chunks of one run that just reached the store, in the order written
Subscriber = Callable[[tuple[SeriesChunk, ...]], None]

log = logging.getLogger(__name__)


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
        # run id -> subscriptions; replaced whole under the lock, read without it (one flush
        # with nobody subscribed costs a falsy-dict check). A subscription is a 1-tuple, so
        # the same callback subscribed twice is two subscriptions.
        self._subscribers: dict[str, tuple[tuple[Subscriber], ...]] = {}
        self._subscribers_lock = threading.Lock()

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

    # publishing ---------------------------------------------------------------------------
    def subscribe(self, run_id: str, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` with the ``SeriesChunk``s of ``run_id`` each time some reach the
        store, until the returned function is called. Thread-safe.

        The callback runs on the thread that flushed (the writer thread, or one calling
        ``Run.flush``/``finish``), after the store write, under the flush lock: calls come
        one at a time, in the order the points were logged, so it must be quick (hand the
        chunks to another thread). Chunks are immutable and shared, never copied. Points the
        store could not take go to the journal and are published when they are replayed into
        the store (by this writer, on a later flush); points still in the journal when a
        subscriber leaves never reach it. A callback that raises is logged and unsubscribed.
        Unsubscribing waits for a publication in progress: once it returns, no more calls.
        To see each point exactly once, subscribe and read the store inside ``hold()``."""
        entry = (callback,)
        with self._subscribers_lock:
            subs = dict(self._subscribers)
            subs[run_id] = (*subs.get(run_id, ()), entry)
            self._subscribers = subs

        def unsubscribe() -> None:
            with self._io:
                self._drop(run_id, entry)

        return unsubscribe

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """No flush runs inside (one in progress finishes first): what the store holds of
        this process's runs does not change. Logging goes on meanwhile."""
        with self._io:
            yield

    def _drop(self, run_id: str, entry: tuple[Subscriber]) -> None:
        with self._subscribers_lock:
            subs = dict(self._subscribers)
            left = tuple(e for e in subs.get(run_id, ()) if e is not entry)
            if left:
                subs[run_id] = left
            else:
                subs.pop(run_id, None)
            self._subscribers = subs

    def _publish(self, chunks: list[SeriesChunk]) -> None:
        """Hand the chunks just stored to the subscribers of their runs (per chunk, never
        per point; nothing at all when nobody subscribes)."""
        subs = self._subscribers
        if not subs:
            return
        mine: dict[str, list[SeriesChunk]] = {}
        for chunk in chunks:
            if chunk.run_id in subs:
                mine.setdefault(chunk.run_id, []).append(chunk)
        for run_id, found in mine.items():
            published = tuple(found)
            for entry in subs[run_id]:
                try:
                    entry[0](published)
                except Exception:
                    log.exception(
                        "a subscriber of run %s raised; it is unsubscribed (%r)", run_id, entry[0]
                    )
                    self._drop(run_id, entry)

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
                self.journal.replay(_Publishing(self), own_only=True, before=seq)
                self._journaled = self.journal.has_own()
            if batch:
                self.store.metrics.write(batch)
        except Exception as err:
            if batch:
                self.journal.write(seq, batch)
                self._journaled = True
            self._report(err, batch)
            return False
        if batch:
            self._publish(batch)
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
                        self.store.runs.heartbeat(live)
            except Exception as err:
                self._report(err, [])
                traceback.print_exc()


class _Publishing:
    """The writer's metric repository as journal replay sees it: each batch replayed into the
    store is then published, so subscribers get journaled points too, in order."""

    def __init__(self, writer: Writer) -> None:
        self._writer = writer

    def write(self, chunks: list[SeriesChunk], *, journal_id: str | None = None) -> bool:
        written = self._writer.store.metrics.write(chunks, journal_id=journal_id)
        if written:  # False: another process replayed this journal file already
            self._writer._publish(chunks)
        return written


def _take(run: Run) -> list[SeriesChunk]:
    series = run._buffer.take()
    return [pack(run.run_id, key, s, v, t) for key, s, v, t in series]
