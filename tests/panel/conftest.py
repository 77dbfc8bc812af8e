"""The panel's browser tests reuse the browser-test fixtures (headless Debian Chromium, artifacts,
a real JupyterLab in a subprocess); this adds a driver for one user's JupyterLab page (kernel,
cells, saves, the side panel's tabs, themes) and a git repository as the server root."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.conftest import JupyterServer, artifacts, browser
from tests.gitrepo import git

__all__ = ["artifacts", "browser"]

PANEL_TIMEOUT_MS = 20_000
KERNEL_TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1440, "height": 860}
#: both users' clones name the repository by this remote, so they share the notebook's history
REMOTE = "https://example.com/team/models.git"

#: the notebook panel showing ``path`` (open in the main area), in page scripts
FIND_JS = """const find = (path) => Array.from(window.jupyterapp.shell.widgets('main'))
  .find(w => w.context && w.context.path === path && w.content && w.content.widgets);"""

KERNEL_IDLE_JS = (
    "(path) => {"
    + FIND_JS
    + """const w = find(path);
  const kernel = w && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'
            && w.context.isReady);
}"""
)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def screenshot_on_failure(request: pytest.FixtureRequest, artifacts: Path):
    """A failed test that drove a ``LabUser`` fixture leaves its pages' screenshots in the
    artifacts folder (named after the test and the fixture)."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    for name in request.fixturenames:
        value = request.node.funcargs.get(name)
        if isinstance(value, LabUser):
            value.page.screenshot(path=str(artifacts / f"failed_{request.node.name}_{name}.png"))


def make_repo(root: Path, user: str, email: str, files: list[str]) -> str:
    """Turn ``root`` into a git repository (branch main, ``REMOTE`` as origin) whose first
    commit holds ``files``; returns that commit."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", user)
    git(root, "config", "user.email", email)
    git(root, "remote", "add", "origin", REMOTE)
    git(root, "add", *files)
    git(root, "commit", "-q", "-m", "Add the notebook")
    return git(root, "rev-parse", "HEAD")


def clone_into(root: Path, source: Path, user: str, email: str) -> None:
    """Make ``root`` (a folder the server already serves) a clone of ``source`` at its HEAD."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", user)
    git(root, "config", "user.email", email)
    git(root, "remote", "add", "origin", REMOTE)
    git(root, "fetch", "-q", str(source), "main")
    git(root, "reset", "-q", "--hard", "FETCH_HEAD")


def git_dirty(root: Path) -> bool:
    """What the checkpoint's dirty mark should say: tracked files differ from HEAD."""
    return bool(git(root, "status", "--porcelain", "--untracked-files=no"))


