from __future__ import annotations

import types
from pathlib import Path

import pytest

from jupyter_mlm.capture import notebook as nb_module
from jupyter_mlm.capture.notebook import notebook_identity, notebook_path

from .conftest import git


@pytest.fixture
def server_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A server root holding ``sub/train.ipynb``; the kernel started elsewhere."""
    root = tmp_path / "server"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "train.ipynb").write_text("{}")
    (root / "top.ipynb").write_text("{}")
    monkeypatch.setattr(nb_module, "_START_CWD", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return root


def test_plain_ipython_has_no_notebook(server_root: Path) -> None:
    assert notebook_path() is None
    assert notebook_path({}) is None


def test_absolute_session_name(server_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = server_root / "sub" / "train.ipynb"
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    assert notebook_path() == str(path)


def test_relative_session_name_from_the_server_root_as_cwd(
    server_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(server_root)
    monkeypatch.setenv("JPY_SESSION_NAME", "sub/train.ipynb")
    assert notebook_path() == str(server_root / "sub" / "train.ipynb")


def test_relative_session_name_from_the_kernel_started_in_the_notebook_folder(
    server_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nb_module, "_START_CWD", str(server_root / "sub"))
    monkeypatch.setenv("JPY_SESSION_NAME", "sub/train.ipynb")
    assert notebook_path() == str(server_root / "sub" / "train.ipynb")


def test_relative_session_name_against_jupyter_server_root(
    server_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JPY_SESSION_NAME", "sub/train.ipynb")
    monkeypatch.setenv("JUPYTER_SERVER_ROOT", str(server_root))
    assert notebook_path() == str(server_root / "sub" / "train.ipynb")


def test_unresolvable_relative_session_name_is_returned_as_given(
    server_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JPY_SESSION_NAME", "other/analysis.ipynb")
    assert notebook_path() == "other/analysis.ipynb"


@pytest.mark.parametrize("name", ["Console 1", "console-1-5f2c", "sub/"])
def test_console_sessions_are_not_notebooks(
    server_root: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("JPY_SESSION_NAME", str(server_root / name) if " " in name else name)
    assert notebook_path() is None


def test_vscode_notebook_from_user_namespace(
    server_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(server_root / "top.ipynb")
    monkeypatch.setenv("JPY_SESSION_NAME", str(server_root / "sub" / "train.ipynb"))
    assert notebook_path({"__vsc_ipynb_file__": path}) == path


def test_vscode_notebook_from_main_globals(
    server_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(server_root / "top.ipynb")
    main = types.ModuleType("__main__")
    main.__vsc_ipynb_file__ = path  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "__main__", main)
    assert notebook_path() == path


def test_identity_in_a_repository_is_the_same_in_every_clone(repo: Path, tmp_path: Path) -> None:
    git(repo, "remote", "add", "origin", "git@github.com:org/project.git")
    clone = tmp_path / "someone-else" / "checkout"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "remote", "set-url", "origin", "https://bob:tok@github.com/org/project")
    expected = {"repo": "github.com/org/project", "path": "notebooks/train.ipynb"}
    assert notebook_identity(repo / "notebooks" / "train.ipynb") == expected
    assert notebook_identity(str(clone / "notebooks" / "train.ipynb")) == expected


def test_identity_without_remote_uses_the_root_commit(repo: Path) -> None:
    root_commit = git(repo, "rev-list", "--max-parents=0", "HEAD")
    assert notebook_identity(repo / "notebooks" / "train.ipynb") == {
        "repo": f"root:{root_commit}",
        "path": "notebooks/train.ipynb",
    }


def test_identity_outside_git_is_relative_to_the_server_root(
    server_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = server_root / "sub" / "train.ipynb"
    monkeypatch.setenv("JUPYTER_SERVER_ROOT", str(server_root))
    assert notebook_identity(path) == {"repo": None, "path": "sub/train.ipynb"}
    monkeypatch.delenv("JUPYTER_SERVER_ROOT")
    monkeypatch.chdir(server_root / "sub")
    assert notebook_identity(path) == {"repo": None, "path": "train.ipynb"}


def test_identity_through_a_symlinked_folder(repo: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(repo)
    identity = notebook_identity(link / "notebooks" / "train.ipynb")
    assert identity["path"] == "notebooks/train.ipynb"
