"""Exceptions raised by jupyter-mlm; every one names the problem it reports."""

from __future__ import annotations


class MlmError(Exception):
    """Base class of every error raised by jupyter-mlm."""


class ConfigError(MlmError):
    """The store configuration (MLM_STORE, MLM_ARTIFACTS, mlm.toml) is invalid."""


class StoreError(MlmError):
    """The store could not be read or written (unreachable, locked, read-only, corrupt)."""


class SchemaVersionError(StoreError):
    """The store's schema is newer than this version of jupyter-mlm understands."""


class NotFoundError(MlmError, KeyError):
    """An experiment, run, blob or other object does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ConflictError(MlmError, ValueError):
    """A write contradicts what is already stored (e.g. a param re-logged with another value)."""


class WriterError(MlmError):
    """The background writer failed; raised on the next call into the run."""
