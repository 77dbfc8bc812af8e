"""Is the process that owns a running run still alive? Checked by pid on the same host (with
the process start time, so a recycled pid does not count), by heartbeat from elsewhere."""

from __future__ import annotations

import functools
import getpass
import os
import socket
import time

#: The writer refreshes the heartbeat of every open run this often (seconds)...
HEARTBEAT_INTERVAL = 10.0
#: ...and a run on another host whose heartbeat is older than this reads ``crashed``.
HEARTBEAT_TIMEOUT = 120.0


@functools.cache
def current_user() -> str:
    """The OS user of this process (recorded as the owner of runs and comments)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


@functools.cache
def hostname() -> str:
    return socket.gethostname()


def process_token(pid: int) -> str:
    """An id of the process ``pid`` that changes when the pid is reused; '' if there is none."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        # fields after the ")" closing the command name: state is field 3, starttime field 22
        fields = stat[stat.rindex(b")") + 2 :].split()
        return "" if fields[0] in (b"Z", b"X") else fields[19].decode()
    except FileNotFoundError:
        return ""
    except OSError:
        pass
    try:
        import psutil

        return repr(psutil.Process(pid).create_time())
    except Exception:  # psutil.NoSuchProcess, AccessDenied
        return ""


@functools.cache
def own_token() -> str:
    return process_token(os.getpid()) or repr(time.time())


def is_dead(host: str, pid: int, token: str, heartbeat_at: float, now: float | None = None) -> bool:
    """True when a run's owner is known to be gone."""
    if host == hostname():
        if pid == os.getpid() and token == own_token():
            return False
        current = process_token(pid)
        if current:
            return current != token
        if os.path.isdir("/proc"):
            return True  # no such process on this host
    return (now if now is not None else time.time()) - heartbeat_at > HEARTBEAT_TIMEOUT
