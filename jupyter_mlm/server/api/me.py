"""Who the server thinks is asking, and the API's OpenAPI document."""

from __future__ import annotations

from importlib.resources import files

from jupyter_server.auth.decorator import authorized
from tornado import web

from .base import MlmHandler

#: ``Author.source`` values shown as the API's three kinds of identity.
SOURCES = {"jupyter": "jupyter", "jupyterhub": "jupyter", "git": "git", "os": "os"}


class MeHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        author = await self.author()
        self.reply(
            {
                "username": author.username,
                "display_name": author.display_name,
                "source": SOURCES.get(author.source, "os"),
            }
        )


class OpenApiHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        spec = files("jupyter_mlm.server").joinpath("openapi.yaml").read_bytes()
        self.finish(spec, set_content_type="application/yaml; charset=UTF-8")
