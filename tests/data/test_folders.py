"""hash_folder, manifest_id and HashCache on real folders in tmp dirs."""

from __future__ import annotations

import errno
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import blake3
import pytest

from jupyter_mlm.data import folders
from jupyter_mlm.data.filehash import SMALL_FILE, hash_file
from jupyter_mlm.data.folders import FileEntry, hash_folder, manifest_id
from jupyter_mlm.data.hashcache import RACY_WINDOW_NS, HashCache

OLD_NS = (time.time_ns() - 3600 * 10**9, time.time_ns() - 3600 * 10**9)  # an hour ago


def b3(data: bytes) -> str:
    return blake3.blake3(data).hexdigest()


def write(root: Path, rel: str, data: bytes, *, old: bool = True) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    if old:  # outside the cache's racy window, as data files usually are
        os.utime(p, ns=OLD_NS)
    return p


FILES = {
    "train.csv": b"a,b\n1,2\n",
    "sub/val.csv": b"a,b\n3,4\n",
    "sub/deeper/img.png": bytes(range(256)) * 10,
    ".hidden": b"dot files count too",
    "empty.txt": b"",
}


def make_tree(root: Path, files: dict[str, bytes] = FILES, order: int = 0) -> Path:
    items = list(files.items())
    random.Random(order).shuffle(items)
    for rel, data in items:
        write(root, rel, data)
    return root


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[HashCache]:
    c = HashCache(tmp_path / "cache" / "hashcache.db")
    yield c
    c.close()


# -- content ids ---------------------------------------------------------------------------


def test_digest_lists_every_file_sorted(tmp_path: Path) -> None:
    d = hash_folder(make_tree(tmp_path / "data"), cache=None)
    assert [e.path for e in d.entries] == sorted(FILES)
    assert {e.path: e.hash for e in d.entries} == {k: b3(v) for k, v in FILES.items()}
    assert d.total_bytes == sum(map(len, FILES.values()))
    assert (d.files_hashed, d.files_cached) == (len(FILES), 0)
    assert d.content_id == manifest_id(d.entries)
    text = b"".join(
        b"%s\0%d\0%s\n" % (k.encode(), len(v), b3(v).encode()) for k, v in sorted(FILES.items())
    )
    assert d.content_id == b3(text)


def test_order_and_location_independent(tmp_path: Path) -> None:
    ids = {
        hash_folder(make_tree(tmp_path / name, order=i), cache=None, workers=i + 1).content_id
        for i, name in enumerate(["one", "two-other-name", "x/y/three"])
    }
    assert len(ids) == 1
    entries = hash_folder(tmp_path / "one", cache=None).entries
    assert manifest_id(reversed(entries)) == manifest_id(entries)


def test_one_changed_byte_changes_the_id(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "d")
    before = hash_folder(root, cache=None).content_id
    write(root, "sub/val.csv", b"a,b\n3,5\n")
    assert hash_folder(root, cache=None).content_id != before


def test_renamed_file_keeps_hashes_but_changes_id(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "d")
    before = hash_folder(root, cache=None)
    os.rename(root / "train.csv", root / "training.csv")
    after = hash_folder(root, cache=None)
    assert sorted(e.hash for e in after.entries) == sorted(e.hash for e in before.entries)
    assert after.content_id != before.content_id


def test_empty_folder_is_valid(tmp_path: Path) -> None:
    d = hash_folder(tmp_path, cache=None)
    assert d.entries == ()
    assert d.total_bytes == d.files_hashed == d.files_cached == 0
    assert d.content_id == manifest_id([]) == b3(b"")


def test_only_empty_subfolders_and_zero_byte_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    write(tmp_path, "z", b"")
    d = hash_folder(tmp_path, cache=None)
    assert d.entries == (FileEntry("z", 0, b3(b"")),)


