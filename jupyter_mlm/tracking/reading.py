"""``RunView``: a stored run to read back — what ``mlm.get_run`` and ``mlm.runs`` return.

A ``RunView`` is the ``RunInfo`` read by the query (status, params, tags and metric summaries as
they were then) plus methods that read the rest from the store: metric histories, texts, images,
artifacts, datasets, the notebook checkpoint, the captured context and child runs."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..core.entities import Artifact, CheckpointInfo, LoggedBlob, RunInfo, RunList
from ..core.errors import NotFoundError
from ..core.validation import check_key

if TYPE_CHECKING:
    import numpy as np

    from ..cost.advice import Advice
    from ..cost.run_cost import RunCost
    from ..data.versions import DatasetVersion
    from ..store.base import Store

_FIELDS = tuple(f.name for f in dataclasses.fields(RunInfo))
_Entry = TypeVar("_Entry", LoggedBlob, Artifact)


def datasets_of(store: Store, run_id: str) -> list[tuple[DatasetVersion, str, str]]:
    """(DatasetVersion, context, direction) for every dataset the run read or wrote."""
    from ..data.versions import DatasetVersion

    out = []
    for use in store.datasets.uses(run_id=run_id):
        info = store.datasets.get(f"{use.name}@{use.content_id}")
        out.append((DatasetVersion(info, store), use.context, use.direction))
    return out


class RunView(RunInfo):
    """A stored run: every ``RunInfo`` field as read by the query, and read methods over the
    store. ``before_read(run_id)`` runs before a history is read (the module API flushes the
    run there when this process is logging it, so no buffered point is missed)."""

    _store: Store
    _before_read: Callable[[str], None] | None

    @classmethod
    def of(
        cls, info: RunInfo, store: Store, before_read: Callable[[str], None] | None = None
    ) -> RunView:
        view = cls(**{name: getattr(info, name) for name in _FIELDS})
        object.__setattr__(view, "_store", store)
        object.__setattr__(view, "_before_read", before_read)
        return view

    def __repr__(self) -> str:
        return f"<RunView {self.name} ({self.run_id}) of {self.experiment!r}: {self.status}>"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as the plain ``RunInfo`` (a store connection does not travel)."""
        return (RunInfo, tuple(getattr(self, name) for name in _FIELDS))

    @property
    def id(self) -> str:
        """The run's id (``run_id``), as on a live ``Run``."""
        return self.run_id

    @property
    def store(self) -> Store:
        """The store this run was read from."""
        return self._store

    @property
    def info(self) -> RunInfo:
        """The run as stored now (this view keeps what the query read)."""
        return self._store.runs.get(self.run_id)

    # metrics ------------------------------------------------------------------------------
    def history(self, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(steps, values, unix times) of metric ``key``, as ``Run.history`` gives them;
        ``NotFoundError`` naming the run's metrics if it has no such metric."""
        check_key(key, "metric")
        if self._before_read is not None:
            self._before_read(self.run_id)
        steps, values, times = self._store.metrics.history(self.run_id, key)
        if not len(steps):
            known = self._store.metrics.last_steps(self.run_id)
            if key not in known:
                raise NotFoundError(
                    f"run {self.name} ({self.run_id}) has no metric {key!r}; "
                    f"its metrics: {_names(sorted(known))}"
                )
        return steps, values, times

    # texts, images, artifacts -------------------------------------------------------------
    def texts(self) -> list[LoggedBlob]:
        """Every text logged to the run, in logging order (``mlm/…`` ones are the capture's)."""
        return self._store.files.texts(self.run_id)

    def images(self) -> list[LoggedBlob]:
        """Every image logged to the run, in logging order."""
        return self._store.files.images(self.run_id)

    def artifacts(self) -> list[Artifact]:
        """Every artifact of the run, by name."""
        return self._store.files.artifacts(self.run_id)

    def text(self, name: str, *, step: int | None = None) -> str:
        """The text logged as ``name`` (at ``step``; by default the last one logged)."""
        entry = self._pick(self.texts(), name, step, "text")
        return self._store.blobs.get_bytes(entry.blob_id).decode("utf-8")

    def image(self, name: str, *, step: int | None = None) -> bytes:
        """The PNG bytes of the image logged as ``name`` (at ``step``; default: the last)."""
        entry = self._pick(self.images(), name, step, "image")
        return self._store.blobs.get_bytes(entry.blob_id)

    def artifact(self, name: str) -> bytes:
        """The content of artifact ``name``, in memory (``download`` streams it to a file)."""
        entry = self._pick(self.artifacts(), name, None, "artifact")
        return self._store.blobs.get_bytes(entry.blob_id)

    def download(self, name: str, dest: str | os.PathLike[str] = ".") -> Path:
        """Write artifact ``name`` into the folder ``dest`` (as ``dest/name``) or, when
        ``dest`` is not a folder, as that file; returns the path written."""
        entry = self._pick(self.artifacts(), name, None, "artifact")
        target = Path(dest)
        if target.is_dir():
            target = target.joinpath(*_relative_parts(entry.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as out, self._store.blobs.open(entry.blob_id) as src:
                shutil.copyfileobj(src, out, 1 << 20)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    # where it comes from, what it used, what it started -----------------------------------
    def datasets(self) -> list[tuple[DatasetVersion, str, str]]:
        """(DatasetVersion, context, direction) for every dataset this run used, as
        ``Run.datasets`` gives them."""
        return datasets_of(self._store, self.run_id)

    def checkpoint(self) -> CheckpointInfo | None:
        """The notebook checkpoint the run belongs to (the first saved after it started and
        linked to it), None if none is (a script, or no save since)."""
        return self._store.checkpoints.of_run(self.run_id)

    @property
    def context(self) -> dict[str, Any]:
        """Where the run comes from, as captured when it started: ``notebook`` (path,
        identity), ``git``, ``environment`` and ``captured_at`` (none of them when nothing
        was captured: ``MLM_CAPTURE=0``, or the capture is still under way); and ``system``
        when system metrics were sampled: the interval, the GPUs sampled and why those, and
        ``notices`` (what could not be sampled); and ``cost`` when a price or the machine's
        type was known as it started (what ``cost`` reads)."""
        from .capture_hook import CONTEXT_TEXT
        from .cost_hook import COST_TEXT
        from .system_hook import SYSTEM_TEXT

        last = {e.name: e for e in self.texts()}  # the last one of each name
        ctx: dict[str, Any] = {}
        if CONTEXT_TEXT in last:
            ctx = json.loads(self._store.blobs.get_bytes(last[CONTEXT_TEXT].blob_id))
            with contextlib.suppress(KeyError, ValueError):
                ctx["captured_at"] = float(self.tags["mlm.captured_at"])
        if SYSTEM_TEXT in last:
            ctx["system"] = json.loads(self._store.blobs.get_bytes(last[SYSTEM_TEXT].blob_id))
        if COST_TEXT in last:
            ctx["cost"] = json.loads(self._store.blobs.get_bytes(last[COST_TEXT].blob_id))
        return ctx

    # what it cost -------------------------------------------------------------------------
    @property
    def cost(self) -> RunCost:
        """What the run cost (so far, while it runs): its hourly price as recorded when it
        started × its wall hours (× its mean share of the machine's CPU with ``[cost] share
        = "cpu"``), in USD; no amount, with the reason, when no price was known."""
        from .cost_reading import cost_of

        return cost_of(self)

    def advice(self) -> list[Advice]:
        """How the run could have cost less, from its own ``sys/`` samples: fewer cores, a
        smaller GPU, an input-bound pipeline, idle GPU time; each with its evidence and
        what it would save at the run's prices."""
        from .cost_reading import advice_of

        return advice_of(self)

    def children(self, *, include_archived: bool = False) -> RunList:
        """Runs started with this one as their parent, newest first, as ``RunView``s."""
        found = self._store.queries.search(
            where={"parent_run_id": self.run_id}, include_archived=include_archived
        )
        return RunList(RunView.of(info, self._store, self._before_read) for info in found)

    def _pick(self, entries: Sequence[_Entry], name: str, step: int | None, what: str) -> _Entry:
        """The last entry called ``name`` (at ``step`` if given), else ``NotFoundError``."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"{what} name must be a non-empty str, got {name!r}")
        named = [e for e in entries if e.name == name]
        if step is not None:
            named = [e for e in named if isinstance(e, LoggedBlob) and e.step == step]
        if not named:
            at = "" if step is None else f" at step {step}"
            raise NotFoundError(
                f"run {self.name} ({self.run_id}) has no {what} {name!r}{at}; "
                f"its {what}s: {_names(dict.fromkeys(e.name for e in entries))}"
            )
        return named[-1]


def _names(names: Any, most: int = 10) -> str:
    shown = list(names)
    if not shown:
        return "none"
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return ", ".join(repr(n) for n in shown[:most]) + more


def _relative_parts(name: str) -> list[str]:
    """An artifact name's path parts; names are relative POSIX paths, checked again here
    because they decide where a file is written."""
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"artifact name is not a safe relative path: {name!r}")
    return parts
