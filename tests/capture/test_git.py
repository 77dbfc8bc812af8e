from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_mlm.capture.git import capture_git, locate_repository

from .conftest import git, make_repo


def test_clean_repository(repo: Path) -> None:
    info = capture_git(repo)
    assert info is not None
    assert info["root"] == str(repo)
    assert info["commit"] == git(repo, "rev-parse", "HEAD")
    assert info["branch"] == "main"
    assert info["detached"] is False
    assert info["dirty"] is False
    assert info["diff"] == ""
    assert info["diff_bytes"] == 0
    assert info["diff_truncated"] is False
    assert info["untracked"] == []
    assert info["untracked_count"] == 0
    assert info["remote_url"] is None
    assert info["remotes"] == {}
    json.dumps(info)


def test_dirty_repository_records_diff_and_untracked(repo: Path) -> None:
    (repo / "src/model.py").write_text("x = 2  # tuned\n")
    (repo / "scratch.py").write_text("print('new')\n")
    (repo / "data").mkdir()
    (repo / "data" / "rows.csv").write_text("a,b\n")
    info = capture_git(repo)
    assert info is not None
    assert info["dirty"] is True
    assert "-x = 1" in info["diff"]
    assert "+x = 2  # tuned" in info["diff"]
    assert "a/src/model.py" in info["diff"]
    assert info["diff_bytes"] == len(info["diff"].encode())
    assert info["untracked"] == ["data/rows.csv", "scratch.py"]
    assert info["untracked_count"] == 2


def test_staged_changes_and_renames_count_as_dirty(repo: Path) -> None:
    git(repo, "mv", "src/model.py", "src/net.py")
    info = capture_git(repo)
    assert info is not None
    assert info["dirty"] is True
    assert info["untracked"] == []
    assert "src/net.py" in info["diff"]


def test_ignored_files_are_not_untracked(repo: Path) -> None:
    (repo / ".gitignore").write_text("*.log\n")
    (repo / "run.log").write_text("noise\n")
    info = capture_git(repo)
    assert info is not None
    assert info["untracked"] == [".gitignore"]


def test_untracked_list_is_bounded(repo: Path) -> None:
    for i in range(30):
        (repo / f"u{i:02}.txt").write_text("x")
    info = capture_git(repo, max_untracked=10)
    assert info is not None
    assert info["untracked"] == [f"u{i:02}.txt" for i in range(10)]
    assert info["untracked_count"] == 30


