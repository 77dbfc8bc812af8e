"""Content ids of in-memory data: pandas and polars data frames, numpy arrays.

The id is blake3 over the schema and each column's values in a canonical form (contiguous
little-endian buffers; strings and other objects length-prefixed), so it does not depend on
memory layout, chunking or column order in memory — only on column names, dtypes, values and
a non-default index. Row hashes (64-bit, for diffs only) come from pandas' ``hash_pandas_object``
or the same canonical bytes with xxh3."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_LEN = 8  # bytes of each length prefix


@dataclass(frozen=True)
class FrameDigest:
    content_id: str
    schema: dict[str, Any]  # {"columns": [...], "dtypes": [...], "rows": n} (+ "shape" for arrays)
    nbytes: int
    row_hashes: bytes | None  # little-endian uint64 per row, for diffs


def is_frame(obj: Any) -> bool:
    module = type(obj).__module__
    return (module.startswith("pandas") and hasattr(obj, "columns")) or (
        module.startswith("polars") and hasattr(obj, "columns") and hasattr(obj, "schema")
    )


def is_array(obj: Any) -> bool:
    return type(obj).__module__ == "numpy" and hasattr(obj, "dtype") and hasattr(obj, "shape")


def hash_frame(df: Any) -> FrameDigest:
    """Digest of a pandas or polars DataFrame."""
    import blake3

    if type(df).__module__.startswith("polars"):
        names = [str(c) for c in df.columns]
        dtypes = [str(t) for t in df.dtypes]
        columns = [df.get_column(c).to_numpy() for c in df.columns]
        index = None
        rows = df.height
    else:
        names = [str(c) for c in df.columns]
        dtypes = [str(t) for t in df.dtypes]
        columns = [df.iloc[:, i] for i in range(df.shape[1])]
        rows = len(df)
        index = None if _default_index(df.index) else df.index
    if len(set(names)) != len(names):
        raise ValueError("the data frame has duplicate column names; rename them to hash it")
    schema: dict[str, Any] = {"columns": names, "dtypes": dtypes, "rows": rows}
    if index is not None:
        schema["index"] = str(index.dtype)
    hasher = blake3.blake3(json.dumps(schema, sort_keys=True).encode())
    nbytes = 0
    parts = ([index] if index is not None else []) + columns
    canonical = [_canonical(col) for col in parts]
    for data in canonical:
        hasher.update(len(data).to_bytes(_LEN, "little"))
        hasher.update(data)
        nbytes += len(data)
    return FrameDigest(hasher.hexdigest(), schema, nbytes, _row_hashes(df, rows))


def hash_array(arr: Any) -> FrameDigest:
    """Digest of a numpy array (numbers, bools, datetimes or strings)."""
    import blake3
    import numpy as np

    a = np.asarray(arr)
    if a.dtype.kind == "O":
        raise TypeError("cannot hash a numpy object array; convert it to a typed array first")
    schema = {
        "dtype": a.dtype.newbyteorder("<").str,
        "shape": list(a.shape),
        "rows": a.shape[0] if a.ndim else 1,
    }
    data = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()
    hasher = blake3.blake3(json.dumps(schema, sort_keys=True).encode())
    hasher.update(data)
    rows = None
    if a.ndim >= 1 and a.shape[0] and len(data):
        import xxhash

        width = len(data) // a.shape[0]
        rows = b"".join(
            xxhash.xxh3_64_intdigest(data[i : i + width]).to_bytes(8, "little")
            for i in range(0, len(data), width)
        )
    return FrameDigest(hasher.hexdigest(), schema, len(data), rows)


def _default_index(index: Any) -> bool:
    import pandas as pd

    if isinstance(index, pd.RangeIndex):
        return index.start == 0 and index.step == 1
    return index.dtype.kind in "iu" and index.equals(pd.RangeIndex(len(index)))


def _canonical(col: Any) -> bytes:
    """One column as bytes that depend only on its values (and dtype)."""
    import numpy as np

    values = col.to_numpy() if hasattr(col, "to_numpy") else np.asarray(col)
    kind = values.dtype.kind
    if kind in "biufcmM":
        if kind in "mM":
            values = values.view("i8")
        return np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<")).tobytes()
    if kind in "US":
        values = values.astype(object)
    out = bytearray()
    for v in values:  # strings, mixed objects, nullable/extension values
        if v is None or (isinstance(v, float) and v != v) or _is_na(v):
            out += b"\xff" * _LEN
            continue
        data = v.encode("utf-8", "surrogatepass") if isinstance(v, str) else _object_bytes(v)
        out += len(data).to_bytes(_LEN, "little")
        out += data
    return bytes(out)


def _is_na(v: Any) -> bool:
    try:
        import pandas as pd

        return v is pd.NA or v is pd.NaT
    except ImportError:
        return False


def _object_bytes(v: Any) -> bytes:
    if isinstance(v, bytes):
        return b"b" + v
    if isinstance(v, (bool, int, float)):
        return f"{type(v).__name__}:{v!r}".encode()
    return f"{type(v).__module__}.{type(v).__name__}:{v!r}".encode()


def _row_hashes(df: Any, rows: int) -> bytes | None:
    if rows == 0:
        return None
    if type(df).__module__.startswith("polars"):
        import xxhash

        records = df.rows()
        return b"".join(
            xxhash.xxh3_64_intdigest(repr(r).encode()).to_bytes(8, "little") for r in records
        )
    import pandas as pd

    hashes = pd.util.hash_pandas_object(df, index=False).to_numpy()
    return hashes.astype("<u8").tobytes()
