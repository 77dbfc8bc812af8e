"""hash_file: content ids of real files, errors naming the path, change detection."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import blake3
import pytest

from jupyter_mlm.core.errors import MlmError
from jupyter_mlm.data import filehash
from jupyter_mlm.data.filehash import SMALL_FILE, DataChangedError, hash_file


def b3(data: bytes) -> str:
    return blake3.blake3(data).hexdigest()


def test_same_content_same_id_wherever_it_lives(tmp_path: Path) -> None:
    data = b"some,csv\n1,2\n" * 100
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / "a" / "x.csv").write_bytes(data)
    (tmp_path / "b" / "deep" / "other-name.bin").write_bytes(data)
    h1, st1 = hash_file(tmp_path / "a" / "x.csv")
    h2, _ = hash_file(str(tmp_path / "b" / "deep" / "other-name.bin"))
    assert h1 == h2 == b3(data)
    assert len(h1) == 64
    assert st1.st_size == len(data)


def test_one_changed_byte_changes_the_id(tmp_path: Path) -> None:
    data = bytearray(os.urandom(10_000))
    p = tmp_path / "f"
    p.write_bytes(data)
    before, _ = hash_file(p)
    data[5_000] ^= 1
    p.write_bytes(data)
    after, _ = hash_file(p)
    assert before != after == b3(bytes(data))


def test_zero_byte_file(tmp_path: Path) -> None:
    p = tmp_path / "empty"
    p.touch()
    digest, st = hash_file(p)
    assert digest == b3(b"")
    assert st.st_size == 0


@pytest.mark.parametrize("threads", [True, False])
def test_large_file_uses_the_same_id(tmp_path: Path, threads: bool) -> None:
    data = os.urandom(SMALL_FILE + 12_345)
    p = tmp_path / "big.bin"
    p.write_bytes(data)
    digest, st = hash_file(p, threads=threads)
    assert digest == b3(data)
    assert st.st_size == len(data)


def test_exactly_small_file_boundary(tmp_path: Path) -> None:
    for size in (SMALL_FILE - 1, SMALL_FILE):
        data = os.urandom(size)
        p = tmp_path / f"f{size}"
        p.write_bytes(data)
        assert hash_file(p)[0] == b3(data)


def test_non_utf8_file_name(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xff.bin"
    fd = os.open(raw, os.O_WRONLY | os.O_CREAT)
    os.write(fd, b"payload")
    os.close(fd)
    assert hash_file(raw)[0] == b3(b"payload")
    assert hash_file(os.fsdecode(raw))[0] == b3(b"payload")  # surrogateescape str


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    p = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError, match=r"nope\.csv"):
        hash_file(p)


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError, match=str(tmp_path.name)) as info:
        hash_file(tmp_path)
    assert isinstance(info.value, OSError)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    p = tmp_path / "pipe"
    os.mkfifo(p)
    with pytest.raises(OSError, match="FIFO") as info:
        hash_file(p)
    assert info.value.errno == errno.EINVAL
    assert info.value.filename == str(p)


def test_symlink_to_file_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert hash_file(tmp_path / "link")[0] == b3(b"x")


def _modify_during_hash(monkeypatch: pytest.MonkeyPatch, path: Path, times: int) -> list[int]:
    """Make the next ``times`` hashes rewrite ``path`` (new content, new mtime) mid-read."""
    real = filehash._hash_fd
    calls: list[int] = []

    def hash_then_write(fd: int, size: int, threads: bool) -> str:
        digest = real(fd, size, threads)
        calls.append(size)
        if len(calls) <= times:
            with open(path, "r+b") as fh:  # in place: same inode
                fh.write(b"changed-%d" % len(calls))
            os.utime(path, ns=(time.time_ns(), time.time_ns() + len(calls) * 1_000_000))
        return digest

    monkeypatch.setattr(filehash, "_hash_fd", hash_then_write)
    return calls


def test_change_during_hash_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "f.bin"
    p.write_bytes(b"original content, long enough")
    calls = _modify_during_hash(monkeypatch, p, times=2)
    digest, st = hash_file(p)
    assert len(calls) == 3
    final = p.read_bytes()
    assert final.startswith(b"changed-2")
    assert digest == b3(final)  # never the hash of an intermediate state
    assert st.st_mtime_ns == os.stat(p).st_mtime_ns


def test_file_that_keeps_changing_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "log.txt"
    p.write_bytes(b"0123456789")
    calls = _modify_during_hash(monkeypatch, p, times=100)
    with pytest.raises(DataChangedError, match=r"log\.txt") as info:
        hash_file(p)
    assert isinstance(info.value, MlmError)
    assert len(calls) == filehash.RETRIES + 1


def test_concurrent_appender_never_gives_a_wrong_hash(tmp_path: Path) -> None:
    """A writer appends to a large file while it is hashed: the result is either
    DataChangedError or the hash of exactly the bytes the returned stat describes."""
    p = tmp_path / "growing.bin"
    p.write_bytes(os.urandom(SMALL_FILE + 1))
    stop = threading.Event()

    def append() -> None:  # bounded: at most 200 x 64 KiB
        chunk = os.urandom(1 << 16)
        with open(p, "ab") as fh:
            for _ in range(200):
                if stop.is_set():
                    break
                fh.write(chunk)
                fh.flush()
                time.sleep(0.001)

    writer = threading.Thread(target=append)
    writer.start()
    results: list[tuple[str, os.stat_result] | None] = []
    try:
        for _ in range(5):
            try:
                results.append(hash_file(p))
            except DataChangedError:
                results.append(None)
    finally:
        stop.set()
        writer.join()
    content = p.read_bytes()
    for res in results:
        if res is not None:
            digest, st = res
            assert digest == b3(content[: st.st_size])


def test_bytes_path_errors_name_it_as_text(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/gone\xff.bin"
    with pytest.raises(FileNotFoundError) as info:
        hash_file(raw)
    assert info.value.filename == os.fsdecode(raw)
