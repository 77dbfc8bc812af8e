"""Which store a notebook or script uses."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import jupyter_mlm as mlm
from jupyter_mlm.core.errors import ConfigError
from jupyter_mlm.store import open_store
from jupyter_mlm.store.location import redact_uri, resolve_store
from tests.gitrepo import make_repo


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv("MLM_STORE", raising=False)
    monkeypatch.delenv("MLM_ARTIFACTS", raising=False)
    yield
    mlm.set_store(None)


@pytest.fixture
def repo(tmp_path):
    root = make_repo(tmp_path / "project", {}, commit=False)
    (root / "notebooks" / "deep").mkdir(parents=True)
    return root


def test_default_is_dot_mlm_at_the_git_root_of_the_notebook(repo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the kernel's cwd does not matter: the notebook path does
    loc = resolve_store(repo / "notebooks" / "deep" / "a.ipynb")
    assert loc.root == repo / ".mlm"
    assert loc.store_uri == f"sqlite:///{repo / '.mlm' / 'mlm.db'}"
    assert loc.artifacts_uri == (repo / ".mlm" / "blobs").as_uri()
    assert loc.source == "default"
    open_store(loc).close()
    assert (repo / ".mlm" / ".gitignore").read_text().strip().endswith("*")
    status = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True
    )
    assert status.stdout == ""  # git never sees the store


def test_outside_git_the_folder_itself_holds_the_store(tmp_path):
    assert resolve_store(tmp_path / "x.ipynb").root == tmp_path / ".mlm"


def test_environment_overrides_mlm_toml(repo, tmp_path, monkeypatch):
    (repo / "mlm.toml").write_text('store = "shared-store"\nartifacts = "/srv/blobs"\n')
    loc = resolve_store(repo / "notebooks" / "a.ipynb")
    assert (loc.root, loc.source) == (repo / "shared-store", "mlm.toml")
    assert loc.artifacts_uri == "file:///srv/blobs"
    monkeypatch.setenv("MLM_STORE", str(tmp_path / "env-store"))
    loc = resolve_store(repo / "notebooks" / "a.ipynb")
    assert (loc.root, loc.source) == (tmp_path / "env-store", "environment")
    mlm.set_store(tmp_path / "code-store")
    assert resolve_store(repo).root == tmp_path / "code-store"


def test_postgres_uri_with_password_in_mlm_toml_is_refused(repo):
    (repo / "mlm.toml").write_text(
        'store = "postgresql://me:s3cret@db/mlm"\nartifacts = "/srv/b"\n'
    )
    with pytest.raises(ConfigError, match="contains a password") as err:
        resolve_store(repo)
    assert "s3cret" not in str(err.value)


def test_postgres_store_needs_a_shared_blob_location(monkeypatch):
    monkeypatch.setenv("MLM_STORE", "postgresql://me:pw@db/mlm")
    with pytest.raises(ConfigError, match="MLM_ARTIFACTS") as err:
        resolve_store()
    assert "pw@" not in str(err.value)
    monkeypatch.setenv("MLM_ARTIFACTS", "/srv/blobs")
    assert resolve_store().store_uri == "postgresql://me:pw@db/mlm"
    assert "pw" not in resolve_store().describe()


@pytest.mark.parametrize(
    ("value", "match"),
    [("mysql://x/y", "unsupported store URI scheme 'mysql'"), ("sqlite:///", "needs a file path")],
)
def test_bad_store_values_are_named(monkeypatch, value, match):
    monkeypatch.setenv("MLM_STORE", value)
    with pytest.raises(ConfigError, match=match):
        resolve_store()


def test_broken_mlm_toml_is_named(repo):
    (repo / "mlm.toml").write_text("store = [oops")
    with pytest.raises(ConfigError, match=r"cannot read .*mlm\.toml"):
        resolve_store(repo)


def test_redact_uri():
    assert redact_uri("postgresql://u:p@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert redact_uri("sqlite:////a/b.db") == "sqlite:////a/b.db"


def test_import_is_light():
    code = (
        "import sys, jupyter_mlm; heavy = {'sqlalchemy', 'numpy', 'pandas', 'IPython', 'alembic', 'fsspec', 'tqdm', 'polars'}"
        " & set(sys.modules); print(sorted(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert out.stdout.strip() == "[]"
