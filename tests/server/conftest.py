"""A real Jupyter server (pytest-jupyter) with the jupyter-mlm extension, rooted in a real git
repository, with the store in a temporary folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

# pytest-jupyter's fixtures and hooks for this folder only (a ``pytest_plugins`` here is refused
# outside the top-level conftest, and globally its autouse event-loop fixtures would reach every
# test of the suite).
from pytest_jupyter.jupyter_server import *  # noqa: F403

from tests.gitrepo import git, make_repo  # noqa: F401 - the tests import git from here


@pytest.fixture
def mlm_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every store lookup (server and in-process runs) goes to one fresh SQLite store."""
    from jupyter_mlm.tracking.fluent import reset_store_cache

    store = tmp_path / "store"
    monkeypatch.setenv("MLM_STORE", str(store))
    monkeypatch.delenv("MLM_ARTIFACTS", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    reset_store_cache()
    yield store
    reset_store_cache()


@pytest.fixture
def jp_root_dir(tmp_path: Path) -> Path:
    """The server root is a git repository with one commit (overrides pytest-jupyter's)."""
    root = tmp_path / "repo"
    root.mkdir()
    return init_repo(root)


def init_repo(root: Path) -> Path:
    """``root`` made a git repository (branch main, Ada's identity) with one commit."""
    return make_repo(root)


@pytest.fixture
def jp_server_config(mlm_server_config: dict) -> dict:
    """The server under test: the extension enabled, shaped by ``mlm_server_config``'s fixtures
    (a module overrides ``mlm_settings``, ``contents_manager_class`` or ``jupyter_user``)."""
    return mlm_server_config


# --- checkpoint tests: server settings, named users, a second server on the same store -------


@pytest.fixture
def mlm_settings() -> dict:
    """``MlmCheckpoints`` settings of the server under test (parametrize to change them)."""
    return {}


@pytest.fixture
def contents_manager_class() -> str | None:
    """``ServerApp.contents_manager_class`` (None: jupyter_server's default, async)."""
    return None


@pytest.fixture
def jupyter_user() -> str | None:
    """A username the server's identity provider names every request with (a configured
    provider, as JupyterHub does), or None: jupyter_server's anonymous token user."""
    return None


@pytest.fixture
def mlm_server_config(
    mlm_store: Path, mlm_settings: dict, contents_manager_class: str | None,
    jupyter_user: str | None,
) -> dict:  # fmt: skip
    """The ``jp_server_config``: the extension and the three fixtures above."""
    from .identities import NamedUserProvider

    server: dict = {"jpserver_extensions": {"jupyter_mlm": True}}
    config: dict = {"ServerApp": server, "MlmCheckpoints": dict(mlm_settings)}
    if contents_manager_class:
        server["contents_manager_class"] = contents_manager_class
    if jupyter_user:
        server["identity_provider_class"] = NamedUserProvider
        config["NamedUserProvider"] = {"user_name": jupyter_user, "display": jupyter_user.title()}
    return config


@pytest.fixture
def mlm_service(jp_serverapp):
    """The server's CheckpointService."""
    return jp_serverapp.web_app.settings["mlm_service"]


class SecondServer:
    """Another Jupyter server with the extension, in its own process, on the same store."""

    def __init__(self, url: str, token: str, root: Path, proc: subprocess.Popen, log: Path):
        self.url, self.token, self.root, self.proc, self.log = url, token, root, proc, log

    async def fetch(self, *parts: str, method: str = "GET", body: str | None = None,
                    params: dict | None = None, raise_error: bool = True):  # fmt: skip
        """Like ``jp_fetch``: ``await srv.fetch("api", "contents", "nb.ipynb")``."""
        from urllib.parse import quote, urlencode

        from tornado.httpclient import AsyncHTTPClient

        url = self.url + "/".join(quote(p, safe="/") for p in parts)
        if params:
            url += "?" + urlencode(params)
        return await AsyncHTTPClient().fetch(
            url, method=method, body=body, raise_error=raise_error,
            headers={"Authorization": f"token {self.token}"},
            allow_nonstandard_methods=True,
        )  # fmt: skip

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def second_server(tmp_path: Path, mlm_store: Path):
    """Start a second Jupyter server (``jupyter server`` in a subprocess on a free 127.0.0.1
    port) with the extension, the same ``MLM_STORE`` and its own named user:
    ``srv = second_server(root, user="bob")``; then ``await srv.fetch(...)``. Stopped after
    the test."""
    import json
    import os
    import secrets
    import socket
    import sys
    import time
    import urllib.request

    started: list[SecondServer] = []
    repo_root = Path(__file__).resolve().parents[2]

    def start(root: Path, user: str = "bob", display: str = "Bob", settings: dict | None = None,
              timeout: float = 60.0) -> SecondServer:  # fmt: skip
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        token = secrets.token_hex(16)
        home = tmp_path / f"second-server-{port}"
        (home / "config").mkdir(parents=True)
        config = {
            "ServerApp": {
                # only ours: the others installed here (jupyterlab, nbdime…) slow the start
                "jpserver_extensions": {name: name == "jupyter_mlm" for name in (
                    "jupyter_mlm", "jupyterlab", "notebook", "notebook_shim", "nbdime",
                    "jupyter_lsp", "jupyter_server_terminals")},
                "identity_provider_class": "tests.server.identities.NamedUserProvider",
                "root_dir": str(root), "ip": "127.0.0.1", "port": port, "port_retries": 0,
                "open_browser": False, "allow_root": True,
            },
            "IdentityProvider": {"token": token},
            "NamedUserProvider": {"user_name": user, "display": display},
            "MlmCheckpoints": settings or {},
        }  # fmt: skip
        (home / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "PYTHONPATH": os.pathsep.join(filter(None, (str(repo_root),
                                                         os.environ.get("PYTHONPATH")))),
            "MLM_STORE": str(mlm_store),
        }  # fmt: skip
        log = home / "server.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "jupyter_server"], env=env, cwd=root,
                                    stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
        server = SecondServer(f"http://127.0.0.1:{port}/", token, root, proc, log)
        started.append(server)
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(
            f"{server.url}api/status", headers={"Authorization": f"token {token}"}
        )
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the second server exited:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(request, timeout=2) as reply:
                    if reply.status == 200:
                        return server
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the second server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)

    yield start
    for server in started:
        server.stop()


# --- REST API tests (/mlm/api/) ------------------------------------------------------------


@pytest.fixture
def mlm_api(jp_fetch):
    """Calls ``/mlm/api/``: ``code, body = await mlm_api("GET", "runs", params={...})``, with
    the server's token; never raises on 4xx/5xx (``body``: parsed JSON, None for no content)."""
    import json

    async def call(method: str, *parts: str, params: dict | None = None, body=None):
        data = None if body is None else (body if isinstance(body, str) else json.dumps(body))
        if method == "POST" and data is None:
            data = ""
        reply = await jp_fetch(
            "mlm", "api", *parts, method=method, params=params or {}, body=data,
            raise_error=False, allow_nonstandard_methods=True,
        )  # fmt: skip
        text = reply.body.decode() if reply.body else ""
        return reply.code, (json.loads(text) if text else None)

    return call
