"""Fixtures of the browser tests: a real Jupyter server (JupyterLab or Notebook 7) in a
subprocess on a free loopback port, with throwaway settings, workspaces, notebook folder and
store, and a headless Debian Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest

from tests.widgets.browser import BASE_CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = BASE_CHROMIUM_ARGS  # the real clock: no virtual time budget here
SERVER_START_TIMEOUT = 60.0
EXPERIMENT = "browser-exp"
N_POINTS = 60

#: the notebook under test; the chart appears under cell START_CELL, LOOP_CELL logs
CELLS = [
    "%load_ext jupyter_mlm",
    f"%mlm_track start {EXPERIMENT}",
    "import time, jupyter_mlm as mlm\n"
    f"for i in range({N_POINTS}):\n"
    "    mlm.log(loss=1/(i+1))\n"
    "    time.sleep(0.1)",
    "%mlm_track stop",
]
START_CELL = 1
LOOP_CELL = 2


@dataclass
class JupyterServer:
    app: str  # "lab" or "notebook"
    url: str  # http://127.0.0.1:PORT
    root: Path  # the notebook folder
    store: Path  # MLM_STORE of the kernel
    log: Path  # server stdout + stderr

    @property
    def notebook_url(self) -> str:
        path = "lab/tree" if self.app == "lab" else "notebooks"
        return f"{self.url}/{path}/test.ipynb"

    def log_tail(self, n: int = 60) -> str:
        try:
            lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "\n".join(lines[-n:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_notebook(path: Path, cells: list[str] | None = None) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in (CELLS if cells is None else cells)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def _write_settings(settings: Path) -> None:
    """Silence the news toast: without this file it shows, whatever the command line says."""
    folder = settings / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True)
    (folder / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )


def _wait_for_api(url: str, proc: subprocess.Popen, server: JupyterServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"jupyter {server.app} exited with {proc.returncode}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(f"{url}/api", timeout=2) as resp:
                if resp.status == 200 and "version" in json.loads(resp.read()):
                    return
        except (OSError, ValueError, urllib.error.URLError):
            pass
        time.sleep(0.25)
    raise RuntimeError(
        f"jupyter {server.app} did not answer on {url}/api within {SERVER_START_TIMEOUT:.0f} s:\n"
        f"{server.log_tail()}"
    )


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server (it shuts its kernels down), kill it if it hangs, then kill any
    of its children (kernels) still alive: no process outlives the test."""
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    _, alive = psutil.wait_procs(children, timeout=10)
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(alive, timeout=5)


def start_jupyter(
    app: str, base: Path, cells: list[str] | None = None
) -> tuple[JupyterServer, subprocess.Popen]:
    root = base / "nb"
    root.mkdir()
    _write_notebook(root / "test.ipynb", cells)
    settings = base / "settings"
    _write_settings(settings)
    workspaces = base / "workspaces"
    workspaces.mkdir()
    runtime = base / "runtime"
    runtime.mkdir()
    port = _free_port()
    server = JupyterServer(
        app=app,
        url=f"http://127.0.0.1:{port}",
        root=root,
        store=base / "store",
        log=base / "server.log",
    )
    module = "jupyterlab" if app == "lab" else "notebook"
    app_class = "LabApp" if app == "lab" else "JupyterNotebookApp"
    cmd = [
        sys.executable,
        "-m",
        module,
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--ServerApp.allow_root=True",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root}",
        f"--{app_class}.expose_app_in_browser=True",
        f"--{app_class}.user_settings_dir={settings}",
        f"--{app_class}.workspaces_dir={workspaces}",
    ]
    if app == "lab":  # Notebook 7 has neither option (and fetches no news)
        cmd += [
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
    env = dict(os.environ)
    env.update(
        MLM_STORE=str(server.store),
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p),
        JUPYTER_RUNTIME_DIR=str(runtime),
        JUPYTER_CONFIG_DIR=str(base / "config"),  # no user config leaks in
        PYTHONUNBUFFERED="1",
    )
    log = server.log.open("wb")
    proc = subprocess.Popen(
        cmd,
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # no terminal signal reaches it: the fixture stops it
    )
    log.close()
    try:
        _wait_for_api(server.url, proc, server)
    except BaseException:
        _stop(proc)
        raise
    return server, proc


@pytest.fixture
def notebook_cells() -> list[str]:
    """The code cells of test.ipynb; a test module overrides this fixture for other cells."""
    return CELLS


@pytest.fixture
def jupyter_server(
    request: pytest.FixtureRequest, tmp_path: Path, notebook_cells: list[str]
) -> Iterator[JupyterServer]:
    """A Jupyter server for one test; ``request.param``: "lab" or "notebook"."""
    server, proc = start_jupyter(request.param, tmp_path, notebook_cells)
    try:
        yield server
    finally:
        _stop(proc)


@pytest.fixture(scope="package")
def browser():
    """Chromium for one test folder: Playwright's sync API keeps an event loop marked running
    while it is alive, which the Jupyter server tests (pytest-jupyter) must not inherit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, jupyter_server: JupyterServer):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    console: list[str] = []
    pg.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    pg.on("pageerror", lambda err: console.append(f"pageerror: {err}"))
    pg.console_log = console  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
