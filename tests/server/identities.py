"""An identity provider that names its user (as JupyterHub or a configured provider does), for
the checkpoint-author tests; a server started in a subprocess imports it too."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.utils import ensure_async
from traitlets import Unicode


class NamedUserProvider(IdentityProvider):
    """Jupyter's token authentication, but the authenticated user is always ``user_name``."""

    user_name = Unicode("grace", config=True, help="The username of every authenticated request.")
    display = Unicode("Grace Hopper", config=True, help="That user's display name.")

    async def get_user(self, handler: Any) -> User | None:  # type: ignore[override]
        user = await ensure_async(super().get_user(handler))
        if user is None:
            return None
        return User(username=self.user_name, name=self.display, display_name=self.display)
