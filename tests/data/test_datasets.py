"""Dataset versions through the public API, on every store backend: ids, lineage, diff."""

from __future__ import annotations

import os

import fsspec
import numpy as np
import pandas as pd
import pytest

import jupyter_mlm as mlm
from jupyter_mlm.core.errors import NotFoundError
from jupyter_mlm.data.sources import redact_url


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "data"
    (root / "sub").mkdir(parents=True)
    (root / "a.csv").write_text("x,y\n1,2\n")
    (root / "sub" / "b.bin").write_bytes(b"\x00\x01" * 1000)
    (root / "empty.txt").write_bytes(b"")
    return root


def test_same_content_same_id_anywhere_and_one_byte_changes_it(tracking, tmp_path, folder):
    copy = tmp_path / "copy" / "data"
    copy.parent.mkdir()
    os.system(f"cp -r {folder} {copy}")
    a, b = mlm.dataset(folder), mlm.dataset(copy, name="data")
    assert a.content_id == b.content_id and len(a.content_id) == 64
    assert (a.kind, a.file_count, a.bytes) == ("folder", 3, 2008)
    assert {m["path"] for m in a.manifest()} == {"a.csv", "sub/b.bin", "empty.txt"}
    (copy / "sub" / "b.bin").write_bytes(b"\x00\x01" * 999 + b"\x00\x02")
    assert mlm.dataset(copy).content_id != a.content_id
    f1 = mlm.dataset(folder / "a.csv")
    assert f1.kind == "file" and f1.name == "a.csv" and f1.file_count == 1
    assert mlm.datasets.get("data").content_id != a.content_id  # newest version of "data"
    assert mlm.datasets.get(f"data@{a.content_id[:10]}").content_id == a.content_id
    assert len(mlm.datasets.list("data")) == 2


def test_glob_versions_only_matching_files(tracking, folder):
    v = mlm.dataset(str(folder / "**" / "*.bin"))
    assert v.file_count == 1 and [m["path"] for m in v.manifest()] == ["sub/b.bin"]


def test_frames_hash_by_content_not_layout(tracking):
    df = pd.DataFrame({"a": np.arange(5), "b": list("vwxyz"), "c": np.linspace(0, 1, 5)})
    v1 = mlm.dataset(df, name="train")
    reordered = df[["a", "b", "c"]].copy()
    assert mlm.dataset(reordered, name="train").content_id == v1.content_id
    assert mlm.dataset(pd.DataFrame(df.to_dict()), name="train").content_id == v1.content_id
    pieces = pd.concat([df.iloc[:2], df.iloc[2:]])  # other blocks in memory, same values
    assert mlm.dataset(pieces, name="train").content_id == v1.content_id
    assert mlm.dataset(df.set_index("b")).content_id != v1.content_id  # a real index counts
    assert v1.schema == {
        "columns": ["a", "b", "c"],
        "dtypes": [str(t) for t in df.dtypes],
        "rows": 5,
    }
    changed = df.copy()
    changed.loc[2, "c"] = 0.25000001
    assert mlm.dataset(changed).content_id != v1.content_id
    arr = np.arange(12.0).reshape(3, 4)
    assert mlm.dataset(arr).content_id == mlm.dataset(np.asfortranarray(arr)).content_id
    with pytest.raises(TypeError, match="cannot version a dict"):
        mlm.dataset({"a": 1})


def test_fsspec_memory_urls_match_local_content(tracking, folder):
    fs = fsspec.filesystem("memory")
    fs.pipe("/bucket/data/a.csv", (folder / "a.csv").read_bytes())
    fs.pipe("/bucket/data/sub/b.bin", (folder / "sub" / "b.bin").read_bytes())
    fs.pipe("/bucket/data/empty.txt", b"")
    remote = mlm.dataset("memory://bucket/data")
    assert remote.content_id == mlm.dataset(folder).content_id
    assert remote.source == "memory://bucket/data" and remote.kind == "folder"
    one = mlm.dataset("memory://bucket/data/a.csv")
    assert one.content_id == mlm.dataset(folder / "a.csv").content_id
    with pytest.raises(FileNotFoundError, match="memory://bucket/nope"):
        mlm.dataset("memory://bucket/nope")


def test_url_errors_and_credentials_never_stored():
    with pytest.raises(ValueError, match="unknown protocol 'nosuchproto'"):
        _describe("nosuchproto://x/y")
    try:
        import s3fs  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="s3fs"):
            _describe("s3://bucket/key")
    assert redact_url("s3://AKIA:secret@bucket/x.csv?X-Amz-Signature=abc") == "s3://bucket/x.csv"
    assert redact_url("https://u:p@host:8080/a") == "https://host:8080/a"


def _describe(url):
    from jupyter_mlm.data.sources import describe

    return describe(url)


