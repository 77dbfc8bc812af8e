"""Contents paths from requests → files on disk, only through the contents manager: no ``..``,
no absolute paths, nothing outside the server root."""

from __future__ import annotations

import os
from typing import Any

MAX_PATH = 4096


def check_contents_path(path: Any) -> str:
    """A contents path (``folder/nb.ipynb``, relative to the server root) or ValueError."""
    if not isinstance(path, str) or not path.strip("/"):
        raise ValueError("a notebook path is required (relative to the server root)")
    if len(path) > MAX_PATH or "\0" in path:
        raise ValueError("not a valid path")
    if path.startswith("/") or path.startswith("\\") or (len(path) > 1 and path[1] == ":"):
        raise ValueError(f"absolute paths are not allowed: {path!r}")
    parts = path.replace("\\", "/").split("/")
    if any(part in ("..", ".") for part in parts):
        raise ValueError(f"'..' and '.' are not allowed in paths: {path!r}")
    return "/".join(p for p in parts if p)


def os_path(contents_manager: Any, path: str) -> str:
    """The file behind a contents path; ValueError outside the root or without one."""
    path = check_contents_path(path)
    getter = getattr(contents_manager, "_get_os_path", None)
    root = getattr(contents_manager, "root_dir", None)
    if not root:
        raise ValueError("this server's contents manager has no folder on disk")
    if getter is not None:
        try:
            found = getter(path)
        except Exception as err:  # tornado.web.HTTPError 404 "is outside root contents directory"
            raise ValueError(f"{path!r} is outside the server's root folder") from err
    else:
        found = os.path.join(root, *path.split("/"))
    real_root = os.path.realpath(root)
    if os.path.commonpath([os.path.realpath(found), real_root]) != real_root:
        raise ValueError(f"{path!r} is outside the server's root folder")
    return os.path.abspath(found)


def contents_path(contents_manager: Any, abs_path: str) -> str | None:
    """The contents path of a file on disk, None when it is outside the root."""
    root = os.path.realpath(getattr(contents_manager, "root_dir", "") or "/")
    real = os.path.realpath(abs_path)
    if os.path.commonpath([real, root]) != root:
        return None
    return os.path.relpath(real, root).replace(os.sep, "/")
