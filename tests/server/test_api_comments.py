"""/mlm/api/comments: comment on runs, checkpoints, models and experiments; list them; delete
one's own, never a teammate's (a second Jupyter server, user Bob, on the same store)."""

from __future__ import annotations

import json

import pytest

import jupyter_mlm as mlm

from .checkpoint_helpers import notebook, save_notebook


@pytest.fixture
def jupyter_user() -> str:
    return "grace"


def _run() -> str:
    with mlm.start_run("digits") as run:
        pass
    return run.run_id


async def test_comment_on_a_run_list_and_delete_it(mlm_api):
    run_id = _run()
    code, made = await mlm_api(
        "POST", "comments", body={"target_kind": "run", "target_id": run_id, "body": "lr too high?"}
    )
    assert code == 201
    assert {k: made[k] for k in ("target_kind", "target_id", "author", "author_name", "body")} == {
        "target_kind": "run",
        "target_id": run_id,
        "author": "grace",
        "author_name": "Grace",  # the display name from the identity provider
        "body": "lr too high?",
    }
    code, listed = await mlm_api(
        "GET", "comments", params={"target_kind": "run", "target_id": run_id}
    )
    assert code == 200 and listed["comments"] == [made]
    assert (await mlm_api("DELETE", "comments", made["comment_id"]))[0] == 204
    code, listed = await mlm_api(
        "GET", "comments", params={"target_kind": "run", "target_id": run_id}
    )
    assert listed["comments"] == []
    assert (await mlm_api("DELETE", "comments", made["comment_id"]))[0] == 404


async def test_comments_on_checkpoints_models_and_experiments(mlm_api, jp_fetch):
    ckpt = await save_notebook(jp_fetch, "nb.ipynb", notebook("x"))
    for text in ("nice", "but slow"):
        code, _ = await mlm_api("POST", "comments",
                                body={"target_kind": "checkpoint", "target_id": ckpt["id"], "body": text})  # fmt: skip
        assert code == 201
    code, got = await mlm_api("GET", "checkpoints", ckpt["id"])
    assert got["comment_count"] == 2
    code, listed = await mlm_api(
        "GET", "comments", params={"target_kind": "checkpoint", "target_id": ckpt["id"]}
    )
    assert [c["body"] for c in listed["comments"]] == ["nice", "but slow"]
    code, made = await mlm_api("POST", "comments",
                               body={"target_kind": "model", "target_id": "digits-cnn", "body": "v2?"})  # fmt: skip
    assert code == 201 and made["target_id"] == "digits-cnn"
    _run()
    exp_id = mlm.get_store().experiments.get("digits").experiment_id
    code, made = await mlm_api("POST", "comments",
                               body={"target_kind": "experiment", "target_id": exp_id, "body": "ok"})  # fmt: skip
    assert code == 201


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"target_kind": "run", "target_id": "0" * 32, "body": "?"}, 404, "no run"),
        ({"target_kind": "checkpoint", "target_id": "0" * 32, "body": "?"}, 404, "no checkpoint"),
        ({"target_kind": "notebook", "target_id": "0" * 32, "body": "?"}, 400, "target_kind"),
        ({"target_kind": "run", "target_id": "RUN", "body": "?"}, 400, "not a run id"),
        ({"target_kind": "run", "target_id": "0" * 32, "body": "  "}, 400, "non-empty"),
        ({"target_kind": "run", "target_id": "0" * 32, "body": 7}, 400, "body must be a string"),
        ({"target_kind": "run", "target_id": "0" * 32}, 400, "body is required"),
        ({"target_kind": "run", "target_id": "0" * 32, "body": "x", "by": "me"}, 400, "'by'"),
    ],
)
async def test_bad_comments_are_refused_with_the_reason(mlm_api, body, status, message):
    code, answer = await mlm_api("POST", "comments", body=body)
    assert code == status and message in answer["message"]


@pytest.mark.slow
async def test_a_teammate_on_another_server_sees_my_comment_and_cannot_delete_it(
    mlm_api, jp_root_dir, second_server
):
    run_id = _run()
    bob = second_server(jp_root_dir, user="bob", display="Bob")
    code, mine = await mlm_api(
        "POST", "comments", body={"target_kind": "run", "target_id": run_id, "body": "mine"}
    )
    reply = await bob.fetch("mlm", "api", "comments", method="POST", body=json.dumps(
        {"target_kind": "run", "target_id": run_id, "body": "bob's"}))  # fmt: skip
    theirs = json.loads(reply.body)
    assert reply.code == 201 and theirs["author"] == "bob"
    reply = await bob.fetch("mlm", "api", "comments",
                            params={"target_kind": "run", "target_id": run_id})  # fmt: skip
    assert [c["author"] for c in json.loads(reply.body)["comments"]] == ["grace", "bob"]

    reply = await bob.fetch("mlm", "api", "comments", mine["comment_id"], method="DELETE",
                            raise_error=False)  # fmt: skip
    assert reply.code == 403 and "grace" in json.loads(reply.body)["message"]
    code, body = await mlm_api("DELETE", "comments", theirs["comment_id"])
    assert code == 403 and "'bob'" in body["message"]
    assert (await mlm_api("DELETE", "comments", mine["comment_id"]))[0] == 204
    reply = await bob.fetch("mlm", "api", "comments", theirs["comment_id"], method="DELETE")
    assert reply.code == 204