def test_detached_head(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    (repo / "README.md").write_text("second\n")
    git(repo, "commit", "-q", "-am", "second")
    git(repo, "checkout", "-q", "--detach", first)
    info = capture_git(repo)
    assert info is not None
    assert info["commit"] == first
    assert info["branch"] is None
    assert info["detached"] is True
    assert info["dirty"] is False


def test_no_repository(tmp_path: Path) -> None:
    (tmp_path / "nb.ipynb").write_text("{}")
    assert capture_git(tmp_path / "nb.ipynb") is None
    assert capture_git(tmp_path) is None
    assert locate_repository(tmp_path) is None


def test_repository_without_commits(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "fresh", {"a.py": "a = 1\n", "b.py": "b = 1\n"}, commit=False)
    info = capture_git(root)
    assert info is not None
    assert info["commit"] is None
    assert info["branch"] == "main"
    assert info["detached"] is False
    assert info["dirty"] is False
    assert info["untracked"] == ["a.py", "b.py"]
    assert info["identity"] is None
    git(root, "add", "a.py")
    staged = capture_git(root)
    assert staged is not None
    assert staged["dirty"] is True
    assert "+a = 1" in staged["diff"]
    assert staged["untracked"] == ["b.py"]


def test_huge_diff_is_cut(repo: Path) -> None:
    line = "0123456789" * 9 + "\n"
    (repo / "big.txt").write_text(line * 10)
    git(repo, "add", "big.txt")
    git(repo, "commit", "-q", "-m", "big")
    (repo / "big.txt").write_text(line.upper() * 10 + "changed\n" * 150_000)  # ~1.2 MB of diff
    info = capture_git(repo)
    assert info is not None
    assert info["diff_truncated"] is True
    assert info["diff_bytes"] > 1_000_000
    size = len(info["diff"].encode())
    assert 900_000 < size <= 1_000_000
    assert info["diff"].endswith("\n")  # cut on a line boundary
    assert info["diff"].startswith("diff --git a/big.txt b/big.txt")

    small = capture_git(repo, max_diff_bytes=500)
    assert small is not None
    assert small["diff_truncated"] is True
    assert small["diff_bytes"] == info["diff_bytes"]
    assert len(small["diff"].encode()) <= 500


def test_notebook_in_subfolder_while_cwd_is_elsewhere(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = make_repo(tmp_path / "elsewhere")
    monkeypatch.chdir(elsewhere)
    info = capture_git(repo / "notebooks" / "train.ipynb")
    assert info is not None
    assert info["root"] == str(repo)
    assert info["commit"] == git(repo, "rev-parse", "HEAD")
    assert info["commit"] != git(elsewhere, "rev-parse", "HEAD")


def test_remote_urls_are_stripped_of_credentials(repo: Path) -> None:
    git(repo, "remote", "add", "origin", "https://alice:s3cr3t@github.com/org/repo.git")
    git(repo, "remote", "add", "upstream", "ssh://bob:hunter2@example.com/up/repo.git")
    info = capture_git(repo)
    assert info is not None
    assert info["remote_url"] == "https://github.com/org/repo.git"
    assert info["remotes"] == {
        "origin": "https://github.com/org/repo.git",
        "upstream": "ssh://example.com/up/repo.git",
    }
    assert info["identity"] == "github.com/org/repo"
    text = json.dumps(info)
    for secret in ("alice", "s3cr3t", "bob", "hunter2"):
        assert secret not in text


def test_identity_prefers_origin_then_first_usable_remote(repo: Path) -> None:
    git(repo, "remote", "add", "aaa", "/srv/local/mirror.git")
    git(repo, "remote", "add", "fork", "git@gitlab.com:me/repo.git")
    assert capture_git(repo)["identity"] == "gitlab.com/me/repo"  # type: ignore[index]
    git(repo, "remote", "add", "origin", "git@github.com:org/repo.git")
    info = capture_git(repo)
    assert info is not None
    assert info["identity"] == "github.com/org/repo"
    assert info["remote_url"] == "git@github.com:org/repo.git"


def test_identity_falls_back_to_the_root_commit(repo: Path, tmp_path: Path) -> None:
    root_commit = git(repo, "rev-list", "--max-parents=0", "HEAD")
    (repo / "README.md").write_text("more\n")
    git(repo, "commit", "-q", "-am", "more")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))  # origin is a local path: no identity
    assert capture_git(repo)["identity"] == f"root:{root_commit}"  # type: ignore[index]
    assert capture_git(clone)["identity"] == f"root:{root_commit}"  # type: ignore[index]
    assert locate_repository(clone / "notebooks" / "train.ipynb") == (
        str(clone),
        f"root:{root_commit}",
    )


def test_missing_git_executable_gives_none(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import git as gitpython

    monkeypatch.setattr(gitpython.Git, "GIT_PYTHON_GIT_EXECUTABLE", "/nonexistent/git")
    assert capture_git(repo) is None


def test_gitpython_unimportable_without_git_gives_none(repo: Path, tmp_path: Path) -> None:
    """GitPython refuses to import when no git is on PATH; capture_git then says None."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_PYTHON")}
    env["PATH"] = str(empty)
    code = "import sys; from jupyter_mlm.capture.git import capture_git; print(capture_git(sys.argv[1]))"
    out = subprocess.run(
        [sys.executable, "-c", code, str(repo)], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "None"


def test_broken_repository_raises(repo: Path) -> None:
    (repo / ".git" / "index").write_text("garbage")
    with pytest.raises(Exception, match="index"):
        capture_git(repo)
