"""Schemathesis over every operation of ``openapi.yaml`` against the live server: generated valid
and invalid requests (and requests on real runs, checkpoints and comments) never get a 5xx, and
every answer matches the documented status codes, content types and schemas; then stateful
sequences that follow the document's links (create a checkpoint → read, diff, delete it)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import jupyter_mlm as mlm

from .checkpoint_helpers import notebook, save_notebook, stream

SPEC = Path(__file__).resolve().parents[2] / "jupyter_mlm" / "server" / "openapi.yaml"
EXAMPLES = 50
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


async def _seed(mlm_api, jp_fetch) -> dict[str, str]:
    """A run with a metric, a notebook with two checkpoints, a comment; the names and ids
    requests "on real data" use."""
    with mlm.start_run("digits", params={"lr": 0.1}) as run:
        for step in range(300):
            run.log(loss=1 / (step + 1), step=step)
    mlm.flush()
    first = await save_notebook(jp_fetch, "nb.ipynb", notebook("x = 1", outputs=[stream("1\n")]))
    await save_notebook(jp_fetch, "nb.ipynb", notebook("x = 2", "y = 3"))
    _, comment = await mlm_api(
        "POST", "comments", body={"target_kind": "run", "target_id": run.run_id, "body": "hi"}
    )
    return {
        "run_id": run.run_id,
        "checkpoint_id": first["id"],
        "comment_id": comment["comment_id"],
        "key": "loss",
        "experiment": "digits",
        "metric": "loss",
        "notebook": "nb.ipynb",
        "path": "nb.ipynb",
    }


def _fuzz(schema: Any, base_url: str, headers: dict[str, str], real: dict[str, str]) -> list[str]:
    """Every operation: generated valid requests, invalid ones, and valid ones on real data
    (ids, experiment, notebook); returns what failed (operation, variant, the checks' titles)."""
    problems: list[str] = []
    counts: dict[str, int] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: op.method == "delete")  # deletions last: others need the data
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        in_path = {
            k: v for k, v in real.items() if k in {p.name for p in operation.path_parameters}
        }
        in_query = {k: v for k, v in real.items() if k in {p.name for p in operation.query}}
        has_inputs = any(
            list(p) for p in (operation.path_parameters, operation.query, operation.body)
        )
        positive, negative = (
            schemathesis.GenerationMode.POSITIVE,
            schemathesis.GenerationMode.NEGATIVE,
        )
        variants = [("valid", positive, {}, {}, headers)]
        if has_inputs:
            variants.append(("invalid", negative, {}, {}, headers))
        else:  # one request is all there is: vary the credentials instead (never accepted)
            variants.append(("made-up tokens", positive, {}, {}, None))
        if in_path or in_query:
            variants.append(("on real data", positive, in_path, in_query, headers))
        for mode_name, mode, path, query, sent in variants:
            strategy = operation.as_strategy(
                generation_mode=mode,
                path_parameters=path or None,
                query=query or None,
                headers=sent,
            )
            try:
                counts[label] = counts.get(label, 0) + _examples(strategy, base_url)
            except Exception as err:
                problems.append(f"{label} ({mode_name}): {_summary(err)}")
    too_few = {k: n for k, n in counts.items() if n < EXAMPLES}
    if too_few:
        problems.append(f"fewer than {EXAMPLES} requests: {too_few}")
    return problems


def _examples(strategy: Any, base_url: str) -> int:
    """Send the strategy's requests and check the answers; returns how many were sent."""
    sent = 0

    @FUZZ
    @given(case=strategy)
    def check(case: Any) -> None:
        nonlocal sent
        response = case.call(base_url=base_url, timeout=30)
        sent += 1
        case.validate_response(response, checks=CHECKS)

    check()
    return sent


def _summary(err: BaseException) -> str:
    """The failed checks' titles and the request that failed, without the schema dumps."""
    found = [err, *getattr(err, "exceptions", ())]
    lines = []
    for one in found:
        text = str(one).strip().splitlines()
        lines += [line for line in text[:3] if line.strip()]
        lines += [n.strip() for n in getattr(one, "__notes__", []) if "curl" in n][:1]
    return "\n    ".join(dict.fromkeys(lines))[:2000]


class _Links:
    """Stateful runs along the document's links, with the server's token; a checkpoint is
    created of the seeded notebook (a generated path would name no file)."""

    @staticmethod
    def machine(schema: Any, base_url: str, headers: dict[str, str]) -> Any:
        base = schema.as_state_machine()

        class Machine(base):  # type: ignore[misc, valid-type]
            def before_call(self, case: Any) -> None:
                case.headers = {**(case.headers or {}), **headers}
                if case.operation.path == "/checkpoints" and isinstance(case.body, dict):
                    # checkpoint the seeded notebook, so the links lead to a real checkpoint
                    case.body = {**case.body, "path": "nb.ipynb"}

            def get_call_kwargs(self, case: Any) -> dict[str, Any]:
                return {"base_url": base_url, "timeout": 30}

            def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
                case.validate_response(response, checks=CHECKS)

        return Machine


@pytest.mark.slow
async def test_no_documented_operation_fails_or_strays_from_the_document(
    mlm_api, jp_fetch, jp_http_port, jp_base_url, jp_auth_header
):
    real = await _seed(mlm_api, jp_fetch)
    schema = schemathesis.openapi.from_path(SPEC)
    base_url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}mlm/api"
    # schemathesis' requests are synchronous: send them from a worker thread while the server
    # keeps serving on this test's event loop
    problems = await asyncio.to_thread(_fuzz, schema, base_url, jp_auth_header, real)
    assert problems == [], "\n\n".join(problems)


@pytest.mark.slow
async def test_stateful_sequences_along_the_documents_links(
    mlm_api, jp_fetch, jp_http_port, jp_base_url, jp_auth_header
):
    await _seed(mlm_api, jp_fetch)
    schema = schemathesis.openapi.from_path(SPEC)
    base_url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}mlm/api"
    machine = _Links.machine(schema, base_url, jp_auth_header)
    run = settings(max_examples=30, stateful_step_count=6, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))  # fmt: skip
    await asyncio.to_thread(machine.run, settings=run)
    code, body = await mlm_api("GET", "checkpoints", params={"author": "me"})
    assert code == 200 and json.dumps(body)
