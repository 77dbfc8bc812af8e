"""Which store a notebook, script or server uses: one resolution shared by all of them.

Order: ``set_store()`` in this process, then ``MLM_STORE`` / ``MLM_ARTIFACTS`` from the
environment, then ``store`` / ``artifacts`` in an ``mlm.toml`` at the repository root, then
the default ``.mlm/`` folder at the root of the git repository holding the notebook (or the
folder itself outside git).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core.errors import ConfigError
from ..core.repo import find_repo_root
from ..core.uris import redact_uri
from . import backends

STORE_DIRNAME = ".mlm"
DB_FILENAME = "mlm.db"
TOML_NAME = "mlm.toml"

_override: tuple[str, str | None] | None = None
_on_change: list[Callable[[], None]] = []


@dataclass(frozen=True)
class StoreLocation:
    """Where the metadata database and the blobs live."""

    store_uri: str
    artifacts_uri: str
    root: Path | None  # the local store folder (embedded store), created on first use
    source: str  # "set_store", "environment", "mlm.toml" or "default"

    @property
    def is_embedded(self) -> bool:
        return self.store_uri.startswith("sqlite")

    def describe(self) -> str:
        return f"{redact_uri(self.store_uri)} (blobs: {self.artifacts_uri}; from {self.source})"


def set_store(store: str | os.PathLike[str] | None, artifacts: str | None = None) -> None:
    """Use ``store`` (a database URI or a folder) for this process; ``None`` restores the default."""
    global _override
    if store is None:
        _override = None
        return
    _override = (os.fspath(store), artifacts)
    for callback in list(_on_change):
        callback()


def on_store_change(callback: Callable[[], None]) -> None:
    """Call ``callback`` after every ``set_store`` (caches of opened stores forget them)."""
    _on_change.append(callback)


def resolve_store(path: str | os.PathLike[str] | None = None) -> StoreLocation:
    """The store for a notebook or file at ``path`` (default: the current directory)."""
    start = Path(path if path is not None else os.getcwd()).expanduser().absolute()
    if not start.is_dir():
        start = start.parent
    if _override is not None:
        return _location(_override[0], _override[1], base=Path.cwd(), source="set_store")
    env_store = os.environ.get("MLM_STORE") or None
    env_artifacts = os.environ.get("MLM_ARTIFACTS") or None
    if env_store:
        return _location(env_store, env_artifacts, base=Path.cwd(), source="environment")
    project = find_repo_root(start) or start
    toml_store, toml_artifacts = _read_toml(project / TOML_NAME)
    if toml_store:
        return _location(
            toml_store, env_artifacts or toml_artifacts, base=project, source=TOML_NAME
        )
    return _location(
        str(project / STORE_DIRNAME),
        env_artifacts or toml_artifacts,
        base=project,
        source="default",
    )


def location_from(
    store: str | os.PathLike[str], artifacts: str | None = None, *, source: str = "argument"
) -> StoreLocation:
    """The location named by a database URI or a folder path (relative to the cwd)."""
    return _location(os.fspath(store), artifacts, base=Path.cwd(), source=source)


def _location(store: str, artifacts: str | None, *, base: Path, source: str) -> StoreLocation:
    if "://" in store:
        scheme = store.split("://", 1)[0].lower()
        if scheme == "sqlite":
            db_path = _sqlite_path(store)
            root = db_path.parent
            return StoreLocation(
                f"sqlite:///{db_path}",
                _artifacts_uri(artifacts, root / "blobs", base),
                root,
                source,
            )
        if backends.is_remote_database(store):
            if not artifacts:
                raise ConfigError(
                    f"a PostgreSQL store ({redact_uri(store)}) needs a shared blob location: set "
                    "MLM_ARTIFACTS (or 'artifacts' in mlm.toml) to a folder every user can reach, "
                    "e.g. file:///srv/mlm-blobs"
                )
            return StoreLocation(store, _artifacts_uri(artifacts, None, base), None, source)
        raise ConfigError(
            f"unsupported store URI scheme {scheme!r} in {redact_uri(store)!r}; "
            "use sqlite:///PATH, postgresql://HOST/DB or a folder path (known schemes: "
            + ", ".join(backends.database_schemes()) + ")"
        )
    folder = Path(store).expanduser()
    if not folder.is_absolute():
        folder = base / folder
    folder = folder.absolute()
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"store path {folder} exists and is not a folder")
    return StoreLocation(
        f"sqlite:///{folder / DB_FILENAME}",
        _artifacts_uri(artifacts, folder / "blobs", base),
        folder,
        source,
    )


def _sqlite_path(uri: str) -> Path:
    """SQLAlchemy's convention: ``sqlite:///rel.db`` is relative, ``sqlite:////abs.db`` absolute."""
    if not uri.lower().startswith("sqlite:///") or uri.endswith("/"):
        raise ConfigError(
            f"SQLite store URI needs a file path, e.g. sqlite:////abs/mlm.db: {uri!r}"
        )
    path = Path(uri[len("sqlite:///") :]).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def _artifacts_uri(artifacts: str | None, default: Path | None, base: Path) -> str:
    if not artifacts:
        assert default is not None
        return default.as_uri()
    if "://" in artifacts:
        scheme = artifacts.split("://", 1)[0].lower()
        if not backends.is_blob_store(artifacts):
            raise ConfigError(
                f"unsupported artifacts URI scheme {scheme!r}: {artifacts!r}; "
                "this version stores blobs in a folder (file:///PATH or a path)"
            )
        return artifacts
    folder = Path(artifacts).expanduser()
    return (folder if folder.is_absolute() else base / folder).absolute().as_uri()


def toml_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The ``mlm.toml`` that applies to a notebook or file at ``path`` (default: the current
    directory): at the root of its git repository, else in its folder (it may not exist)."""
    start = Path(path if path is not None else os.getcwd()).expanduser().absolute()
    if not start.is_dir():
        start = start.parent
    return (find_repo_root(start) or start) / TOML_NAME


def read_toml_table(path: Path, name: str) -> dict[str, Any] | None:
    """The table ``[name]`` (or ``[mlm.name]``) of the ``mlm.toml`` at ``path``; None when
    the file or the table is absent; ``ConfigError`` naming the file when it cannot be read
    or ``name`` is not a table."""
    data = _load_toml(path)
    if data is None:
        return None
    section = data.get("mlm", data) if isinstance(data.get("mlm"), dict) else data
    table = section.get(name)
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: '{name}' must be a table ([{name}]), got {table!r}")
    return table


def _load_toml(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


def _read_toml(path: Path) -> tuple[str | None, str | None]:
    data = _load_toml(path)
    if data is None:
        return None, None
    section = data.get("mlm", data) if isinstance(data.get("mlm"), dict) else data
    store = section.get("store", section.get("MLM_STORE"))
    artifacts = section.get("artifacts", section.get("MLM_ARTIFACTS"))
    for key, value in (("store", store), ("artifacts", artifacts)):
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{path}: '{key}' must be a string, got {type(value).__name__}")
        if value and "://" in value and urlsplit(value).password is not None:
            raise ConfigError(
                f"{path}: the '{key}' URI contains a password; remove it from the file and put "
                "it in the environment (PGPASSWORD) or ~/.pgpass"
            )
    return store, artifacts