def identity_config(config_dir: Path, user: str, display: str) -> None:
    """Name every request of the server started with ``config_dir`` ``user`` (a configured
    identity provider, as JupyterHub does)."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps(
            {
                "ServerApp": {
                    "identity_provider_class": "tests.panel.identities.TokenlessNamedUserProvider"
                },
                "NamedUserProvider": {"user_name": user, "display": display},
            }
        )
    )


@dataclass
class LabUser:
    """One user's JupyterLab page, driven like a user would, with explicit waits on its state."""

    server: JupyterServer
    page: object  # playwright Page

    # notebooks -----------------------------------------------------------------------------
    def open(self, path: str = "test.ipynb") -> None:
        """Load JupyterLab on ``path`` and wait for its kernel and the side panel."""
        self.page.goto(f"{self.server.url}/lab/tree/{path}")
        self.page.wait_for_selector(".jp-Notebook", timeout=KERNEL_TIMEOUT_MS)
        self.page.wait_for_selector("#jupyter-mlm-panel", state="attached")
        self.wait_idle(path)

    def open_more(self, path: str) -> None:
        """Open another notebook in this page and wait for its kernel."""
        self.page.evaluate(
            "(path) => window.jupyterapp.commands.execute('docmanager:open', {path})", path
        )
        self.wait_idle(path)

    def wait_idle(self, path: str = "test.ipynb") -> None:
        self.page.wait_for_function(KERNEL_IDLE_JS, arg=path, timeout=KERNEL_TIMEOUT_MS)

    def focus(self, path: str = "test.ipynb") -> None:
        self.page.evaluate(
            "(path) => {" + FIND_JS + "window.jupyterapp.shell.activateById(find(path).id); }",
            path,
        )

    def cell_source(self, index: int, path: str = "test.ipynb") -> str:
        return self.page.evaluate(
            "([path, i]) => {" + FIND_JS + "return find(path).content.widgets[i].model"
            ".sharedModel.getSource(); }",
            [path, index],
        )

    def wait_cell_source(self, index: int, text: str, path: str = "test.ipynb") -> None:
        self.page.wait_for_function(
            "([path, i, text]) => {" + FIND_JS + "const w = find(path);"
            " return !!w && w.content.widgets[i].model.sharedModel.getSource() === text; }",
            arg=[path, index, text],
        )

    def run_cell(self, index: int, path: str = "test.ipynb") -> None:
        """Select cell ``index`` and press Ctrl+Enter (run in place: no cell is added after the
        last one) once the kernel is idle; wait until it has run."""
        self.focus(path)
        self.wait_idle(path)
        cell = self.page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").nth(index)
        cell.locator(".jp-InputPrompt").click()
        self.page.keyboard.press("ControlOrMeta+Enter")
        self.page.wait_for_function(
            "([path, i]) => {" + FIND_JS + "const w = find(path);"
            " const kernel = w.sessionContext.session.kernel;"
            " return w.content.widgets[i].model.executionCount !== null"
            " && kernel.status === 'idle'; }",
            arg=[path, index],
            timeout=KERNEL_TIMEOUT_MS,
        )

    def type_into_cell(self, index: int, text: str, path: str = "test.ipynb") -> None:
        """Replace the source of cell ``index`` by typing ``text`` into its editor."""
        self.focus(path)
        editor = (
            self.page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell")
            .nth(index)
            .locator(".cm-content")
        )
        editor.click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(text)
        self.page.keyboard.press("Escape")  # command mode, as after editing
        self.wait_cell_source(index, text, path)

    def save(self, path: str = "test.ipynb") -> None:
        """Ctrl+S in the notebook; wait until JupyterLab says it is saved."""
        self.focus(path)
        self.page.locator(".jp-NotebookPanel:visible .jp-Notebook").focus()
        self.page.keyboard.press("ControlOrMeta+s")
        self.page.wait_for_function(
            "(path) => {" + FIND_JS + "const w = find(path); return !w.context.model.dirty; }",
            arg=path,
        )

    # the side panel --------------------------------------------------------------------------
    def show_tab(self, name: str) -> None:
        """Show the panel (if hidden) on its tab ``name`` (Runs, Checkpoints, Datasets)."""
        self.page.evaluate("window.jupyterapp.shell.activateById('jupyter-mlm-panel')")
        tab = self.page.locator(f"#jp-mlm-section-{name.lower()}-tab")
        tab.click()
        self.page.wait_for_selector(f"#jp-mlm-section-{name.lower()}", state="visible")

    def checkpoint_rows(self):
        return self.page.locator(".jp-mlm-checkpoints .jp-mlm-vlist-row")

    def wait_checkpoints(self, count: int) -> None:
        """Wait until the timeline shows ``count`` checkpoints, none with its git state still
        being recorded."""
        self.page.wait_for_function(
            """(n) => {
              const rows = document.querySelectorAll('.jp-mlm-checkpoints .jp-mlm-vlist-row');
              return rows.length === n && Array.from(rows).every(
                r => !r.querySelector('.jp-mlm-git').textContent.startsWith('git…'));
            }""",
            arg=count,
            timeout=PANEL_TIMEOUT_MS,
        )

    def pick_checkpoint(self, index: int):
        """Pick timeline row ``index`` (0: newest) unless it is picked; return its details."""
        row = self.checkpoint_rows().nth(index)
        if "jp-mlm-selected" not in (row.get_attribute("class") or ""):
            row.locator(".jp-mlm-message").click()
        detail = self.page.locator(".jp-mlm-checkpoints .jp-mlm-detail")
        detail.wait_for()
        return detail

    def close_main(self, selector: str) -> None:
        """Close the main-area widgets holding ``selector`` (diff and compare views)."""
        self.page.evaluate(
            """(sel) => { for (const w of Array.from(window.jupyterapp.shell.widgets('main')))
                 if (w.node.querySelector(sel)) w.close(); }""",
            selector,
        )
        self.page.wait_for_selector(selector, state="detached")

    def dismiss_toasts(self) -> None:
        for close in self.page.locator(".Toastify__toast .jp-Notification-Toast-Close").all():
            if close.is_visible():
                close.click()
        self.page.wait_for_selector(".Toastify__toast", state="detached")

    def widen_panel(self, width: int) -> None:
        """Drag the handle between the left panel and the main area to ``width`` px."""
        handle = self.page.locator("#jp-main-split-panel > .lm-SplitPanel-handle").first
        box = handle.bounding_box()
        y = box["y"] + box["height"] / 2
        self.page.mouse.move(box["x"] + box["width"] / 2, y)
        self.page.mouse.down()
        left = self.page.locator("#jp-left-stack").bounding_box()["x"]
        self.page.mouse.move(left + width, y, steps=4)
        self.page.mouse.up()

    def set_theme(self, theme: str) -> None:
        """Switch JupyterLab's theme and wait until its CSS is in force."""
        light = "true" if "Light" in theme else "false"
        self.page.evaluate(
            "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})",
            theme,
        )
        self.page.wait_for_function(
            "([theme, light]) => document.body.dataset.jpThemeName === theme"
            " && document.body.dataset.jpThemeLight === light",
            arg=[theme, light],
        )

    def screenshot(self, artifacts: Path, name: str, docs: Path | None = None) -> Path:
        """Save a screenshot to ``artifacts``; also to ``docs`` when given (the README's)."""
        shot = artifacts / name
        self.page.screenshot(path=str(shot))
        if docs is not None:
            shutil.copyfile(shot, docs)
        return shot
