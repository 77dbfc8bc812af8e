"""URIs in messages and listings: never with a password in them."""

from __future__ import annotations

from urllib.parse import urlsplit


def redact_uri(uri: str) -> str:
    """The URI with any password replaced by ``***`` (for messages and listings)."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
