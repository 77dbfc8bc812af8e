"""/mlm/api/ refuses what it must: requests without authentication (every documented
operation), paths leaving the server root (``..``, absolute, encoded, symlinks), cookie-
authenticated writes without Jupyter's XSRF token, malformed ids, bodies and parameters; and
answers unknown ids with 404."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from tornado.httpclient import HTTPResponse

import jupyter_mlm as mlm
from jupyter_mlm.server.api.routes import ROUTES

from .checkpoint_helpers import notebook, save_notebook

SPEC = Path(__file__).resolve().parents[2] / "jupyter_mlm" / "server" / "openapi.yaml"
SAMPLE = {"run_id": "0" * 32, "checkpoint_id": "0" * 32, "comment_id": "0" * 32,
          "key": "loss", "name": "train.csv"}  # fmt: skip
ZERO = "0" * 32


def _operations() -> list[tuple[str, str]]:
    spec = yaml.safe_load(SPEC.read_text())
    return [
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "delete")
    ]


@pytest.fixture
def raw(http_server_client, jp_base_url):
    """Requests to the running server's ``/mlm/api/<path>`` with only the headers given (no
    token)."""

    async def fetch(method: str, path: str, *, headers: dict | None = None, body: str | None = None,
                    params: dict | None = None) -> HTTPResponse:  # fmt: skip
        url = f"{jp_base_url}mlm/api/{path.lstrip('/')}"
        if params:
            url += "?" + urlencode(params)
        if method == "POST" and body is None:
            body = "{}"
        return await http_server_client.fetch(
            url, method=method, headers=headers or {}, body=body, raise_error=False,
            follow_redirects=False, allow_nonstandard_methods=True,
        )  # fmt: skip

    return fetch


def test_every_route_is_documented_and_every_documented_operation_is_routed():
    documented = {re.sub(r"\{[^}]+\}", "X", path).lstrip("/") for _, path in _operations()}
    routed = {re.sub(r"\([^)]*\)", "X", route) for route, _ in ROUTES}
    assert documented == routed


@pytest.mark.parametrize(("method", "path"), _operations())
async def test_every_operation_refuses_requests_without_authentication(raw, method, path):
    reply = await raw(method, path.format(**SAMPLE))
    assert reply.code == 403, (method, path, reply.code)
    assert b"Traceback" not in (reply.body or b"")


async def test_the_openapi_document_is_served_to_authenticated_clients(jp_fetch):
    reply = await jp_fetch("mlm", "api", "openapi.yaml")
    assert reply.code == 200 and reply.headers["Content-Type"].startswith("application/yaml")
    assert (
        yaml.safe_load(reply.body)["paths"].keys()
        == yaml.safe_load(SPEC.read_text())["paths"].keys()
    )


# --- paths ---------------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path, jp_root_dir: Path) -> Path:
    """A secret notebook outside the server root, and a symlink in the root pointing at it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    secret = folder / "secret.ipynb"
    secret.write_text(json.dumps(notebook("TOPSECRET = 1")))
    (jp_root_dir / "link").symlink_to(folder, target_is_directory=True)
    return secret


def _escapes(secret: Path) -> list[str]:
    return [
        "../outside/secret.ipynb",
        "sub/../../outside/secret.ipynb",
        str(secret),
        "/" + str(secret).lstrip("/"),
        "link/secret.ipynb",
        "./link/secret.ipynb",
        "..\\outside\\secret.ipynb",
    ]


