"""The local spill journal: packed points that could not reach the store yet (store
unreachable, or the writer behind its memory bound). Files are written atomically, named by
host, process and a batch sequence number, and replayed in that order exactly once."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import warnings
from pathlib import Path
from typing import Protocol

from ..core.series import SeriesChunk
from ..store.liveness import hostname, is_dead, own_token
from ..store.location import StoreLocation

_MAGIC = b"MLMJ1\n"
_NAME = re.compile(r"^(?P<host>.+)--(?P<pid>\d+)--(?P<token>[^-]+)--(?P<seq>\d{12})\.mlmj$")
_FIELDS = ("run_id", "key", "n", "last_value", "last_step", "last_time", "min", "max", "sum")


def journal_dir(location: StoreLocation) -> Path:
    """Beside an embedded store; under the user's cache folder for a remote one."""
    if location.root is not None:
        return location.root / "journal"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(location.store_uri.encode()).hexdigest()[:16]
    return cache / "jupyter-mlm" / "journal" / digest


class MetricSink(Protocol):
    """Where replayed points go: a store's ``metrics`` (or the writer's publishing wrapper)."""

    def write(self, chunks: list[SeriesChunk], *, journal_id: str | None = None) -> bool: ...


class Journal:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write(self, seq: int, chunks: list[SeriesChunk]) -> Path:
        """Durably record ``chunks`` as batch ``seq`` of this process."""
        self.folder.mkdir(parents=True, exist_ok=True)
        header = json.dumps([[getattr(c, f) for f in _FIELDS] for c in chunks]).encode()
        payload = b"".join(c.steps + c.values + c.times for c in chunks)
        body = _MAGIC + len(header).to_bytes(8, "little") + header + payload
        digest = hashlib.blake2b(body, digest_size=16).digest()
        name = f"{_safe(hostname())}--{os.getpid()}--{own_token()}--{seq:012d}.mlmj"
        path = self.folder / name
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            fh.write(body + digest)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return path

    def pending(self, *, own_only: bool = False, before: int | None = None) -> list[Path]:
        """Journal files to replay: this process's, and those of processes that are gone."""
        if not self.folder.is_dir():
            return []
        out = []
        for path in self.folder.iterdir():
            m = _NAME.match(path.name)
            if m is None:
                continue
            mine = (
                m["host"] == _safe(hostname())
                and int(m["pid"]) == os.getpid()
                and m["token"] == own_token()
            )
            if before is not None and mine and int(m["seq"]) >= before:
                continue
            if mine or (
                not own_only
                and m["host"] == _safe(hostname())
                and is_dead(hostname(), int(m["pid"]), m["token"], 0.0)
            ):
                out.append(path)
        return sorted(out, key=lambda p: (p.name.rsplit("--", 1)[0], p.name[-17:]))

    def has_own(self) -> bool:
        return bool(self.pending(own_only=True))

    def replay(
        self, metrics: MetricSink, *, own_only: bool = False, before: int | None = None
    ) -> int:
        """Write pending journal files into the store's metrics, oldest first; return points
        replayed.
        Stops at the first failure (raising it) so order is kept."""
        done = 0
        for path in self.pending(own_only=own_only, before=before):
            try:
                chunks = read(path)
            except FileNotFoundError:
                continue  # replayed by another process meanwhile
            except ValueError as err:
                bad = path.with_suffix(".corrupt")
                os.replace(path, bad)
                warnings.warn(
                    f"jupyter-mlm: journal file is damaged, kept as {bad}: {err}",
                    RuntimeWarning,
                    stacklevel=2,
                )
                continue
            if chunks:
                metrics.write(chunks, journal_id=path.name[:-5])
                done += sum(c.n for c in chunks)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        return done


def read(path: Path) -> list[SeriesChunk]:
    data = path.read_bytes()
    body, digest = data[:-16], data[-16:]
    if not body.startswith(_MAGIC) or hashlib.blake2b(body, digest_size=16).digest() != digest:
        raise ValueError("bad header or checksum")
    size = int.from_bytes(body[6:14], "little")
    header = json.loads(body[14 : 14 + size])
    pos = 14 + size
    chunks = []
    for fields in header:
        meta = dict(zip(_FIELDS, fields, strict=False))
        n8 = meta["n"] * 8
        steps, values, times = (body[pos + i * n8 : pos + (i + 1) * n8] for i in range(3))
        pos += 3 * n8
        chunks.append(SeriesChunk(steps=steps, values=values, times=times, **meta))
    if pos != len(body):
        raise ValueError("length mismatch")
    return chunks


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]", "_", text)
