"""A throwaway PostgreSQL server for the test suite.

``start_postgres(tmp_dir)`` creates a fresh cluster with ``initdb`` inside ``tmp_dir``, starts it on
a free loopback port and creates database ``mlm`` owned by superuser ``mlm`` (trust auth, no
password). ``initdb`` and ``postgres`` refuse to run as root, so when we are root (as CI is) the
cluster directory is handed to the ``postgres`` system user and every server command runs through
``runuser -u postgres --``.

Set ``MLM_TEST_POSTGRES_URI`` to use an existing server instead (see ``postgres_uri_from_env``).
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "MLM_TEST_POSTGRES_URI"
USER = "mlm"
DATABASE = "mlm"
SERVICE_USER = "postgres"  # the system user that owns the cluster when we run as root
# Unix socket paths are limited to ~107 bytes; above this the socket is turned off (TCP only).
_MAX_SOCKET_DIR_LEN = 80


def postgres_uri_from_env() -> str | None:
    """The URI in ``MLM_TEST_POSTGRES_URI``, or None when unset or empty."""
    return os.environ.get(ENV_VAR, "").strip() or None


def find_bindir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: ``pg_config --bindir``, else the newest
    ``/usr/lib/postgresql/*/bin``."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30
            ).stdout.strip()
            candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.name)) or (0,)

    installed = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    candidates += [Path(p) for p in installed]
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found via `pg_config --bindir` or in "
        "/usr/lib/postgresql/*/bin; install them (Debian: apt-get install postgresql) or set "
        f"{ENV_VAR} to an existing server"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@dataclass
class PgServer:
    uri: str
    port: int
    data_dir: Path
    bindir: Path
    _as_root: bool
    _base: Path  # removed on stop(): the dir we created (data_dir lives inside it)
    _stopped: bool = False
    _opts: str = ""

    @property
    def log_path(self) -> Path:
        return self.data_dir / "log"

    def _pg(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        return _run(self._as_root, self.bindir, self.data_dir, *args, check=check)

    def stop(self) -> None:
        """Stop the server at once (``pg_ctl -m immediate``) and delete its directory."""
        if self._stopped:
            return
        self._stopped = True
        try:
            self._pg("pg_ctl", "-D", self.data_dir, "-m", "immediate", "-w", "stop", check=False)
        finally:
            shutil.rmtree(self._base, ignore_errors=True)

    def pause(self) -> None:
        """Stop the server but keep its data (the store becomes unreachable)."""
        self._pg("pg_ctl", "-D", self.data_dir, "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start a paused server again on the same port."""
        self._pg("pg_ctl", "-D", self.data_dir, "-o", self._opts, "-l", self.log_path, "-w",
                 "-t", "60", "start")  # fmt: skip

    def __enter__(self) -> PgServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _run(
    as_root: bool, bindir: Path, cwd: Path, tool: str, *args: str | Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    cmd = [str(bindir / tool), *map(str, args)]
    if as_root:
        cmd = ["runuser", "-u", SERVICE_USER, "--", *cmd]
    # Drop PG* variables of the caller so they cannot redirect the commands elsewhere.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.setdefault("LC_ALL", "C")
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120
    )
    if check and proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd, proc.stdout, proc.stderr)
    return proc


def _service_user_can_use(path: Path) -> bool:
    """Whether the postgres system user can create entries in ``path`` (its parents may be 0700)."""
    probe = ["runuser", "-u", SERVICE_USER, "--", "test", "-w", str(path), "-a", "-x", str(path)]
    return subprocess.run(probe, capture_output=True).returncode == 0


def start_postgres(tmp_dir: Path) -> PgServer:
    """Start a fresh PostgreSQL cluster under ``tmp_dir``; raise RuntimeError if that fails."""
    tmp_dir = Path(tmp_dir).resolve()
    tmp_dir.mkdir(parents=True, exist_ok=True)
    bindir = find_bindir()
    as_root = os.geteuid() == 0
    parent = tmp_dir
    if as_root:
        try:
            pw = pwd.getpwnam(SERVICE_USER)
        except KeyError as e:
            raise RuntimeError(
                f"running as root, but there is no {SERVICE_USER!r} system user to run the "
                "server as (install the postgresql package, which creates it)"
            ) from e
        if not _service_user_can_use(tmp_dir):
            # e.g. pytest's tmp_path lives under a root-only 0700 directory.
            parent = Path(tempfile.gettempdir())
    base = Path(tempfile.mkdtemp(prefix="mlm-pg-", dir=parent))
    data_dir = base / "data"
    data_dir.mkdir(mode=0o700)
    if as_root:
        for p in (base, data_dir):
            os.chown(p, pw.pw_uid, pw.pw_gid)

    last_error = ""
    for _attempt in range(3):  # the free port may be taken by someone else before we bind it
        port = free_port()
        server = PgServer(
            uri=f"postgresql://{USER}@127.0.0.1:{port}/{DATABASE}",
            port=port,
            data_dir=data_dir,
            bindir=bindir,
            _as_root=as_root,
            _base=base,
        )
        try:
            if not (data_dir / "PG_VERSION").exists():
                server._pg(
                    "initdb", "-D", data_dir, "-A", "trust", "-U", USER, "--no-sync",
                    "-E", "UTF8", "--locale=C",
                )  # fmt: skip
            # pg_ctl hands -o to a shell: quote. An empty socket dir turns Unix sockets off.
            socket_dir = str(data_dir) if len(str(data_dir)) <= _MAX_SOCKET_DIR_LEN else ""
            opts = (
                f"-p {port} -k {shlex.quote(socket_dir)} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
            )
            server._opts = opts
            server._pg("pg_ctl", "-D", data_dir, "-o", opts, "-l", server.log_path, "-w",
                       "-t", "60", "start")  # fmt: skip
            _run(False, bindir, base, "createdb", "-h", "127.0.0.1", "-p", str(port),
                 "-U", USER, DATABASE)  # fmt: skip
            return server
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
            out = getattr(e, "stdout", "") or ""
            err = getattr(e, "stderr", "") or ""
            last_error = (
                f"{e}\n--- output ---\n{out}{err}\n--- server log tail ---\n"
                f"{_tail(server.log_path)}"
            )
            # Make sure nothing is left running before retrying on another port.
            server._pg("pg_ctl", "-D", data_dir, "-m", "immediate", "-w", "stop", check=False)
            if "already in use" not in last_error and "could not bind" not in last_error:
                break
    shutil.rmtree(base, ignore_errors=True)
    raise RuntimeError(f"could not start a throwaway PostgreSQL server:\n{last_error}")
