"""A notebook or file ↔ content-addressed chunks and a manifest naming them.

A notebook is split into its metadata, each cell without its outputs, and each output: a hundred
checkpoints that differ in one cell share every other chunk, and an image output is stored once.
The manifest lists the cells itself for a short notebook; a longer one's cells are grouped in
blocks (chunks too, ending where a cell's id says so, so an edit or an inserted cell changes one
block), and the manifest lists the blocks: each checkpoint then costs a block and a short
manifest, not a list of every cell. A plain file is split into fixed-size pieces. Chunk ids are
the blake3 of the chunk's bytes.

A restore gives back the bytes that were saved: a notebook in Jupyter's own serialisation is
rebuilt from its chunks (``jupyter_bytes``); one written otherwise (another editor, a git
checkout) keeps its bytes too, as file pieces the manifest names under ``raw``.
"""

from __future__ import annotations

import fnmatch
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.hashing import blake3_hex as chunk_id
from .jupyter_form import EncodedStrings, jupyter_bytes

NOTEBOOK_FORMAT = "mlm-notebook/1"
FILE_FORMAT = "mlm-file/1"
FILE_PIECE = 1 << 20
INLINE_CELLS = 16  # up to this many cells, the manifest lists them itself
BLOCK_CELLS = 8  # cells per block, on average


@dataclass(frozen=True)
class ContentPolicy:
    """What is left out of a checkpoint: outputs over ``max_output_bytes`` (None: no limit) and
    outputs with a MIME type or ``output_type`` matching one of ``omit_outputs`` (fnmatch)."""

    max_output_bytes: int | None = None
    omit_outputs: tuple[str, ...] = ()

    def omit_reason(self, output: Mapping[str, Any], size: int) -> str | None:
        if self.max_output_bytes is not None and size > self.max_output_bytes:
            return f"larger than {self.max_output_bytes} bytes ({size})"
        names = [str(output.get("output_type", ""))]
        data = output.get("data")
        if isinstance(data, Mapping):
            names.extend(str(k) for k in data)
        for pattern in self.omit_outputs:
            for name in names:
                if fnmatch.fnmatchcase(name, pattern):
                    return f"matches {pattern!r}"
        return None


@dataclass
class Split:
    """A manifest (itself a chunk: ``manifest_id``) and every chunk it names."""

    manifest_id: str
    chunks: dict[str, bytes] = field(default_factory=dict)
    omitted_outputs: int = 0