def test_missing_path_and_empty_folder(tracking, tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        mlm.dataset(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    v = mlm.dataset(tmp_path / "empty")
    assert (v.file_count, v.bytes, v.manifest()) == (0, 0, [])


def test_lineage_both_ways(tracking, folder):
    df = pd.DataFrame({"x": [1, 2, 3]})
    with mlm.start_run("lineage", datasets={"train": folder, "eval": df}) as r1:
        out = r1.log_dataset(folder / "a.csv", context="predictions", direction="output")
    with mlm.start_run("lineage", datasets=[folder]) as r2:
        pass
    with mlm.start_run("lineage") as r3:
        pass
    train = mlm.datasets.get("data")
    assert {r.run_id for r in train.runs()} == {r1.run_id, r2.run_id}
    assert {r.run_id for r in mlm.runs(dataset=train)} == {r1.run_id, r2.run_id}
    assert {r.run_id for r in mlm.runs("lineage", dataset=df)} == {r1.run_id}
    assert [r.run_id for r in out.runs()] == [r1.run_id]
    used = {(v.name, ctx, d) for v, ctx, d in r1.datasets()}
    assert used == {
        ("data", "train", "input"),
        ("dataframe", "eval", "input"),
        ("a.csv", "predictions", "output"),
    }
    assert r3.datasets() == []
    with pytest.raises(ValueError, match="direction must be"):
        mlm.start_run("lineage").log_dataset(df, direction="sideways")


def test_bad_dataset_makes_the_run_fail_not_linger(tracking, tmp_path):
    with pytest.raises(FileNotFoundError):
        mlm.start_run("lineage", datasets=[tmp_path / "nope"])
    run = mlm.runs("lineage")[0]
    assert run.status == "failed" and "could not record its datasets" in run.error


def test_diff_folders_and_frames(tracking, tmp_path, folder):
    v1 = mlm.dataset(folder)
    (folder / "a.csv").write_text("x,y\n1,2\n3,4\n")
    (folder / "sub" / "b.bin").unlink()
    (folder / "new.txt").write_text("hello")
    v2 = mlm.dataset(folder)
    d = mlm.datasets.diff(v1, v2)
    assert d.added == (("new.txt", 5),) and d.removed == (("sub/b.bin", 2000),)
    assert d.changed == (("a.csv", 8, 12),) and not d.same
    assert "1 added, 1 removed, 1 changed" in str(d)
    assert mlm.datasets.diff(v2, folder).same  # a path is hashed for the comparison
    a = pd.DataFrame({"k": [1, 2, 3], "v": ["a", "b", "c"]})
    b = pd.DataFrame({"k": [2, 3, 4, 5], "v": ["b", "c", "d", "e"]})
    fd = mlm.datasets.diff(mlm.dataset(a), b)
    assert (fd.rows_added, fd.rows_removed, fd.schema_changes) == (2, 1, ())
    c = b.assign(w=1.0).astype({"k": "int32"})
    sd = mlm.datasets.diff(b, c)
    assert "column 'w' added (float64)" in sd.schema_changes
    assert "column 'k': int64 → int32" in sd.schema_changes
    with pytest.raises(NotFoundError):
        mlm.datasets.diff("no-such-dataset", v1)


def test_polars_frames(tracking):
    import polars as pl

    a = pl.DataFrame({"k": [1, 2, 3], "v": ["x", None, "z"]})
    b = pl.concat([a.head(1), a.tail(2)])  # other chunks, same values
    va, vb = mlm.dataset(a), mlm.dataset(b)
    assert va.content_id == vb.content_id and va.schema["rows"] == 3
    assert va.schema["columns"] == ["k", "v"]
    assert mlm.dataset(a.with_columns(pl.col("k") + 1)).content_id != va.content_id
    d = mlm.datasets.diff(va, pl.DataFrame({"k": [1, 2, 3, 4], "v": ["x", None, "z", "w"]}))
    assert (d.rows_added, d.rows_removed) == (1, 0)


def test_non_utf8_file_names_are_versioned(tracking, tmp_path):
    root = tmp_path / "odd"
    root.mkdir()
    with open(os.path.join(os.fsencode(root), b"caf\xe9.txt"), "wb") as fh:
        fh.write(b"latin-1 name")
    v = mlm.dataset(root)
    assert v.file_count == 1
    assert os.fsencode(v.manifest()[0]["path"]) == b"caf\xe9.txt"
    assert mlm.datasets.get(v.content_id).manifest() == v.manifest()


def test_duplicates_across_folders_datasets_and_the_store_blobs(tracking, tmp_path, folder):
    other = tmp_path / "other"
    other.mkdir()
    (other / "copy.bin").write_bytes((folder / "sub" / "b.bin").read_bytes())
    with mlm.start_run("dups") as run:
        run.log_text("report", "x,y\n1,2\n")  # same bytes as data/a.csv, stored as a blob
    report = mlm.duplicates(mlm.dataset(folder), other)
    groups = {g.size: g for g in report.groups}
    assert sorted(os.path.basename(p) for p in groups[2000].locations) == ["b.bin", "copy.bin"]
    assert any("blobs" in p for p in groups[8].locations)
    assert report.wasted_bytes == 2008
    assert "total: 2.0 KiB wasted by 2 redundant copies in 2 group(s)" in report.to_text()
