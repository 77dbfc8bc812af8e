"""Where the duplicate finder looks: local files and folders, the blob store's folders and
fsspec URLs, each listed with sizes (and, for local files, the physical identity)."""

from __future__ import annotations

import os
import re
import stat as stat_mod
from collections.abc import Iterator
from typing import Any, NoReturn

_BLOB_ID = re.compile(r"^[0-9a-f]{64}$")


def physical_identity(path: str, st: os.stat_result) -> object:
    """The physical file: (device, inode) where the OS has them, else the resolved path."""
    return ("inode", st.st_dev, st.st_ino) if st.st_ino else ("path", os.path.realpath(path))


def walk_local(root: str) -> Iterator[tuple[str, os.stat_result]]:
    try:
        st = os.stat(root)
    except FileNotFoundError:
        raise FileNotFoundError(f"no such file or folder: {root}") from None
    except OSError as err:
        reraise(err, f"cannot read {root}")
    if stat_mod.S_ISREG(st.st_mode):
        yield root, st
        return
    if not stat_mod.S_ISDIR(st.st_mode):
        raise ValueError(f"not a regular file or folder: {root}")
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            reraise(err, f"cannot list folder {folder}")
        subfolders = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                    continue
                est = entry.stat()  # follows symlinks: a link to a file is that file
            except FileNotFoundError:  # a dangling symlink, or deleted meanwhile
                continue
            except OSError as err:
                reraise(err, f"cannot read {entry.path}")
            if stat_mod.S_ISREG(est.st_mode):
                yield entry.path, est
        stack.extend(reversed(subfolders))  # visited in name order


def list_blobs(root: str) -> Iterator[tuple[str, os.stat_result, str]]:
    if not os.path.isdir(root):
        raise FileNotFoundError(f"no such blob folder: {root}")
    try:
        with os.scandir(root) as it:
            prefixes = sorted(
                (e for e in it if len(e.name) == 2 and e.is_dir(follow_symlinks=False)),
                key=lambda e: e.name,
            )
        for prefix in prefixes:
            with os.scandir(prefix.path) as it:
                for entry in sorted(it, key=lambda e: e.name):
                    blob_id = prefix.name + entry.name
                    if not _BLOB_ID.match(blob_id):
                        continue
                    try:
                        st = entry.stat()
                    except FileNotFoundError:  # collected meanwhile
                        continue
                    if stat_mod.S_ISREG(st.st_mode):
                        yield entry.path, st, blob_id
    except OSError as err:
        reraise(err, f"cannot list blob folder {root}")


def is_local(fs: Any) -> bool:
    from fsspec.implementations.local import LocalFileSystem

    return isinstance(fs, LocalFileSystem)


def list_url(fs: Any, path: str, url: str) -> Iterator[tuple[str, int]]:
    """(URL, size) of every file at or under ``path``."""
    try:
        found = fs.find(path, detail=True)
        if not found and not fs.exists(path):
            raise FileNotFoundError(f"no such file or folder: {url}")
        for name, info in sorted(found.items()):
            if info.get("type", "file") != "file":
                continue
            size = info.get("size")
            if size is None:
                size = fs.info(name)["size"]
            yield fs.unstrip_protocol(name), int(size)
    except FileNotFoundError as err:
        if url in str(err):
            raise
        raise FileNotFoundError(f"no such file or folder: {url}") from err
    except OSError as err:
        raise OSError(f"cannot list {url}: {err}") from err


def reraise(err: OSError, what: str) -> NoReturn:
    """Raise ``err`` if it names its file already, else the same type with ``what`` in it."""
    if err.filename is not None:
        raise err
    if err.strerror is None:
        raise type(err)(f"{what}: {err}") from err
    raise type(err)(err.errno, f"{what}: {err.strerror}") from err
