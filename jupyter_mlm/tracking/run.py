"""``Run``: what a training loop talks to. ``log()`` only appends to typed arrays; the
writer thread does the I/O."""

from __future__ import annotations

import contextlib
import os
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..core.entities import Artifact, LoggedBlob, RunInfo
from ..core.errors import MlmError, NotFoundError, WriterError
from ..core.validation import AS_IS, QUICK_FLOAT, check_key, check_status, metric_value
from ..system import PREFIX as SYSTEM_PREFIX
from .series import PointBuffer, Slot
from .system_hook import start_system_metrics, stop_system_metrics, system_interval

if TYPE_CHECKING:
    import numpy as np

    from ..cost.advice import Advice
    from ..cost.run_cost import RunCost
    from ..store.base import Store
    from ..system.sampler import Target
    from .reading import RunView
    from .writer import Writer

_time = time.time
_MAX_STEP = (1 << 63) - 1
#: the writer is woken early past this many buffered points of one run...
SOFT_LIMIT = 200_000
#: ...and past this many the logging call spills them to the journal itself (~5.6 MB/200k).
HARD_LIMIT = 2_000_000
#: seconds ``finish`` waits for the run's prices to be stored (see cost_hook)
COST_WAIT = 2.0


class Run:
    """A run being logged by this process. Use as a context manager: the run ends
    ``finished`` on success and ``failed`` (with the exception recorded) on an exception.

    ``system_metrics``: sample CPU, memory, I/O and GPUs into ``sys/…`` series on a
    background thread (default: on unless ``MLM_SYSTEM_METRICS=0``)."""

    def __init__(
        self,
        info: RunInfo,
        store: Store,
        writer: Writer,
        last_steps: dict[str, int],
        *,
        system_metrics: bool | None = None,
    ) -> None:
        interval = system_interval(system_metrics)  # a bad setting raises before anything
        self.run_id = info.run_id
        self.name = info.name
        self.experiment = info.experiment
        self._info = info
        self._store = store
        self._writer = writer
        self._buffer = PointBuffer()
        self._finished = False
        self._blocked = False  # finished or a writer error to raise: log() checks only this
        self._soft = SOFT_LIMIT
        self._loop_keys = 0  # keys but the sampler's: they share the soft limit
        self._writer_error: WriterError | None = None
        self._ended_why = "has ended; start or resume a run to log"
        self._context_recorded: threading.Event | None = None  # set once captured
        self._cost_recorded: threading.Event | None = None  # set once its prices are stored
        self._on_finish: Callable[[Run], None] | None = None  # the module API forgets it
        self._system: Target | None = None
        for key, step in last_steps.items():
            self._new_key(key, step + 1)
        writer.register(self)
        if interval is not None:
            self._system = start_system_metrics(self, interval, last_steps)

    def __repr__(self) -> str:
        return f"<Run {self.name} ({self.run_id}) of {self.experiment!r}>"

    # metrics ------------------------------------------------------------------------------
    def log(
        self, metrics: Mapping[str, Any] | None = None, /, *, step: int | None = None, **kw: Any
    ) -> None:
        """Record metric values; ``step`` defaults to one more than the key's last step.

        A value is a real number: a float or int, a numpy or JAX scalar, or an array or tensor
        of one element, read with ``.item()`` (for a tensor on a GPU that waits for the device
        to copy it to the host, as ``float(t)`` would); booleans and complex numbers are refused.
        Nothing is written here: the points go to typed arrays without a lock and the writer
        thread stores them."""
        if self._blocked:
            self._raise_blocked()
        items: Mapping[str, Any]
        if metrics is None:
            items = kw
        elif isinstance(metrics, Mapping):
            items = {**metrics, **kw} if kw else metrics
        else:
            raise TypeError(f"log() takes a dict of metrics, got {type(metrics).__name__}")
        if step is None:
            buf = self._buffer
            generation = buf.generation
            slots = buf.slots
            t = _time()
            key = None
            values = None
            try:
                for key, value in items.items():
                    add_value, add_time, values, _ = slots[key]
                    if type(value) is not float and type(value) not in AS_IS:
                        try:  # what metric_value does first, without a call (tensors, arrays)
                            number = QUICK_FLOAT[type(value)](value)
                        except Exception:
                            number = None
                        value = number if type(number) is float else metric_value(key, value)
                    add_value(value)  # an int or numpy number as it is: the array converts it
                    add_time(t)
            except BaseException as error:
                self._recover(items, key, generation, error)
                self.log(items)
                return
        else:  # as above, plus the step break (see tracking/series.py), lock-free too
            if type(step) is not int or not 0 <= step <= _MAX_STEP:
                step = _check_step(step)
            buf = self._buffer
            generation = buf.generation
            slots, taken, origin = buf.slots, buf.taken, buf.origin
            seen = -1 if generation & 1 else generation  # odd: a take is running
            t = _time()
            key = None
            values = None
            try:
                for key, value in items.items():
                    add_value, add_time, values, kid = slots[key]
                    if type(value) is not float and type(value) not in AS_IS:
                        try:
                            number = QUICK_FLOAT[type(value)](value)
                        except Exception:
                            number = None
                        value = number if type(number) is float else metric_value(key, value)
                    index = taken[kid] + len(values)
                    if buf.generation != seen:  # a take ran meanwhile: read again, locked
                        index = buf.index_of_next(kid)
                    if step != origin[kid] + index:
                        buf.breaks[kid].append((index, step))
                        origin[kid] = step - index
                    add_value(value)
                    add_time(t)
            except BaseException as error:
                self._recover(items, key, generation, error)
                self.log(items, step=step)
                return
        if values is not None and len(values) >= self._soft:
            self._pressure()

    def _recover(
        self, items: Mapping[str, Any], key: str | None, generation: int, error: BaseException
    ) -> None:
        """A ``log`` call failed at ``key``: take back what it appended, then raise ``error``;
        unless a key was new, which is added now (the caller logs again)."""
        buf = self._buffer
        buf.undo(items, key, generation)
        if not isinstance(error, KeyError) or key in buf.slots:  # KeyError of a value's own
            raise error
        for new in items:
            if new not in buf.slots:
                self._new_key(new, 0)

    def _pressure(self) -> None:
        """Many points wait: wake the writer, or past the memory bound spill them ourselves."""
        pending = self._buffer.pending
        if pending >= HARD_LIMIT:
            self._writer.spill(self)
        elif pending >= SOFT_LIMIT:
            self._writer.wake()

    def _new_key(self, key: str, next_step: int) -> Slot:
        check_key(key, "metric")
        slot = self._buffer.add_key(key, next_step)
        if not key.startswith(SYSTEM_PREFIX):  # a point a second: no share of the limit
            self._loop_keys += 1
            self._soft = max(1, SOFT_LIMIT // self._loop_keys)
        return slot

    def history(self, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(steps, values, unix times) of ``key``, including points not yet flushed;
        ``NotFoundError`` naming the run's metrics if nothing was logged to ``key``."""
        check_key(key, "metric")
        self.flush()
        found = self._store.metrics.history(self.run_id, key)
        if not len(found[0]) and key not in self._buffer.keys:
            known = sorted(self._buffer.keys)
            raise NotFoundError(
                f"run {self.name} ({self.run_id}) has no metric {key!r}; its metrics: "
                + (", ".join(repr(k) for k in known[:10]) or "none")
                + (f" and {len(known) - 10} more" if len(known) > 10 else "")
            )
        return found

    def _log_system(self, values: dict[str, float], step: int) -> None:
        """One system-metrics sample, from the sampler: an ended run takes nothing, and a
        writer error met here stays for the user's next call."""
        if self._blocked:
            return
        try:
            self.log(values, step=step)
        except WriterError as error:
            self._set_writer_error(error)
        except MlmError:  # ended meanwhile
            pass

    def flush(self) -> None:
        """Write buffered points now (the writer does this every second anyway)."""
        self._writer.flush([self])
        if self._writer_error is not None:
            self._raise_writer_error()

    # params, tags, files ------------------------------------------------------------------
    def log_params(self, params: Mapping[str, Any] | None = None, /, **kw: Any) -> None:
        self._check_usable()
        self._store.runs.log_params(self.run_id, {**(params or {}), **kw})

    def log_param(self, key: str, value: Any) -> None:
        self.log_params({key: value})

    def set_tags(self, tags: Mapping[str, Any] | None = None, /, **kw: Any) -> None:
        self._check_usable()
        self._store.runs.set_tags(self.run_id, {**(tags or {}), **kw})

    def log_text(self, name: str, text: str, *, step: int | None = None) -> LoggedBlob:
        self._check_usable()
        return self._store.files.add_text(
            self.run_id, name, text, None if step is None else _check_step(step)
        )

    def log_image(self, name: str, image: Any, *, step: int | None = None) -> LoggedBlob:
        from .images import to_png

        self._check_usable()
        png, size = to_png(image)
        return self._store.files.add_image(
            self.run_id, name, png, size, None if step is None else _check_step(step)
        )

    def log_artifact(self, path: str | os.PathLike[str], name: str | None = None) -> Artifact:
        self._check_usable()
        path = os.fspath(path)
        return self._store.files.add_artifact(self.run_id, path, name or os.path.basename(path))

    # datasets -----------------------------------------------------------------------------
    def log_dataset(self, source: Any, *, context: str = "input", direction: str = "input",
                    name: str | None = None):  # fmt: skip  # -> DatasetVersion
        """Record that this run reads (or with ``direction="output"`` writes) ``source``: a
        ``DatasetVersion``, or anything ``mlm.dataset`` takes (hashed and recorded first)."""
        from ..data.versions import resolve

        self._check_usable()
        version = resolve(source, self._store, name=name)
        self._store.datasets.link(self.run_id, version.info, context, direction)
        return version

    def datasets(self) -> list[tuple[Any, str, str]]:
        """(DatasetVersion, context, direction) for every dataset this run used."""
        from .reading import datasets_of

        return datasets_of(self._store, self.run_id)

    # state --------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The run's id (``run_id``, by the name W&B users type)."""
        return self.run_id

    @property
    def info(self) -> RunInfo:
        """The run as stored now (status, params, tags, metric summaries)."""
        return self._store.runs.get(self.run_id)

    @property
    def status(self) -> str:
        return "running" if not self._finished else self.info.status

    @property
    def ended(self) -> bool:
        """True once ``finish`` was called (its last points may still be being flushed)."""
        return self._finished

    @property
    def started(self) -> RunInfo:
        """The run as it was created (no store read): ids, names, start time, first params."""
        return self._info

    @property
    def store(self) -> Store:
        """The store this run logs to."""
        return self._store

    # following the points as they are stored ----------------------------------------------
    def subscribe(self, callback: Callable[[tuple[Any, ...]], None]) -> Callable[[], None]:
        """Call ``callback`` with this run's ``SeriesChunk``s each time some reach the store,
        until the returned function is called (``Writer.subscribe`` says how: quick
        callbacks, on the flushing thread, in logging order)."""
        return self._writer.subscribe(self.run_id, callback)

    def hold_flushes(self) -> contextlib.AbstractContextManager[None]:
        """No flush runs inside: subscribe and read the store in one, to see each point once."""
        return self._writer.hold()

    def flush_quietly(self) -> None:
        """Write buffered points now without raising a pending writer error (for followers
        on other threads; the error still reaches the logging thread)."""
        self._writer.flush([self])

    @property
    def context(self) -> dict[str, Any]:
        """Where the run comes from and what its system metrics sample, as
        ``mlm.get_run(id).context`` reads it (waits up to 10 s for the capture)."""
        if self._context_recorded is not None:
            self._context_recorded.wait(10)
        return self._view().context

    @property
    def cost(self) -> RunCost:
        """What the run has cost so far, as ``mlm.get_run(id).cost`` reads it."""
        self.flush_quietly()
        return self._view().cost

    def advice(self) -> list[Advice]:
        """How the run could cost less, from its samples so far (see ``RunView.advice``)."""
        self.flush_quietly()
        return self._view().advice()

    def _view(self) -> RunView:
        """The run as stored now, once its prices are (waits up to ``COST_WAIT`` for them)."""
        from .reading import RunView

        if self._cost_recorded is not None:
            self._cost_recorded.wait(COST_WAIT)
        return RunView.of(self.info, self._store)

    def finish(self, status: str = "finished", *, error: str | None = None) -> None:
        """Flush everything and end the run (``finished``, ``failed``, ``killed``...)."""
        check_status(status)
        if status == "running":
            raise ValueError("finish() needs an end status, not 'running'")
        if self._finished:
            return
        system, self._system = self._system, None
        if system is not None:
            stop_system_metrics(system)  # its last sample goes out with the flush below
        self._finished = self._blocked = True
        try:
            self._writer.flush([self])
        finally:
            self._writer.unregister(self)
            self._store.runs.end(self.run_id, status, error)
            if self._cost_recorded is not None:  # stored before finish returns (it is
                self._cost_recorded.wait(COST_WAIT)  # at once unless the run was instant)
            if self._on_finish is not None:
                self._on_finish(self)
        if self._writer_error is not None:
            self._raise_writer_error()

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        if exc is None:
            self.finish("finished")
        elif isinstance(exc, KeyboardInterrupt):
            self.finish("killed", error="KeyboardInterrupt")
        else:
            self.finish(
                "failed", error="".join(traceback.format_exception(exc_type, exc, tb))[-20000:]
            )

    def _check_usable(self) -> None:
        if self._blocked:
            self._raise_blocked()

    def _raise_blocked(self) -> None:
        if self._writer_error is not None:
            self._raise_writer_error()
        if self._finished:
            raise MlmError(f"run {self.name} ({self.run_id}) {self._ended_why}")

    def _detach_after_fork(self) -> None:
        """In a forked child: the run belongs to the parent, whose writer flushes its points."""
        self._finished = self._blocked = True
        self._system = None  # the child has no sampler; the parent's samples the parent
        self._ended_why = (
            "belongs to the parent process; in a child process start a run of its own "
            "(e.g. mlm.start_run(..., parent=run_id))"
        )
        self._buffer = PointBuffer()  # the parent's writer may have held its lock at fork

    def _set_writer_error(self, error: WriterError) -> None:
        self._writer_error = error
        self._blocked = True

    def _raise_writer_error(self) -> None:
        error, self._writer_error = self._writer_error, None
        self._blocked = self._finished
        assert error is not None
        raise error


def _check_step(step: Any) -> int:
    import operator

    if isinstance(step, bool):
        raise TypeError("step must be an int, got bool")
    try:
        value = operator.index(step)
    except TypeError:
        raise TypeError(f"step must be an int, got {type(step).__name__}: {step!r}") from None
    if not 0 <= value <= _MAX_STEP:
        raise ValueError(f"step must be between 0 and 2**63-1, got {value}")
    return value