def test_non_utf8_file_name(tmp_path: Path, cache: HashCache) -> None:
    root = tmp_path / "d"
    root.mkdir()
    raw = os.fsencode(root) + b"/r\xe9sum\xff.txt"
    with open(raw, "wb") as fh:
        fh.write(b"bytes")
    os.utime(raw, ns=OLD_NS)
    d = hash_folder(root, cache=cache)
    (entry,) = d.entries
    assert entry.path == "r\udce9sum\udcff.txt"
    assert os.fsencode(entry.path) == b"r\xe9sum\xff.txt"
    assert entry.hash == b3(b"bytes")
    again = hash_folder(root, cache=cache)
    assert (again.files_cached, again.content_id) == (1, d.content_id)


def test_large_and_small_files_together(tmp_path: Path) -> None:
    big = os.urandom(SMALL_FILE + 7)
    write(tmp_path, "big/one.bin", big)
    write(tmp_path, "big/two.bin", big[::-1])
    for i in range(100):
        write(tmp_path, f"small/{i:03}.txt", b"%d" % i)
    seen: list[tuple[int, int]] = []
    d = hash_folder(tmp_path, cache=None, workers=3, progress=lambda b, f: seen.append((b, f)))
    got = {e.path: e.hash for e in d.entries}
    assert got["big/one.bin"] == b3(big)
    assert got["big/two.bin"] == b3(big[::-1])
    assert got["small/042.txt"] == b3(b"42")
    assert seen[-1] == (d.total_bytes, 102)
    assert seen == sorted(seen)


def test_pattern_selects_files(tmp_path: Path) -> None:
    make_tree(tmp_path)
    write(tmp_path, "notes.md", b"# notes")
    csvs = hash_folder(tmp_path, cache=None, pattern="**/*.csv")
    assert [e.path for e in csvs.entries] == ["sub/val.csv", "train.csv"]
    top = hash_folder(tmp_path, cache=None, pattern="*.csv")
    assert [e.path for e in top.entries] == ["train.csv"]
    sub = hash_folder(tmp_path, cache=None, pattern="sub/**")
    assert [e.path for e in sub.entries] == ["sub/deeper/img.png", "sub/val.csv"]
    one = hash_folder(tmp_path, cache=None, pattern="[!t]*.???")
    assert [e.path for e in one.entries] == ["empty.txt"]
    assert hash_folder(tmp_path, cache=None, pattern="*.parquet").entries == ()


# -- symlinks and errors -------------------------------------------------------------------


def test_symlinks_to_files_and_folders_are_followed(tmp_path: Path) -> None:
    real = make_tree(tmp_path / "real")
    root = tmp_path / "view"
    root.mkdir()
    (root / "data").symlink_to(real)
    (root / "train-link.csv").symlink_to(real / "train.csv")
    d = hash_folder(root, cache=None)
    paths = {e.path: e.hash for e in d.entries}
    assert paths["train-link.csv"] == paths["data/train.csv"] == b3(FILES["train.csv"])
    assert len(paths) == len(FILES) + 1


def test_same_folder_linked_twice_is_not_a_loop(tmp_path: Path) -> None:
    shared = make_tree(tmp_path / "shared")
    root = tmp_path / "root"
    root.mkdir()
    (root / "a").symlink_to(shared)
    (root / "b").symlink_to(shared)
    assert len(hash_folder(root, cache=None).entries) == 2 * len(FILES)


def test_symlink_loop_is_a_clear_error(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "d")
    (root / "sub" / "deeper" / "back").symlink_to("../..")
    with pytest.raises(OSError, match="symlink loop: sub/deeper/back") as info:
        hash_folder(root, cache=None)
    assert info.value.errno == errno.ELOOP
    assert info.value.filename == str(root / "sub" / "deeper" / "back")


def test_self_loop_at_top(tmp_path: Path) -> None:
    (tmp_path / "me").symlink_to(".")
    with pytest.raises(OSError, match="symlink loop: me"):
        hash_folder(tmp_path, cache=None)


