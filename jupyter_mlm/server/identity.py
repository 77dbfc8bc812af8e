"""Who is asking: the Jupyter identity of a request when it names a user, else git's or the OS
user (the checkpoint author). Jupyter's checkpoints API gets no request, so the checkpoint
handlers put the author in a context variable for the duration of the call."""

from __future__ import annotations

import contextvars
import re
from typing import Any

from ..checkpoints.author import Author, author_for, jupyter_author

_ANONYMOUS = re.compile(r"^[0-9a-f]{32}$")

#: The author of the request being served (set by the checkpoint and contents handlers).
current_author: contextvars.ContextVar[Author | None] = contextvars.ContextVar(
    "mlm_current_author", default=None
)


def names_a_user(handler: Any, user: Any) -> bool:
    """False for jupyter_server's anonymous token user (a random uuid username from the
    default identity providers), True for JupyterHub or any configured identity provider."""
    from jupyter_server.auth.identity import IdentityProvider, PasswordIdentityProvider

    username = getattr(user, "username", "") or ""
    provider = getattr(handler, "identity_provider", None)
    default = type(provider) in (IdentityProvider, PasswordIdentityProvider)
    return bool(username) and not (default and _ANONYMOUS.match(username))


def handler_author(handler: Any) -> Author:
    """The author for a request handled by ``handler`` (a jupyter_server JupyterHandler)."""
    user = handler.current_user
    found = jupyter_author(user, names_a_user=names_a_user(handler, user))
    if found is not None:
        return found
    root = getattr(handler.contents_manager, "root_dir", None)
    return author_for(root)


def author_now(root_dir: str | None = None) -> Author:
    """The author of the request being served, else of this server process."""
    return current_author.get() or author_for(root_dir)
