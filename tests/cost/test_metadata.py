"""The machine's type from a cloud's instance metadata, against fake services on 127.0.0.1:
each provider's protocol, the deadline when nothing answers, asked once per process, off
with MLM_CLOUD_METADATA=0."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from jupyter_mlm.cost import metadata
from jupyter_mlm.cost.metadata import CloudMachine, cloud_machine_type, fetch_machine_type

from .fake_metadata import metadata_server


@pytest.fixture(autouse=True)
def fresh_answer() -> Iterator[None]:
    metadata.forget_answer()
    yield
    metadata.forget_answer()


@pytest.mark.parametrize(
    ("provider", "machine"),
    [("aws", "p3.2xlarge"), ("gcp", "n2-standard-8"), ("azure", "Standard_NC6s_v3")],
)
def test_each_provider_is_understood(provider, machine):
    with metadata_server(provider, machine) as server:
        assert fetch_machine_type(server.url) == CloudMachine(provider, machine)
    if provider == "aws":  # IMDSv2: a token first, then the type with it
        assert [(m, p) for m, p, _ in server.hits if p.startswith("/latest")] == [
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/instance-type"),
        ]


def test_an_implausible_answer_is_no_answer():
    with metadata_server("azure", "<html>captive portal</html>") as server:
        assert fetch_machine_type(server.url) is None


def test_a_server_that_never_answers_costs_the_deadline_only():
    with socket.socket() as silent:  # accepts connections (the backlog), never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        t0 = time.monotonic()
        assert fetch_machine_type(f"http://127.0.0.1:{silent.getsockname()[1]}", 0.3) is None
        assert time.monotonic() - t0 < 0.6


def test_nobody_listening_is_no_answer():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: connections are refused
    t0 = time.monotonic()
    assert fetch_machine_type(f"http://127.0.0.1:{port}") is None
    assert time.monotonic() - t0 < 0.6


def test_asked_once_per_process(monkeypatch):
    with metadata_server("gcp", "e2-standard-4") as server:
        env = {"MLM_CLOUD_METADATA": "1", "MLM_CLOUD_METADATA_URL": server.url}
        assert cloud_machine_type(env) == CloudMachine("gcp", "e2-standard-4")
        asked = len(server.hits)
        assert cloud_machine_type(env) == CloudMachine("gcp", "e2-standard-4")
        assert len(server.hits) == asked and metadata.already_asked()


def test_switched_off(monkeypatch):
    with metadata_server("aws", "m5.large") as server:
        env = {"MLM_CLOUD_METADATA": "0", "MLM_CLOUD_METADATA_URL": server.url}
        assert cloud_machine_type(env) is None
        assert server.hits == [] and not metadata.already_asked()


def test_proxies_are_not_used(monkeypatch):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with metadata_server("aws", "m5.large") as server:
        assert fetch_machine_type(server.url) == CloudMachine("aws", "m5.large")


def test_a_bad_url_is_no_answer():
    assert fetch_machine_type("https://example.invalid") is None