def canonical(obj: Any) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class ChunkCache:
    """Recently split outputs → their chunk id and bytes, so an unchanged output (a large image)
    is not serialised and hashed again on every save. Outputs are looked up by value (an equal
    output has the same canonical bytes); the cache holds at most about ``max_bytes``."""

    def __init__(self, max_bytes: int = 64 << 20) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Any, tuple[str, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.strings = EncodedStrings(max_bytes // 2)  # for telling Jupyter's form cheaply

    def chunk(self, obj: Any) -> tuple[str, bytes]:
        key = _frozen(obj)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        data = canonical(obj)
        found = (chunk_id(data), data)
        with self._lock:
            if key not in self._items:
                self._items[key] = found
                self._bytes += 2 * len(data)  # the bytes, and the key's strings
                while self._bytes > self.max_bytes and self._items:
                    _, (_, old) = self._items.popitem(last=False)
                    self._bytes -= 2 * len(old)
        return found


def _frozen(value: Any) -> Any:
    """A hashable form of a JSON value, equal exactly when the canonical bytes are: numbers and
    constants by their JSON text and type (``1``, ``1.0`` and ``true`` differ, and ``-0.0`` and
    ``0.0``, which Python holds equal; every NaN is one ``NaN``), objects by sorted keys."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ("d", *((k, _frozen(v)) for k, v in sorted(value.items())))
    if isinstance(value, list):
        return ("l", *(_frozen(v) for v in value))
    if isinstance(value, float):
        return (float, repr(value))  # what json writes: "-0.0", "nan", "1e+16"
    return (value.__class__, repr(value))


class _Chunker:
    def __init__(self) -> None:
        self.chunks: dict[str, bytes] = {}

    def put_bytes(self, data: bytes, cid: str | None = None) -> str:
        cid = cid or chunk_id(data)
        self.chunks[cid] = data
        return cid

    def put(self, obj: Any) -> str:
        return self.put_bytes(canonical(obj))


def split_notebook(
    nb: Mapping[str, Any],
    policy: ContentPolicy | None = None,
    cache: ChunkCache | None = None,
) -> Split:
    """Split a notebook (the nbformat dict) into chunks; outputs the policy omits are named in
    the manifest but not stored. ``cache`` spares re-serialising outputs seen before."""
    if not isinstance(nb, Mapping) or not isinstance(nb.get("cells", []), list):
        raise ValueError("not a notebook: expected a JSON object with a list of cells")
    policy = policy or ContentPolicy()
    chunker = _Chunker()
    omitted = 0
    cells = []
    for cell in nb.get("cells", []):
        if not isinstance(cell, Mapping):
            raise ValueError("not a notebook: a cell is not a JSON object")
        outputs = cell.get("outputs")
        listed = isinstance(outputs, list)  # else kept in the cell's own chunk, as it is
        entry: dict[str, Any] = {
            "c": chunker.put({k: v for k, v in cell.items() if not (listed and k == "outputs")})
        }
        if isinstance(outputs, list):
            names: list[Any] = []
            for output in outputs:
                cid, data = cache.chunk(output) if cache is not None else (None, canonical(output))
                reason = (
                    policy.omit_reason(output, len(data)) if isinstance(output, Mapping) else None
                )
                if reason is not None:
                    omitted += 1
                    names.append({"omitted": reason, "output_type": output.get("output_type")})
                else:
                    names.append(chunker.put_bytes(data, cid))
            entry["o"] = names
        cells.append(entry)
    extra = {k: v for k, v in nb.items() if k not in ("cells", "metadata")}
    manifest: dict[str, Any] = {
        "format": NOTEBOOK_FORMAT,
        "metadata": chunker.put(nb.get("metadata", {})),
        "top": extra,  # nbformat, nbformat_minor
    }
    if len(cells) <= INLINE_CELLS:
        manifest["cells"] = cells
    else:
        manifest["blocks"] = [chunker.put({"cells": block}) for block in _blocks(cells)]
    manifest_id = chunker.put(manifest)
    return Split(manifest_id, chunker.chunks, omitted)


def keep_saved_bytes(
    split: Split, nb: Any, saved: bytes, cache: ChunkCache | None = None
) -> Split | None:
    """When ``saved`` (the file ``split`` came from) is not Jupyter's form of ``nb``: the split
    again, its manifest naming the bytes too (only the new chunks); else None, also when outputs
    were omitted (the bytes would still hold them). The check costs a serialisation, so the
    service runs it off the save path."""
    if split.omitted_outputs or _in_jupyter_form(nb, saved, cache):
        return None
    manifest = json.loads(split.chunks[split.manifest_id])
    chunker = _Chunker()
    manifest["raw"] = _pieces(chunker, saved)
    manifest["size"] = len(saved)
    manifest_id = chunker.put(manifest)
    return Split(manifest_id, chunker.chunks, split.omitted_outputs)


def _in_jupyter_form(nb: Any, saved: bytes, cache: ChunkCache | None) -> bool:
    if not saved.startswith(b"{\n") or not saved.endswith(b"}\n"):
        return False
    try:
        return jupyter_bytes(nb, cache.strings if cache is not None else None) == saved
    except (RecursionError, TypeError):
        return False


def _blocks(entries: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    """Content-defined groups of cells: a block ends after a cell whose id ends in a multiple
    of ``BLOCK_CELLS`` (or at four times that length)."""
    block: list[dict[str, Any]] = []
    for entry in entries:
        block.append(entry)
        if int(entry["c"][-6:], 16) % BLOCK_CELLS == 0 or len(block) >= 4 * BLOCK_CELLS:
            yield block
            block = []
    if block:
        yield block


def _cell_entries(manifest: Mapping[str, Any], fetch: Fetch) -> list[dict[str, Any]]:
    if "blocks" not in manifest:
        return list(manifest["cells"])
    blocks = fetch(manifest["blocks"])
    return [entry for b in manifest["blocks"] for entry in json.loads(blocks[b])["cells"]]


def _pieces(chunker: _Chunker, data: bytes) -> list[str]:
    return [chunker.put_bytes(data[i : i + FILE_PIECE]) for i in range(0, len(data), FILE_PIECE)]


def split_file(data: bytes) -> Split:
    """Split a plain file into pieces of ``FILE_PIECE`` bytes."""
    chunker = _Chunker()
    pieces = _pieces(chunker, data)
    manifest_id = chunker.put({"format": FILE_FORMAT, "pieces": pieces, "size": len(data)})
    return Split(manifest_id, chunker.chunks, 0)


Fetch = Callable[[Iterable[str]], Mapping[str, bytes]]


def manifest_of(manifest_id: str, fetch: Fetch) -> dict[str, Any]:
    manifest = json.loads(fetch([manifest_id])[manifest_id])
    if manifest.get("format") not in (NOTEBOOK_FORMAT, FILE_FORMAT):
        raise ValueError(f"unknown checkpoint format {manifest.get('format')!r}")
    return manifest


def named_chunks(manifest: Mapping[str, Any], fetch: Fetch) -> set[str]:
    """The chunks a manifest names (not itself), its blocks' too: what ``mlm gc`` must keep."""
    if manifest.get("format") == FILE_FORMAT:
        return set(manifest.get("pieces", ()))
    named = {manifest["metadata"], *manifest.get("blocks", ()), *manifest.get("raw", ())}
    for entry in _cell_entries(manifest, fetch):
        named.add(entry["c"])
        named.update(o for o in entry.get("o", ()) if isinstance(o, str))
    return named


def join_notebook(manifest: Mapping[str, Any], fetch: Fetch, *, outputs: bool = True) -> dict:
    """The notebook a manifest describes; ``outputs=False`` leaves every output out (what a
    teammate sees of a notebook whose author does not share outputs). Omitted outputs are
    dropped."""
    if manifest.get("format") != NOTEBOOK_FORMAT:
        raise ValueError("this checkpoint is not a notebook")
    entries = _cell_entries(manifest, fetch)
    wanted = [manifest["metadata"]]
    for entry in entries:
        wanted.append(entry["c"])
        if outputs:
            wanted.extend(o for o in entry.get("o", ()) if isinstance(o, str))
    chunks = fetch(wanted)
    cells = []
    for entry in entries:
        cell = json.loads(chunks[entry["c"]])
        if "o" in entry:
            cell["outputs"] = (
                [json.loads(chunks[o]) for o in entry["o"] if isinstance(o, str)] if outputs else []
            )
            if not outputs and cell.get("cell_type") == "code":
                cell["execution_count"] = None
        cells.append(cell)
    return {
        **manifest.get("top", {}),
        "metadata": json.loads(chunks[manifest["metadata"]]),
        "cells": cells,
    }


def join_file(manifest: Mapping[str, Any], fetch: Fetch) -> bytes:
    if manifest.get("format") != FILE_FORMAT:
        raise ValueError("this checkpoint is a notebook, not a plain file")
    return _joined(manifest["pieces"], fetch)


def join_bytes(manifest: Mapping[str, Any], fetch: Fetch, *, outputs: bool = True) -> bytes:
    """The file a checkpoint holds, byte for byte as it was saved; a notebook seen without its
    outputs (``outputs=False``) in Jupyter's form."""
    if manifest.get("format") == FILE_FORMAT:
        return join_file(manifest, fetch)
    if outputs and "raw" in manifest:
        return _joined(manifest["raw"], fetch)
    return jupyter_bytes(join_notebook(manifest, fetch, outputs=outputs))


def _joined(pieces: list[str], fetch: Fetch) -> bytes:
    chunks = fetch(pieces)
    return b"".join(chunks[p] for p in pieces)
