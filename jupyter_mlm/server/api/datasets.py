"""Dataset versions, with the runs that used each: all of them or a notebook's, and the
history of one dataset name."""

from __future__ import annotations

import time
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.errors import NotFoundError
from ...core.validation import check_key
from . import shapes
from .base import MlmHandler


class DatasetsHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        notebook = self.notebook_arg()

        def work() -> list[dict[str, Any]]:
            store = self.store_at(notebook)
            if notebook is None:
                used = store.queries.dataset_runs()
            else:
                repo, path = self.notebook_ref(notebook)
                used = store.queries.dataset_runs(
                    store.checkpoints.notebook_runs(repo, path, None, time.time())
                )
            return [
                shapes.dataset_version(v, used.get((v.content_id, v.name), []))
                for v in store.datasets.versions()
                if notebook is None or (v.content_id, v.name) in used
            ]

        self.reply({"datasets": await self.blocking(work)})


class DatasetHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        check_key(name, "dataset name")

        def work() -> list[dict[str, Any]]:
            store = self.store_at()
            versions = store.datasets.versions(name)
            if not versions:
                raise NotFoundError(f"no dataset named {name!r}")
            out = []
            for v in versions:
                uses = store.datasets.uses(content_id=v.content_id)
                runs = dict.fromkeys(u.run_id for u in uses if u.name == v.name)
                found = shapes.dataset_version(v, list(runs))
                del found["name"]
                out.append(found)
            return out

        self.reply({"name": name, "versions": await self.blocking(work)})
