"""fsspec URLs: the filesystem for a URL (with errors that say what to install) and URLs with
their credentials removed, so no secret is ever stored."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit


def filesystem(url: str) -> tuple[Any, str]:
    """fsspec's filesystem and path for ``url``, with errors that say what to install."""
    from fsspec.core import url_to_fs
    from fsspec.registry import known_implementations

    protocol = url.split("://", 1)[0].split("::")[-1] if "://" in url else url.split("::")[0]
    try:
        return url_to_fs(url)
    except ImportError as err:
        known = known_implementations.get(protocol, {})
        package = known.get("class", "").split(".")[0]
        hint = known.get("err") or f"install {package}"
        extra = "" if str(err) == hint else f" ({err})"
        need = f"needs the {package} package" if package else "needs an extra package"
        raise ImportError(
            f"cannot read {redact_url(url)}: the {protocol!r} protocol {need}: {hint}{extra}"
        ) from err
    except ValueError as err:
        if "Protocol not known" in str(err):
            raise ValueError(
                f"cannot read {redact_url(url)}: unknown protocol {protocol!r} (no fsspec filesystem for it)"
            ) from err
        raise ValueError(f"cannot read {redact_url(url)}: {err}") from err


def redact_url(url: str) -> str:
    """The URL without user, password or query string (which may carry tokens)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
