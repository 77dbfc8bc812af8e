"""Comments on runs, checkpoints, models and experiments: list, write, delete one's own."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from . import inputs, shapes
from .base import MlmHandler

MAX_COMMENT = 20_000


class CommentsHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        kind = self.choice_arg("target_kind", inputs.COMMENT_TARGETS, None)
        if kind is None:
            raise ValueError(f"target_kind is required: one of {', '.join(inputs.COMMENT_TARGETS)}")
        target = inputs.target_id(kind, self.get_query_argument("target_id", None))

        def work() -> list[dict[str, Any]]:
            return [shapes.comment(c) for c in self.store_at().comments.of(kind, target)]

        self.reply({"comments": await self.blocking(work)})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body(["target_kind", "target_id", "body"])
        kind = inputs.required(body.get("target_kind"), "target_kind")
        inputs.choice(kind, "target_kind", inputs.COMMENT_TARGETS, None)
        target = inputs.target_id(kind, body.get("target_id"))
        text = inputs.required(body.get("body"), "body", MAX_COMMENT)
        author = await self.author()

        def work() -> dict[str, Any]:
            made = self.store_at().comments.add(
                kind, target, text, author.username, author.display_name
            )
            return shapes.comment(made)

        self.reply(await self.blocking(work), status=201)


class CommentHandler(MlmHandler):
    @web.authenticated
    @authorized
    async def delete(self, comment_id: str) -> None:
        inputs.hex_id(comment_id, "comment")
        author = await self.author()
        await self.blocking(lambda: self.store_at().comments.delete(comment_id, author.username))
        self.set_status(204)
        self.finish()
