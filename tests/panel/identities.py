"""An identity provider for a browser test's second JupyterLab (started without a token, as
``start_jupyter`` does): no login, and every request is the configured user."""

from __future__ import annotations

from jupyter_server.auth.identity import PasswordIdentityProvider

from tests.server.identities import NamedUserProvider


class TokenlessNamedUserProvider(NamedUserProvider, PasswordIdentityProvider):
    """``NamedUserProvider`` (configured by its ``user_name`` and ``display``) without a token:
    PasswordIdentityProvider lets a server with neither token nor password in, which the
    base IdentityProvider does not."""