async def test_paths_outside_the_root_are_refused_everywhere(mlm_api, jp_fetch, outside: Path):
    made = await save_notebook(jp_fetch, "nb.ipynb", notebook("x"))
    cid = made["id"]
    for bad in _escapes(outside):
        calls = [
            ("GET", ("runs",), {"notebook": bad}, None),
            ("GET", ("leaderboard",), {"experiment": "e", "metric": "m", "notebook": bad}, None),
            ("GET", ("datasets",), {"notebook": bad}, None),
            ("GET", ("checkpoints",), {"path": bad}, None),
            ("POST", ("checkpoints",), None, {"path": bad}),
            ("GET", ("checkpoints", cid), {"path": bad}, None),
            ("GET", ("checkpoints", cid, "content"), {"path": bad}, None),
            ("GET", ("checkpoints", cid, "diff"), {"against": "current", "path": bad}, None),
            ("POST", ("checkpoints", cid, "restore"), None, {"path": bad}),
            ("POST", ("checkpoints", cid, "fork"), None, {"path": bad}),
            ("POST", ("checkpoints", cid, "fork"), None, {"new_path": bad}),
            ("DELETE", ("checkpoints", cid), {"path": bad}, None),
        ]
        for method, parts, params, body in calls:
            code, answer = await mlm_api(method, *parts, params=params, body=body)
            assert code in (400, 404), (method, parts, bad, code, answer)
            assert "TOPSECRET" not in json.dumps(answer)
    assert sorted(p.name for p in outside.parent.iterdir()) == ["secret.ipynb"]  # nothing written
    code, body = await mlm_api("GET", "checkpoints", params={"author": "me"})
    assert [c["checkpoint_id"] for c in body["checkpoints"]] == [cid]  # nothing else recorded


async def test_percent_encoded_traversal_never_reaches_a_file(raw, jp_auth_header, outside):
    for path in ("checkpoints/..%2F..%2Fetc%2Fpasswd", "checkpoints/%2e%2e/content",
                 "datasets/..%2F..%2Fsecret", "runs/..%2f/metrics/x",
                 "checkpoints?path=%2e%2e%2foutside%2fsecret.ipynb",
                 "checkpoints?path=%2E%2E/outside/secret.ipynb",
                 "datasets?notebook=%2e%2e%2f%2e%2e%2fetc%2fpasswd"):  # fmt: skip
        reply = await raw("GET", path, headers=jp_auth_header)
        assert reply.code in (400, 404), path
        assert b"root:" not in (reply.body or b"") and b"TOPSECRET" not in (reply.body or b"")
    body = json.dumps({"path": "%2e%2e/outside/secret.ipynb"})  # a literal name, not a parent
    reply = await raw("POST", "checkpoints", headers=jp_auth_header, body=body)
    assert reply.code == 404


# --- XSRF ----------------------------------------------------------------------------------


async def _cookie_session(raw, jp_auth_header, http_server_client, jp_base_url):
    """Jupyter's login cookie (set on a token-authenticated request, as the browser gets it)
    and the ``_xsrf`` cookie of the login page: ``(cookies, xsrf)``."""
    reply = await raw("GET", "me", headers=jp_auth_header)
    cookies = [c.split(";")[0] for c in reply.headers.get_list("Set-Cookie")]
    assert any(c.startswith("username-") for c in cookies)
    page = await http_server_client.fetch(f"{jp_base_url}login", raise_error=False)
    xsrf = next(
        c.split(";")[0].split("=", 1)[1]
        for c in page.headers.get_list("Set-Cookie")
        if c.startswith("_xsrf=")
    )
    return "; ".join([*cookies, f"_xsrf={xsrf}"]), xsrf


async def test_cookie_authenticated_writes_need_the_xsrf_token(
    raw, mlm_api, jp_auth_header, http_server_client, jp_base_url
):
    cookies, xsrf = await _cookie_session(raw, jp_auth_header, http_server_client, jp_base_url)
    reply = await raw("GET", "me", headers={"Cookie": cookies})
    assert reply.code == 200  # reads need no XSRF token
    with mlm.start_run("digits") as run:
        pass
    body = json.dumps({"target_kind": "run", "target_id": run.run_id, "body": "hi"})
    reply = await raw("POST", "comments", headers={"Cookie": cookies}, body=body)
    assert reply.code == 403 and b"XSRF" in reply.body.upper()
    reply = await raw("POST", "comments", headers={"Cookie": cookies, "X-XSRFToken": xsrf},
                      body=body)  # fmt: skip
    assert reply.code == 201
    made = json.loads(reply.body)["comment_id"]
    reply = await raw("DELETE", f"comments/{made}", headers={"Cookie": cookies})
    assert reply.code == 403
    _, listed = await mlm_api("GET", "comments",
                              params={"target_kind": "run", "target_id": run.run_id})  # fmt: skip
    assert [c["comment_id"] for c in listed["comments"]] == [made]
    reply = await raw(
        "DELETE", f"comments/{made}", headers={"Cookie": cookies, "X-XSRFToken": xsrf}
    )
    assert reply.code == 204


