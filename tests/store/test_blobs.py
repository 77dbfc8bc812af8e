"""The content-addressed blob store and its garbage collector."""

from __future__ import annotations

import os
import stat
import time

import blake3
import pytest

from jupyter_mlm.core.errors import NotFoundError
from jupyter_mlm.store import open_store
from jupyter_mlm.store.blobs import LocalBlobStore
from jupyter_mlm.store.gc import collect_garbage


def test_put_is_content_addressed_read_only_and_deduplicated(tmp_path):
    blobs = LocalBlobStore(tmp_path / "blobs")
    data = b"hello" * 1000
    blob_id = blobs.put_bytes(data)
    assert blob_id == blake3.blake3(data).hexdigest()
    path = blobs.path(blob_id)
    assert path.parent.name == blob_id[:2] and path.name == blob_id[2:]
    assert not stat.S_IMODE(path.stat().st_mode) & 0o222
    assert blobs.put_bytes(data) == blob_id
    src = tmp_path / "f.bin"
    src.write_bytes(data)
    assert blobs.put_file(src) == (blob_id, len(data))
    assert [b[0] for b in blobs.iter_blobs()] == [blob_id]
    assert list((tmp_path / "blobs" / "tmp").iterdir()) == []  # no temp files left behind
    assert blobs.get_bytes(blob_id) == data


def test_bad_and_unknown_ids(tmp_path):
    blobs = LocalBlobStore(tmp_path)
    for bad in ("../../etc/passwd", "A" * 64, "ab", "0" * 63 + "/"):
        with pytest.raises(ValueError, match="not a blob id"):
            blobs.open(bad)
    with pytest.raises(NotFoundError, match="is not in the blob store"):
        blobs.open("0" * 64)


def test_gc_removes_only_old_unreferenced_blobs(tmp_path):
    st = open_store(str(tmp_path / "store"))
    exp = st.experiments.get_or_create("e")
    run = st.runs.create(exp.experiment_id, name=None, params={}, tags={}, parent_run_id=None)
    kept = st.files.add_text(run.run_id, "t", "referenced", None).blob_id
    old_orphan = st.blobs.put_bytes(b"orphan, old")
    fresh_orphan = st.blobs.put_bytes(b"orphan, just written by another process")
    past = time.time() - 7200
    for blob_id in (kept, old_orphan):
        os.utime(st.blobs.path(blob_id), (past, past))
    report = collect_garbage(st, grace_seconds=3600, dry_run=True)
    assert (report.removed, report.kept) == (1, 1) and st.blobs.exists(old_orphan)
    report = collect_garbage(st, grace_seconds=3600)
    assert (report.removed, report.kept) == (1, 1)
    assert (
        st.blobs.exists(kept) and st.blobs.exists(fresh_orphan) and not st.blobs.exists(old_orphan)
    )
    # re-using an old blob refreshes it, so a concurrent gc cannot take it
    os.utime(st.blobs.path(kept), (past, past))
    st.purge("run", run.run_id)
    st.blobs.put_bytes(b"referenced")
    assert collect_garbage(st, grace_seconds=3600).removed == 0
    st.close()
