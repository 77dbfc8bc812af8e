"""The base of every ``/mlm/api/`` handler: typed query parameters and JSON bodies, our errors
as 4xx/503 answers in jupyter_server's error format, the store for a request, and blocking
work (store, git) run on a thread so the server's event loop never waits."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from jupyter_server.base.handlers import APIHandler
from tornado.web import HTTPError

from ...checkpoints import Author, CheckpointService
from ...core.errors import ConfigError, ConflictError, NotFoundError, StoreError
from ...store.base import Store
from ..identity import handler_author
from ..paths import os_path
from . import inputs
from .shapes import json_safe

T = TypeVar("T")

MAX_LIMIT = 1000


def status_for(err: BaseException) -> int | None:
    """The HTTP status answering one of our errors; None for anything else (a 500)."""
    if isinstance(err, HTTPError):
        return None
    if isinstance(err, NotFoundError):
        return 404
    if isinstance(err, ConflictError):
        return 409
    if isinstance(err, PermissionError):
        return 403
    if isinstance(err, FileNotFoundError):
        return 404
    if isinstance(err, (ValueError, TypeError)):
        return 400
    if isinstance(err, (StoreError, ConfigError)):
        return 503
    return None


def message_for(err: BaseException) -> str:
    """What went wrong, without the absolute paths an OS error names."""
    if isinstance(err, OSError) and err.strerror:
        return str(err.strerror)
    return str(err) or type(err).__name__


class MlmHandler(APIHandler):
    """Subclasses decorate every method with ``@web.authenticated`` and ``@authorized``."""

    auth_resource = "mlm"

    @property
    def service(self) -> CheckpointService:
        return self.settings["mlm_service"]

    # input --------------------------------------------------------------------------------
    def arg(self, name: str, max_length: int = inputs.MAX_NAME) -> str | None:
        """A query parameter's text (None when absent or empty)."""
        return inputs.text(self.get_query_argument(name, None), name, max_length)

    def int_arg(self, name: str, low: int, high: int, default: int) -> int:
        return inputs.integer(self.get_query_argument(name, None), name, low, high, default)

    def choice_arg(self, name: str, choices: Sequence[str], default: str | None) -> str | None:
        return inputs.choice(self.get_query_argument(name, None), name, choices, default)

    def page_args(self) -> tuple[int, int]:
        """(limit, offset) of a paginated listing."""
        return self.int_arg("limit", 1, MAX_LIMIT, 100), self.int_arg("offset", 0, 10**9, 0)

    def arg_list(self, name: str) -> list[str]:
        """A comma-separated query parameter's items."""
        found = self.arg(name, inputs.MAX_GROUP_BY) or ""
        return [item.strip() for item in found.split(",") if item.strip()]

    def notebook_arg(self, name: str = "notebook") -> str | None:
        """The file behind a notebook's contents path given as a query parameter."""
        path = self.arg(name, inputs.MAX_PATH)
        return None if path is None else self.abs_path(path)

    def body(self, allowed: Sequence[str]) -> dict[str, Any]:
        return inputs.json_object(self.request.body or b"", allowed)

    # where things are ---------------------------------------------------------------------
    def abs_path(self, path: Any) -> str:
        """The file behind a contents path (ValueError for ``..``, absolute or outside)."""
        return os_path(self.contents_manager, path)

    @property
    def server_root(self) -> str:
        return os.path.abspath(self.contents_manager.root_dir)

    def store_at(self, abs_path: str | None = None) -> Store:
        """The store of a file (blocking: the first call opens it); of the server root
        without one."""
        return self.service.store_for(abs_path or os.path.join(self.server_root, "."))

    def notebook_ref(self, abs_path: str) -> tuple[str, str]:
        """(repository identity, repo-relative path) of a notebook, as runs record it
        (blocking: git)."""
        ref = self.service.locate(abs_path)
        return ref.repo, ref.path

    async def blocking(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run store or git work on a thread."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def author(self) -> Author:
        """Who is asking (the git lookup behind it may block)."""
        return await self.blocking(handler_author, self)

    # output -------------------------------------------------------------------------------
    def reply(self, value: Any, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(json_safe(value), allow_nan=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        err = kwargs.get("exc_info", (None, None, None))[1]
        status = None if err is None else status_for(err)
        if status is None:
            super().write_error(status_code, **kwargs)
            return
        self.set_status(status)
        self.finish(json.dumps({"message": message_for(err), "reason": None}))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        status = None if value is None else status_for(value)
        if status is None:
            super().log_exception(typ, value, tb)
        else:
            self.log.warning("%d %s: %s", status, self._request_summary(), value)