async def test_a_wrong_token_is_refused(raw):
    reply = await raw("GET", "me", headers={"Authorization": "token not-the-token"})
    assert reply.code == 403


# --- malformed input and unknown ids -------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "params", "body", "says"),
    [
        ("GET", "runs/not-hex", None, None, "not a run id"),
        ("GET", "runs/" + "A" * 32, None, None, "not a run id"),
        ("GET", f"runs/{ZERO}/metrics/loss", {"points": "1"}, None, "points must be from 2"),
        ("GET", f"runs/{ZERO}/metrics/loss", {"points": "many"}, None, "points must be"),
        ("GET", "runs", {"limit": "0"}, None, "limit must be from 1 to 1000"),
        ("GET", "runs", {"limit": "1001"}, None, "limit"),
        ("GET", "runs", {"offset": "-1"}, None, "offset"),
        ("GET", "runs", {"status": "done"}, None, "status must be one of"),
        ("GET", "runs", {"filter": "params.lr <"}, None, "incomplete condition"),
        ("GET", "runs", {"order_by": "tags.model"}, None, "cannot order by tags"),
        ("GET", "runs", {"filter": "metrics.loss < 'low'"}, None, "needs a number"),
        ("GET", "leaderboard", {"metric": "loss"}, None, "experiment is required"),
        ("GET", "leaderboard", {"experiment": "e", "metric": "m", "mode": "best"}, None, "mode"),
        ("GET", "leaderboard", {"experiment": "e", "metric": "m", "agg": "p99"}, None, "agg"),
        ("GET", "checkpoints/xyz", None, None, "not a checkpoint id"),
        ("GET", "checkpoints/xyz/content", None, None, "not a checkpoint id"),
        ("POST", f"checkpoints/{ZERO}/restore", None, "[1]", "must be a JSON object"),
        ("POST", f"checkpoints/{ZERO}/fork", None, '{"path": 3}', "path must be a string"),
        ("POST", "checkpoints", None, "{not json", "not valid JSON"),
        ("POST", "checkpoints", None, '{"path": "nb.ipynb", "message": 5}', "message must be"),
        ("POST", "checkpoints", None, '{"path": ""}', "path is required"),
        ("POST", "checkpoints", None, '{"path": "nb.ipynb\\u0000.txt"}', "NUL"),
        ("GET", "comments", {"target_kind": "run"}, None, "not a run id"),
        ("GET", "comments", {"target_id": ZERO}, None, "target_kind is required"),
        ("DELETE", "comments/zzz", None, None, "not a comment id"),
        ("POST", "comments", None, '"text"', "must be a JSON object"),
        ("GET", "datasets/a%0Ab", None, None, "control characters"),
    ],
)
async def test_malformed_input_is_a_400_naming_the_problem(
    raw, jp_auth_header, method, path, params, body, says
):
    reply = await raw(method, path, headers=jp_auth_header, params=params, body=body)
    answer = json.loads(reply.body)
    assert reply.code == 400, (reply.code, answer)
    assert says in answer["message"] and answer["reason"] is None


@pytest.mark.parametrize(
    ("method", "parts", "params", "body"),
    [
        ("GET", ("runs", ZERO), None, None),
        ("GET", ("runs", ZERO, "metrics", "loss"), None, None),
        ("GET", ("runs",), {"experiment": "nope"}, None),
        ("GET", ("leaderboard",), {"experiment": "nope", "metric": "loss"}, None),
        ("GET", ("checkpoints", ZERO), None, None),
        ("GET", ("checkpoints", ZERO, "content"), None, None),
        ("GET", ("checkpoints", ZERO, "diff"), {"against": "current"}, None),
        ("POST", ("checkpoints", ZERO, "restore"), None, {}),
        ("POST", ("checkpoints", ZERO, "fork"), None, {}),
        ("DELETE", ("checkpoints", ZERO), None, None),
        ("DELETE", ("comments", ZERO), None, None),
        ("GET", ("datasets", "nothing"), None, None),
    ],
)
async def test_unknown_ids_are_a_404(mlm_api, method, parts, params, body):
    code, answer = await mlm_api(method, *parts, params=params, body=body)
    assert code == 404 and answer["message"], answer


async def test_quoted_path_parts_are_decoded_once(mlm_api):
    code, answer = await mlm_api("GET", "datasets", "a b")
    assert code == 404 and "'a b'" in answer["message"]
