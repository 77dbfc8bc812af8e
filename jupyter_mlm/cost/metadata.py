"""The machine's type from the cloud's instance metadata service: AWS (IMDSv2: a token,
then ``instance-type``), GCP (``machine-type``) and Azure (``vmSize``), all at the link-local
address ``169.254.169.254``, asked at once with one short deadline (0.3 s in all).

Asked at most once per process, and not at all with ``MLM_CLOUD_METADATA=0``;
``MLM_CLOUD_METADATA_URL`` points the three at another base URL (tests use a fake server on
127.0.0.1). Proxies are never used: the address is the machine's own.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException
from urllib.parse import urlsplit

ENV_SWITCH = "MLM_CLOUD_METADATA"
ENV_URL = "MLM_CLOUD_METADATA_URL"
DEFAULT_URL = "http://169.254.169.254"
#: seconds for every request together
DEADLINE = 0.3
_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class CloudMachine:
    provider: str  # aws, gcp, azure
    machine_type: str

    @property
    def source(self) -> str:
        return f"{self.provider} instance metadata"


class _Http:
    """Requests to one base URL, each with what is left of the deadline."""

    def __init__(self, base_url: str, timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"{ENV_URL} must be an http:// URL, got {base_url!r}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout

    def request(
        self, method: str, path: str, headers: Mapping[str, str]
    ) -> tuple[int, Mapping[str, str], str]:
        conn = HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, self.prefix + path, headers=dict(headers))
            response = conn.getresponse()
            body = response.read(4096).decode("utf-8", "replace").strip()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            conn.close()


def _aws(http: _Http) -> str | None:
    status, _, token = http.request(
        "PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": "60"}
    )
    if status != 200 or not token:
        return None
    status, _, body = http.request(
        "GET", "/latest/meta-data/instance-type", {"X-aws-ec2-metadata-token": token}
    )
    return body if status == 200 else None


def _gcp(http: _Http) -> str | None:
    status, headers, body = http.request(
        "GET", "/computeMetadata/v1/instance/machine-type", {"Metadata-Flavor": "Google"}
    )
    if status != 200 or headers.get("metadata-flavor") != "Google":
        return None
    return body.rsplit("/", 1)[-1]  # projects/123/machineTypes/n2-standard-8


def _azure(http: _Http) -> str | None:
    status, _, body = http.request(
        "GET",
        "/metadata/instance/compute/vmSize?api-version=2021-02-01&format=text",
        {"Metadata": "true"},
    )
    return body if status == 200 else None


#: in the order an answer is preferred (one cloud answers on a real machine)
PROVIDERS: tuple[tuple[str, Callable[[_Http], str | None]], ...] = (
    ("aws", _aws),
    ("gcp", _gcp),
    ("azure", _azure),
)


def fetch_machine_type(
    base_url: str = DEFAULT_URL, deadline: float = DEADLINE
) -> CloudMachine | None:
    """Ask every provider at once at ``base_url``; the first in ``PROVIDERS`` order that
    answers a plausible type within ``deadline`` seconds, else None (never raises)."""
    try:
        http = _Http(base_url, deadline)
    except ValueError:
        return None
    found: dict[str, str] = {}

    def ask(provider: str, call: Callable[[_Http], str | None]) -> None:
        try:
            answer = call(http)
        except (OSError, HTTPException, ValueError):
            return
        if answer and _TYPE.fullmatch(answer):
            found[provider] = answer

    threads = [
        threading.Thread(target=ask, args=p, name=f"jupyter-mlm-metadata-{p[0]}", daemon=True)
        for p in PROVIDERS
    ]
    for t in threads:
        t.start()
    end = time.monotonic() + deadline
    for t in threads:
        t.join(max(0.0, end - time.monotonic()))
    for provider, _ in PROVIDERS:
        if provider in found:
            return CloudMachine(provider, found[provider])
    return None


_lock = threading.Lock()
_asked = False
_answer: CloudMachine | None = None


def cloud_machine_type(environ: Mapping[str, str] = os.environ) -> CloudMachine | None:
    """This machine's type from the cloud's metadata, asked once per process (None when
    switched off, off the cloud or unanswered in time)."""
    global _asked, _answer
    if not metadata_enabled(environ):
        return None
    with _lock:
        if not _asked:
            _answer = fetch_machine_type(environ.get(ENV_URL, "").strip() or DEFAULT_URL)
            _asked = True
        return _answer


def metadata_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


def already_asked() -> bool:
    """Whether ``cloud_machine_type`` has its answer (asking again costs nothing)."""
    return _asked


def forget_answer() -> None:
    """Ask again next time (tests)."""
    global _asked, _answer
    with _lock:
        _asked, _answer = False, None
