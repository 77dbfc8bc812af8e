"""The machine and Python environment a run executes in, installed packages included."""

from __future__ import annotations

import functools
import getpass
import os
import platform
import re
import socket
import sys
from typing import Any

_SEPARATORS = re.compile(r"[-_.]+")


def capture_environment() -> dict[str, Any]:
    """Python, platform, host, user, CPUs, memory and ``packages`` (``{name: version}``).

    The package list is cached per process and read again only after a ``sys.path`` folder
    changes (a ``%pip install`` in the notebook), since listing takes tens of milliseconds.
    """
    machine = _machine()
    return {
        **machine,
        "python": dict(machine["python"]),
        "packages": dict(_packages(_path_state())),
    }


@functools.cache
def _machine() -> dict[str, Any]:
    return {
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        },
        "platform": platform.platform(),
        "machine": platform.machine(),
        "hostname": socket.gethostname(),
        "user": _user(),
        "cpu_count": os.cpu_count(),
        "memory_bytes": _memory(),
    }


@functools.lru_cache(maxsize=4)
def _packages(path_state: tuple[tuple[str, int], ...]) -> tuple[tuple[str, str], ...]:
    """``(normalised name, version)`` of every installed distribution, the first found wins."""
    from importlib.metadata import distributions

    found: dict[str, str] = {}
    for dist in distributions():
        name = dist.metadata["Name"]
        if not name:  # a broken .dist-info
            continue
        found.setdefault(normalise_name(name), dist.version)
    return tuple(sorted(found.items()))


def normalise_name(name: str) -> str:
    """The PEP 503 form of a distribution name: ``Foo_Bar.baz`` → ``foo-bar-baz``."""
    return _SEPARATORS.sub("-", name).lower()


def _path_state() -> tuple[tuple[str, int], ...]:
    """Each site-packages folder with its modification time: installing a package changes it.

    Other ``sys.path`` entries (the notebook's folder, saved every few minutes) are left out.
    """
    state = []
    for entry in sys.path:
        if os.path.basename(entry) not in ("site-packages", "dist-packages"):
            continue
        try:
            state.append((entry, os.stat(entry).st_mtime_ns))
        except OSError:
            state.append((entry, -1))
    return tuple(state)


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # no login name and no passwd entry (a container with a bare uid)
        getuid = getattr(os, "getuid", None)
        return f"uid:{getuid()}" if getuid else None


def _memory() -> int | None:
    try:
        import psutil

        return int(psutil.virtual_memory().total)
    except Exception:
        return None