def test_broken_symlink_names_it(tmp_path: Path) -> None:
    make_tree(tmp_path)
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    with pytest.raises(FileNotFoundError, match="broken symlink") as info:
        hash_folder(tmp_path, cache=None)
    assert info.value.filename == str(tmp_path / "dangling")


def test_missing_root_and_file_root(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        hash_folder(tmp_path / "nowhere", cache=None)
    f = write(tmp_path, "f.csv", b"x")
    with pytest.raises(NotADirectoryError, match=r"f\.csv"):
        hash_folder(f, cache=None)


def test_fifo_in_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    make_tree(tmp_path)
    os.mkfifo(tmp_path / "sub" / "pipe")
    with pytest.raises(OSError, match="FIFO") as info:
        hash_folder(tmp_path, cache=None)
    assert info.value.filename == str(tmp_path / "sub" / "pipe")


def test_file_vanishing_before_it_is_read(tmp_path: Path, cache: HashCache) -> None:
    for i in range(200):
        write(tmp_path, f"f{i:03}", b"%d" % i)
    victim = tmp_path / "f150"

    def remove_victim(bytes_done: int, files_done: int) -> None:
        if victim.exists():  # first call: after the walk, before any file is read
            victim.unlink()

    with pytest.raises(FileNotFoundError, match="f150"):
        hash_folder(tmp_path, cache=cache, workers=1, progress=remove_victim)


# -- cache ---------------------------------------------------------------------------------


def test_unchanged_folder_reads_no_file(
    tmp_path: Path, cache: HashCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "d"
    for i in range(500):
        write(root, f"part{i % 7}/file{i:04}.bin", b"row %d\n" % i * (i % 13))
    first = hash_folder(root, cache=cache)
    assert (first.files_hashed, first.files_cached) == (500, 0)

    def no_reads(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a file was read")

    monkeypatch.setattr(folders, "hash_file", no_reads)
    second = hash_folder(root, cache=cache)
    assert (second.files_hashed, second.files_cached) == (0, 500)
    assert second.content_id == first.content_id
    assert second.entries == first.entries


def test_cache_survives_reopening(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "d")
    with HashCache(tmp_path / "c.db") as c:
        first = hash_folder(root, cache=c)
    with HashCache(tmp_path / "c.db") as c:
        again = hash_folder(root, cache=c)
    assert again.files_cached == len(FILES)
    assert again.content_id == first.content_id


def test_touched_but_unchanged_file_is_rehashed(tmp_path: Path, cache: HashCache) -> None:
    root = make_tree(tmp_path / "d")
    first = hash_folder(root, cache=cache)
    later = OLD_NS[0] + 60 * 10**9
    os.utime(root / "train.csv", ns=(later, later))
    second = hash_folder(root, cache=cache)
    assert (second.files_hashed, second.files_cached) == (1, len(FILES) - 1)
    assert second.content_id == first.content_id


def test_changed_file_same_size_and_mtime_other_inode(tmp_path: Path, cache: HashCache) -> None:
    root = make_tree(tmp_path / "d")
    first = hash_folder(root, cache=cache)
    replacement = write(tmp_path, "new.csv", b"a,b\n9,9\n")  # same size, same old mtime
    os.replace(replacement, root / "train.csv")
    second = hash_folder(root, cache=cache)
    assert second.files_hashed == 1
    assert second.content_id != first.content_id


def test_racily_modified_file_is_rehashed(tmp_path: Path, cache: HashCache) -> None:
    root = make_tree(tmp_path / "d")
    future = time.time_ns() + 60 * 10**9  # an mtime not older than the recording: racy
    os.utime(root / "train.csv", ns=(future, future))
    first = hash_folder(root, cache=cache)
    second = hash_folder(root, cache=cache)
    assert (second.files_hashed, second.files_cached) == (1, len(FILES) - 1)
    assert second.content_id == first.content_id


def test_racy_window_in_lookup(tmp_path: Path, cache: HashCache) -> None:
    p = write(tmp_path, "f", b"x")
    st = os.stat(p)
    cache.record([(p, st, "h1")], observed_at_ns=st.st_mtime_ns + RACY_WINDOW_NS // 2)
    assert cache.lookup(p, st) is None  # written within 100 ms of being read: not trusted
    cache.record([(p, st, "h2")], observed_at_ns=st.st_mtime_ns + 2 * RACY_WINDOW_NS)
    assert cache.lookup(p, st) == "h2"
    assert cache.lookup(str(p), os.stat(tmp_path)) is None  # another stat


def test_lookup_many_with_and_without_prefix(tmp_path: Path, cache: HashCache) -> None:
    paths = [write(tmp_path, f"d/{i}", b"%d" % i) for i in range(1200)]
    paths.append(write(tmp_path, "d2/outside", b"x"))  # shares the "d" prefix, not "d/"
    cache.record([(p, os.stat(p), f"h{i}") for i, p in enumerate(paths)])
    items = [(p, os.stat(p)) for p in paths]
    time.sleep(RACY_WINDOW_NS / 1e9)
    chunked = cache.lookup_many(items)
    under = cache.lookup_many(items[:-1], under=tmp_path / "d")
    assert chunked == [f"h{i}" for i in range(len(paths))]
    assert under == chunked[:-1]
    assert cache.lookup_many(items[-1:], under=tmp_path / "d") == [None]


def test_huge_inode_and_device_numbers(tmp_path: Path, cache: HashCache) -> None:
    st: Any = SimpleNamespace(st_size=3, st_mtime_ns=1, st_ino=2**64 - 5, st_dev=2**63 + 1)
    cache.record([(tmp_path / "x", st, "h")])
    assert cache.lookup(tmp_path / "x", st) == "h"


def test_corrupt_cache_file_is_moved_aside(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    db.write_bytes(b"this is not a sqlite database at all" * 200)
    root = make_tree(tmp_path / "d")
    with pytest.warns(RuntimeWarning, match="corrupt"):
        c = HashCache(db)
    try:
        assert list(tmp_path.glob("c.db.corrupt-*"))
        first = hash_folder(root, cache=c)
        again = hash_folder(root, cache=c)
        assert again.files_cached == len(FILES)
        assert again.content_id == first.content_id == hash_folder(root, cache=None).content_id
    finally:
        c.close()


def test_cache_corrupt_inside_found_on_lookup(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    root = tmp_path / "d"
    for i in range(300):
        write(root, f"{i:03}-{'x' * 100}.txt", b"%d" % i)  # long names: many b-tree pages
    with HashCache(db) as c:
        first = hash_folder(root, cache=c)
    size = db.stat().st_size
    assert size > 8 * 4096
    with open(db, "r+b") as fh:  # the header page is fine, the table pages are garbage
        fh.seek(2 * 4096)
        fh.write(b"\xde\xad\xbe\xef" * ((size - 2 * 4096) // 4))
    with HashCache(db) as c:
        with pytest.warns(RuntimeWarning, match="corrupt"):
            again = hash_folder(root, cache=c)
        assert again.content_id == first.content_id
        third = hash_folder(root, cache=c)  # a fresh database, filled by the run before
        assert third.files_cached == 300
    assert list(tmp_path.glob("c.db.corrupt-*"))


def test_unopenable_cache_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = write(tmp_path, "blocker", b"a file where the cache folder should be")
    root = make_tree(tmp_path / "d")
    with pytest.warns(RuntimeWarning, match="temporary"):
        c = HashCache(blocker / "sub" / "c.db")
    with c:
        assert hash_folder(root, cache=c).files_hashed == len(FILES)
        assert hash_folder(root, cache=c).files_cached == len(FILES)


def test_interrupt_keeps_what_was_done(tmp_path: Path) -> None:
    root = tmp_path / "d"
    for i in range(1000):
        write(root, f"{i % 10}/{i:04}.txt", b"line %d\n" % i)
    calls = []

    def interrupt(bytes_done: int, files_done: int) -> None:
        calls.append(files_done)
        if len(calls) == 3:  # after the lookup and two finished batches
            raise KeyboardInterrupt

    with HashCache(tmp_path / "c.db") as c, pytest.raises(KeyboardInterrupt):
        hash_folder(root, cache=c, workers=2, progress=interrupt)
    done = calls[-1]
    assert 0 < done < 1000
    with sqlite3.connect(tmp_path / "c.db") as con:  # consistent, readable by anyone
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with HashCache(tmp_path / "c.db") as c:
        d = hash_folder(root, cache=c)
    assert d.files_cached >= done
    assert d.files_cached + d.files_hashed == 1000
    assert d.content_id == hash_folder(root, cache=None).content_id


def test_default_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with HashCache.default() as c:
        assert c.db_path == tmp_path / "xdg" / "jupyter-mlm" / "hashcache.db"
        assert c.db_path.exists()
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with HashCache.default() as c:
        assert c.db_path == tmp_path / "home" / ".cache" / "jupyter-mlm" / "hashcache.db"


def test_record_uses_the_hash_file_stat(tmp_path: Path, cache: HashCache) -> None:
    p = write(tmp_path, "f", b"abc")
    digest, st = hash_file(p)
    cache.record([(p, st, digest)], observed_at_ns=time.time_ns())
    time.sleep(0.001)
    assert cache.lookup(p, os.stat(p)) == digest


def test_more_threads_only_when_files_read_slowly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(400):
        write(tmp_path, f"{i:03}", b"%d" % i)
    real = folders.hash_file
    threads: set[str] = set()

    def tracked(path: Any, **kw: Any) -> Any:
        threads.add(threading.current_thread().name)
        return real(path, **kw)

    monkeypatch.setattr(folders, "hash_file", tracked)
    fast = hash_folder(tmp_path, cache=None)  # warm local files: usually one thread

    def slow(path: Any, **kw: Any) -> Any:
        time.sleep(0.0005)  # storage with 0.5 ms latency
        return tracked(path, **kw)

    threads.clear()
    monkeypatch.setattr(folders, "hash_file", slow)
    assert hash_folder(tmp_path, cache=None).content_id == fast.content_id
    assert len(threads) > 1


def test_unchanged_folder_is_answered_by_its_snapshot_and_any_change_misses_it(
    tmp_path, monkeypatch
):
    import jupyter_mlm.data.folders as folders_mod
    from jupyter_mlm.data.hashcache import HashCache

    root = tmp_path / "snap"
    (root / "d").mkdir(parents=True)
    past = time.time() - 3600
    for i in range(20):
        p = root / "d" / f"f{i}.txt"
        p.write_text(f"file {i}")
        os.utime(p, (past, past))
    cache = HashCache(tmp_path / "cache.db")
    first = folders_mod.hash_folder(root, cache=cache)

    def no_reads(*a, **k):
        raise AssertionError("a file was read or looked up one by one")

    with monkeypatch.context() as m:
        m.setattr(folders_mod, "hash_file", no_reads)
        m.setattr(HashCache, "lookup_many", no_reads)
        again = folders_mod.hash_folder(root, cache=cache)
    assert (again.content_id, again.entries) == (first.content_id, first.entries)
    assert (again.files_hashed, again.files_cached) == (0, 20)
    changed = root / "d" / "f3.txt"
    changed.write_text("file 3!")  # same folder, one file differs
    os.utime(changed, (past + 1, past + 1))
    third = folders_mod.hash_folder(root, cache=cache)
    assert third.content_id != first.content_id and third.files_hashed == 1
    assert (
        folders_mod.hash_folder(root, cache=cache, pattern="d/f1*.txt").content_id
        != third.content_id
    )
