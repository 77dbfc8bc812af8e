"""Git remote URLs: without credentials (safe to store) and as a stable repository identity."""

from __future__ import annotations

import re

_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<netloc>[^/?#]*)(?P<path>[^?#]*)")
# git's scp-like syntax: [user@]host:path, recognised when a colon comes before any slash.
_SCP = re.compile(r"^(?:(?P<user>[^@/]*)@)?(?P<host>[^@:/\\]+):(?P<path>.*)$")
_SSH_SCHEMES = frozenset({"ssh", "git+ssh", "ssh+git"})
_USERINFO_IN_TEXT = re.compile(r"(?<=://)[^/\s@'\"]+@")


def strip_credentials(url: str) -> str:
    """``url`` without password, token or query string: ``https://u:p@host/x`` → ``https://host/x``.

    An ssh login name without a password (``git@host:org/repo``) is kept: it is not a secret.
    Local paths come back unchanged.
    """
    match = _URL.match(url)
    if match:
        scheme, netloc, path = match["scheme"], match["netloc"], match["path"]
        user, _, host = netloc.rpartition("@")
        keep_user = scheme.lower() in _SSH_SCHEMES and user and ":" not in user
        return f"{scheme}://{user + '@' if keep_user else ''}{host}{path}"
    scp = _scp(url)
    if scp:
        user, host, path = scp
        keep_user = user and ":" not in user
        return f"{user + '@' if keep_user else ''}{host}:{path}"
    return url


def remote_identity(url: str) -> str | None:
    """``host/path`` naming a repository the same way in every clone, or None for a local path.

    ``git@github.com:org/repo.git``, ``https://user:token@github.com/org/repo`` and
    ``ssh://git@github.com:22/org/repo.git`` all give ``github.com/org/repo``.
    """
    match = _URL.match(url)
    if match:
        if match["scheme"].lower() == "file":
            return None
        host, path = _without_port(match["netloc"].rpartition("@")[2]), match["path"]
    else:
        scp = _scp(url)
        if scp is None:
            return None
        _, host, path = scp
    path = path.strip("/").removesuffix(".git").rstrip("/")
    if not host or not path:
        return None
    return f"{host.lower()}/{path}"


def scrub_text(text: str) -> str:
    """``text`` (an error message, say) with the ``user:password@`` of any URL in it removed."""
    return _USERINFO_IN_TEXT.sub("", text)


def _scp(url: str) -> tuple[str, str, str] | None:
    match = _SCP.match(url)
    if match is None or (len(match["host"]) == 1 and not match["user"]):  # C:\repo is a path
        return None
    return match["user"] or "", match["host"], match["path"]


def _without_port(host: str) -> str:
    if host.startswith("["):  # an IPv6 literal
        return host[: host.find("]") + 1]
    return host.split(":", 1)[0]
