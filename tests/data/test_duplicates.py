"""The duplicate-file finder: real files in temp folders, fsspec memory:// files, blob stores."""

from __future__ import annotations

import importlib.util
import os
import re
import time
import uuid

import blake3
import fsspec
import pytest

from jupyter_mlm.data import duplicates
from jupyter_mlm.data.duplicates import EDGE, DuplicateGroup, find_duplicates
from jupyter_mlm.data.hashcache import HashCache
from jupyter_mlm.store.blobs import LocalBlobStore

KIB = 1024


def put(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def rand(n: int) -> bytes:
    return os.urandom(n)


def cid(data: bytes) -> str:
    return blake3.blake3(data).hexdigest()


@pytest.fixture
def memfs():
    fs = fsspec.filesystem("memory")
    bucket = f"bucket-{uuid.uuid4().hex[:8]}"
    yield fs, bucket
    if fs.exists(f"/{bucket}"):
        fs.rm(f"/{bucket}", recursive=True)


def test_duplicates_across_two_folders(tmp_path):
    big, small, tie1, tie2 = rand(300 * KIB), rand(10 * KIB), rand(4 * KIB), rand(4 * KIB)
    a, b = tmp_path / "a", tmp_path / "b"
    put(a / "big.bin", big)
    put(b / "copy-of-big.bin", big)
    put(b / "deep" / "er" / "big2.bin", big)
    put(a / "small.bin", small)
    put(b / "small.bin", small)
    put(a / "t2.bin", tie2)  # same wasted bytes as tie1: ordered by first location
    put(b / "t2.bin", tie2)
    put(a / "t1.bin", tie1)
    put(b / "t1.bin", tie1)
    put(a / "unique.bin", rand(300 * KIB))
    put(b / "unique-same-size-as-small.bin", rand(10 * KIB))

    report = find_duplicates(a, str(b), cache=False)

    assert [g.content_id for g in report.groups] == [cid(big), cid(small), cid(tie1), cid(tie2)]
    g = report.groups[0]
    assert g == DuplicateGroup(
        300 * KIB,
        cid(big),
        tuple(
            sorted(str(p) for p in (a / "big.bin", b / "copy-of-big.bin", b / "deep/er/big2.bin"))
        ),
    )
    assert g.wasted_bytes == 600 * KIB
    assert report.groups[1].locations == (str(a / "small.bin"), str(b / "small.bin"))
    assert [grp.wasted_bytes for grp in report.groups] == [600 * KIB, 10 * KIB, 4 * KIB, 4 * KIB]
    assert report.wasted_bytes == 618 * KIB
    assert report.files_scanned == 11
    assert report.bytes_scanned == 3 * 300 * KIB + 300 * KIB + 3 * 10 * KIB + 4 * 4 * KIB


def test_same_size_different_content_is_not_a_duplicate(tmp_path):
    size = 2 * EDGE + 100 * KIB
    head, middle, tail = rand(EDGE), rand(size - 2 * EDGE), rand(EDGE)
    other_middle = bytearray(middle)
    other_middle[len(middle) // 2] ^= 0xFF
    put(tmp_path / "mid1.bin", head + middle + tail)
    put(tmp_path / "mid2.bin", head + bytes(other_middle) + tail)  # same first/last 64 KiB
    put(tmp_path / "mid3.bin", head + middle + tail)  # the only true twin of mid1
    last = bytearray(head + middle + tail)
    last[-1] ^= 1
    put(tmp_path / "end.bin", bytes(last))  # differs in its very last byte only
    small = rand(5 * KIB)
    put(tmp_path / "s1.bin", small)
    put(tmp_path / "s2.bin", small[:-1] + bytes([small[-1] ^ 1]))  # small, differs at the end
    put(tmp_path / "s3.bin", rand(5 * KIB))

    report = find_duplicates(tmp_path, cache=False)

    assert len(report.groups) == 1
    assert report.groups[0].locations == (str(tmp_path / "mid1.bin"), str(tmp_path / "mid3.bin"))
    assert report.groups[0].content_id == cid(head + middle + tail)


def test_a_file_reached_twice_is_not_its_own_duplicate(tmp_path):
    data = rand(200 * KIB)
    f = put(tmp_path / "d" / "sub" / "f.bin", data)
    (tmp_path / "d" / "link.bin").symlink_to(f)
    os.link(f, tmp_path / "d" / "hardlink.bin")
    put(tmp_path / "other" / "g.bin", rand(200 * KIB))

    for sources in (
        (f, f),
        (f, str(f)),
        (tmp_path / "d", tmp_path / "d" / "sub"),
        (tmp_path / "d" / "sub", tmp_path / "d", tmp_path),
        (tmp_path / "d" / "link.bin", f),
        (f"file://{tmp_path}", tmp_path / "d"),
    ):
        report = find_duplicates(*sources, cache=False)
        assert report.groups == (), sources
    assert find_duplicates(tmp_path, tmp_path, cache=False).files_scanned == 2

    put(tmp_path / "other" / "real-copy.bin", data)
    [group] = find_duplicates(tmp_path, f, cache=False).groups
    assert (
        len(group.locations) == 2 and str(tmp_path / "other" / "real-copy.bin") in group.locations
    )


def test_memory_urls_group_with_local_files(tmp_path, memfs):
    fs, bucket = memfs
    small, big = rand(3 * KIB), rand(3 * EDGE + 17)
    fs.pipe(f"memory://{bucket}/a.bin", small)
    fs.pipe(f"memory://{bucket}/nested/big.bin", big)
    fs.pipe(f"memory://{bucket}/nested/big-other.bin", big[:-1] + b"x")
    fs.pipe(f"memory://{bucket}/nested/big-copy.bin", big)
    put(tmp_path / "a.bin", small)
    put(tmp_path / "big.bin", big)

    report = find_duplicates(f"memory://{bucket}", tmp_path, cache=False)

    assert [(g.content_id, len(g.locations)) for g in report.groups] == [
        (cid(big), 3),
        (cid(small), 2),
    ]
    assert report.groups[1].locations == (str(tmp_path / "a.bin"), f"memory:///{bucket}/a.bin")
    assert report.files_scanned == 6
    # a single URL of a file, given twice, is one file
    one = find_duplicates(f"memory://{bucket}/a.bin", f"memory://{bucket}/a.bin", cache=False)
    assert one.groups == () and one.files_scanned == 1


def test_blobs_are_grouped_by_their_name(tmp_path):
    blobs = LocalBlobStore(tmp_path / "blobs")
    data = rand(150 * KIB)
    blob_id = blobs.put_bytes(data)
    blobs.put_bytes(rand(150 * KIB))  # same size, other content
    put(tmp_path / "work" / "model.bin", data)

    report = find_duplicates(tmp_path / "work", blob_dirs=[tmp_path / "blobs"], cache=False)
    assert report.groups == (
        DuplicateGroup(
            150 * KIB,
            blob_id,
            tuple(sorted([str(blobs.path(blob_id)), str(tmp_path / "work/model.bin")])),
        ),
    )
    # the blob folder also given as a source: each blob still counts once
    again = find_duplicates(tmp_path, blob_dirs=[tmp_path / "blobs"], cache=False)
    assert again.groups == report.groups and again.files_scanned == 3


def test_blob_names_are_trusted_not_rehashed(tmp_path, monkeypatch):
    data = rand(10 * KIB)
    fake_id = "ab" + "0" * 62  # a blob whose name is not its blake3: the name is used as is
    put(tmp_path / "blobs" / fake_id[:2] / fake_id[2:], data)
    put(tmp_path / "blobs2" / fake_id[:2] / fake_id[2:], data)
    report = find_duplicates(blob_dirs=[tmp_path / "blobs", tmp_path / "blobs2"], cache=False)
    assert [g.content_id for g in report.groups] == [fake_id]
    put(tmp_path / "f.bin", data)  # its real id differs from the (bogus) blob name
    report = find_duplicates(tmp_path / "f.bin", blob_dirs=[tmp_path / "blobs"], cache=False)
    assert report.groups == ()


def test_missing_paths_name_themselves(tmp_path, memfs):
    _, bucket = memfs
    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        find_duplicates(tmp_path, missing, cache=False)
    with pytest.raises(FileNotFoundError, match=r"no such blob folder: .*nope"):
        find_duplicates(tmp_path, blob_dirs=[missing], cache=False)
    with pytest.raises(FileNotFoundError, match=f"memory://{bucket}/nope"):
        find_duplicates(f"memory://{bucket}/nope", cache=False)


def test_protocol_errors_say_what_to_do():
    if importlib.util.find_spec("s3fs") is None:
        with pytest.raises(ImportError, match=r"s3://bucket/data.*s3fs"):
            find_duplicates("s3://bucket/data", cache=False)
    with pytest.raises(ValueError, match=r"nosuchproto://x.*unknown protocol 'nosuchproto'"):
        find_duplicates("nosuchproto://x", cache=False)


def test_unreadable_file_is_named(tmp_path, monkeypatch):
    put(tmp_path / "a.bin", b"same bytes")
    put(tmp_path / "b.bin", b"same bytes")

    def denied(f):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(duplicates, "_read_all", denied)
    with pytest.raises(PermissionError, match=r"cannot read .*a\.bin|cannot read .*b\.bin"):
        find_duplicates(tmp_path, cache=False)


def test_empty_folder_and_empty_files(tmp_path):
    (tmp_path / "empty").mkdir()
    report = find_duplicates(tmp_path / "empty", cache=False)
    assert report.groups == () and report.files_scanned == 0 and report.wasted_bytes == 0
    assert "total: 0 B wasted" in report.to_text()

    put(tmp_path / "e" / "1", b"")
    put(tmp_path / "e" / "2", b"")
    put(tmp_path / "e" / "3", b"x")
    assert find_duplicates(tmp_path / "e", cache=False).groups == ()  # ignored by default
    [group] = find_duplicates(tmp_path / "e", include_empty=True, cache=False).groups
    assert group.size == 0 and group.wasted_bytes == 0 and group.content_id == cid(b"")
    assert len(group.locations) == 2


def test_text_and_pandas(tmp_path):
    data = rand(2 * KIB + 5)
    put(tmp_path / "x" / "one.bin", data)
    put(tmp_path / "y" / "two.bin", data)
    put(tmp_path / "y" / "three.bin", data)
    report = find_duplicates(tmp_path, cache=False, progress=True, workers=1)
    text = report.to_text()
    assert str(report) == text
    assert text.splitlines()[-1].startswith(
        "total: 4.0 KiB wasted by 2 redundant copies in 1 group"
    )
    assert "3 file(s), 6.0 KiB scanned" in text
    assert str(tmp_path / "y" / "three.bin") in text and cid(data)[:16] in text
    df = report.to_pandas()
    assert list(df.columns) == ["group", "content_id", "size", "copies", "wasted_bytes", "location"]
    assert len(df) == 3 and set(df["copies"]) == {3} and df["wasted_bytes"].iloc[0] == 2 * len(data)
    assert len(find_duplicates(tmp_path / "x", cache=False).to_pandas()) == 0


def test_hash_cache_is_filled_then_trusted(tmp_path, monkeypatch):
    small, big = rand(KIB), rand(3 * EDGE)
    pairs = (("s1", small), ("s2", small), ("b1", big), ("b2", big))
    paths = [put(tmp_path / "d" / n, data) for n, data in pairs]
    put(tmp_path / "d" / "alone", rand(7))
    with HashCache(tmp_path / "cache.db") as cache:
        report = find_duplicates(tmp_path / "d", cache=cache)
        assert len(report.groups) == 2
        # recorded before the racy window passed: not trusted yet, but stored
        assert cache.lookup(paths[0], paths[0].stat()) is None
        cache.record(
            [(p, p.stat(), cid(p.read_bytes())) for p in paths],
            observed_at_ns=time.time_ns() + 10**9,
        )
        assert [cache.lookup(p, p.stat()) for p in paths] == [cid(small)] * 2 + [cid(big)] * 2

        # cached ids are used as they are: nothing is read (nor recorded again)
        monkeypatch.setattr(duplicates, "_read_all", None)
        monkeypatch.setattr(duplicates, "_read_edges", None)
        monkeypatch.setattr(duplicates, "hash_file", None)
        again = find_duplicates(tmp_path / "d", cache=cache)
        assert again == report


def test_default_cache_and_progress_callback(tmp_path):
    data = rand(3 * EDGE)
    for name in ("a", "b", "c"):
        put(tmp_path / name, data)
    put(tmp_path / "other", rand(3 * EDGE))
    calls = []
    report = find_duplicates(tmp_path, progress=lambda b, n: calls.append((b, n)))
    assert len(report.groups[0].locations) == 3
    assert calls[-1] == (4 * 2 * EDGE + 3 * len(data), 4 + 3)  # partial reads, then full hashes
    # the default cache (in $XDG_CACHE_HOME, a temp folder in these tests) now knows them
    cache_db = os.path.join(os.environ["XDG_CACHE_HOME"], "jupyter-mlm", "hashcache.db")
    assert os.path.exists(cache_db)
