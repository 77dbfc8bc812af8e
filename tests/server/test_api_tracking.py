"""/mlm/api/ tracking and datasets: experiments, runs (filter, order, pages, a notebook's), a run,
metric history (downsampled), leaderboards, datasets; runs logged with ``mlm.start_run``."""

from __future__ import annotations

from pathlib import Path

import pytest

import jupyter_mlm as mlm


@pytest.fixture(autouse=True)
def _tags_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """No context capture: it would tag the runs with the repository pytest runs in."""
    monkeypatch.setenv("MLM_CAPTURE", "0")


def _runs(experiment: str, losses: list[float], **options) -> list[str]:
    ids = []
    for i, loss in enumerate(losses):
        with mlm.start_run(experiment, params={"lr": 0.1 * (i + 1), "i": i}, **options) as run:
            run.log(loss=loss * 2, step=0)
            run.log(loss=loss, step=1)
        ids.append(run.run_id)
    mlm.flush()
    return ids


def _notebook_tags(jp_serverapp, root: Path, path: str) -> dict[str, str]:
    """The tags a run started from ``path`` carries (as context capture records them)."""
    ref = jp_serverapp.web_app.settings["mlm_service"].locate(str(root / path))
    return {"mlm.notebook": ref.path, "mlm.repo": ref.repo}


async def test_experiments_list_their_run_counts(mlm_api):
    _runs("digits", [0.5, 0.4])
    _runs("iris", [0.3])
    code, body = await mlm_api("GET", "experiments")
    assert code == 200
    assert {e["name"]: e["run_count"] for e in body["experiments"]} == {"digits": 2, "iris": 1}
    assert all(len(e["experiment_id"]) == 32 for e in body["experiments"])


async def test_run_pages_cover_every_run_once_newest_first(mlm_api):
    made = _runs("digits", [0.9, 0.8, 0.7, 0.6, 0.5])
    seen, offset = [], 0
    while offset is not None:
        code, body = await mlm_api(
            "GET", "runs", params={"experiment": "digits", "limit": 2, "offset": offset}
        )
        assert code == 200 and body["total"] == 5
        assert len(body["runs"]) <= 2
        seen += [r["run_id"] for r in body["runs"]]
        offset = body["next_offset"]
    assert seen == made[::-1]


async def test_runs_are_filtered_and_ordered_with_their_metric_summaries(mlm_api):
    ids = _runs("digits", [0.3, 0.1, 0.2])
    _runs("iris", [0.05])
    code, body = await mlm_api(
        "GET",
        "runs",
        params={
            "experiment": "digits",
            "filter": "params.lr > 0.15",
            "order_by": "metrics.loss ASC",
        },
    )
    assert code == 200
    assert [r["run_id"] for r in body["runs"]] == [ids[1], ids[2]]
    first = body["runs"][0]
    assert first["status"] == "finished" and first["experiment"] == "digits"
    assert first["params"] == {"lr": 0.2, "i": 1}
    assert first["metrics"]["loss"] == {
        **first["metrics"]["loss"],
        "last": 0.1,
        "min": 0.1,
        "max": 0.2,
        "count": 2,
        "last_step": 1,
    }
    code, body = await mlm_api("GET", "runs", params={"status": "running"})
    assert (code, body["runs"], body["total"], body["next_offset"]) == (200, [], 0, None)


async def test_runs_of_a_notebook_are_those_started_from_it(mlm_api, jp_serverapp, jp_root_dir):
    mine = _runs("digits", [0.3, 0.2], tags=_notebook_tags(jp_serverapp, jp_root_dir, "nb/a.ipynb"))
    _runs("digits", [0.1], tags=_notebook_tags(jp_serverapp, jp_root_dir, "nb/b.ipynb"))
    code, body = await mlm_api("GET", "runs", params={"notebook": "nb/a.ipynb"})
    assert code == 200
    assert sorted(r["run_id"] for r in body["runs"]) == sorted(mine)
    assert body["total"] == 2


async def test_a_run_shows_its_datasets_and_error(mlm_api, tmp_path):
    data = tmp_path / "train.csv"
    data.write_text("x,y\n1,2\n")
    with mlm.start_run("digits", datasets={"train": str(data)}) as run:
        run.log(acc=0.5)
    mlm.flush()
    code, body = await mlm_api("GET", "runs", run.run_id)
    assert code == 200
    assert body["run_id"] == run.run_id and body["error"] is None
    assert [(d["name"], d["context"], d["direction"]) for d in body["datasets"]] == [
        ("train.csv", "train", "input")
    ]


async def test_metric_history_in_full_and_downsampled_keeps_the_spike(mlm_api):
    with mlm.start_run("digits") as run:
        for step in range(1000):
            run.log(loss=100.0 if step == 637 else 1.0 / (step + 1), step=step)
    mlm.flush()
    code, full = await mlm_api("GET", "runs", run.run_id, "metrics", "loss")
    assert code == 200
    assert full["steps"] == list(range(1000)) and full["total_points"] == 1000
    assert full["values"][637] == 100.0 and full["downsampled"] is False
    assert len(full["times"]) == 1000
    code, small = await mlm_api("GET", "runs", run.run_id, "metrics", "loss", params={"points": 50})
    assert code == 200
    assert small["downsampled"] is True and small["total_points"] == 1000
    assert 2 <= len(small["steps"]) <= 50
    assert small["steps"] == sorted(small["steps"])
    assert 100.0 in small["values"] and small["steps"][small["values"].index(100.0)] == 637
    assert all(full["values"][s] == v for s, v in zip(small["steps"], small["values"], strict=True))


async def test_metric_names_with_slashes_and_unknown_metrics(mlm_api):
    with mlm.start_run("digits") as run:
        run.log({"train/loss": 0.5})
    mlm.flush()
    code, body = await mlm_api("GET", "runs", run.run_id, "metrics", "train/loss")
    assert code == 200 and body["key"] == "train/loss" and body["values"] == [0.5]
    code, body = await mlm_api("GET", "runs", run.run_id, "metrics", "nope")
    assert code == 404 and "no metric 'nope'" in body["message"]


async def test_leaderboard_orders_by_the_metric_both_ways(mlm_api):
    ids = _runs("digits", [0.3, 0.1, 0.2])
    code, body = await mlm_api(
        "GET", "leaderboard", params={"experiment": "digits", "metric": "loss", "mode": "min"}
    )
    assert code == 200 and (body["metric"], body["mode"]) == ("loss", "min")
    assert [r["run_id"] for r in body["rows"]] == [ids[1], ids[2], ids[0]]
    assert [r["value"] for r in body["rows"]] == [0.1, 0.2, 0.3]
    assert body["rows"][0]["params"] == {"lr": 0.2, "i": 1}
    assert body["rows"][0]["metrics"] == {"loss": 0.1}
    assert body["rows"][0]["status"] == "finished"
    code, body = await mlm_api(
        "GET",
        "leaderboard",
        params={"experiment": "digits", "metric": "loss", "mode": "max", "agg": "max", "limit": 2},
    )
    assert [r["value"] for r in body["rows"]] == [0.6, 0.4]


async def test_leaderboard_of_a_notebook_and_by_groups(mlm_api, jp_serverapp, jp_root_dir):
    tags = _notebook_tags(jp_serverapp, jp_root_dir, "a.ipynb")
    mine = _runs("digits", [0.3, 0.2], tags=tags)
    _runs("digits", [0.01])
    code, body = await mlm_api(
        "GET",
        "leaderboard",
        params={"experiment": "digits", "metric": "loss", "mode": "min", "notebook": "a.ipynb"},
    )
    assert code == 200 and [r["run_id"] for r in body["rows"]] == [mine[1], mine[0]]
    code, body = await mlm_api(
        "GET",
        "leaderboard",
        params={"experiment": "digits", "metric": "loss", "mode": "min", "group_by": "i"},
    )
    assert code == 200
    assert [(r["params"], r["count"]) for r in body["rows"]] == [({"i": 0}, 2), ({"i": 1}, 1)]
    assert body["rows"][0]["value"] == pytest.approx((0.01 + 0.3) / 2)


async def test_datasets_with_the_runs_that_used_them(mlm_api, jp_serverapp, jp_root_dir, tmp_path):
    train, extra = tmp_path / "train.csv", tmp_path / "extra.csv"
    train.write_text("a\n1\n")
    extra.write_text("b\n2\n")
    tags = _notebook_tags(jp_serverapp, jp_root_dir, "a.ipynb")
    with mlm.start_run("digits", datasets=[str(train)], tags=tags) as first:
        pass
    train.write_text("a\n1\n2\n")  # a new version
    with mlm.start_run("digits", datasets=[str(train), str(extra)]) as second:
        pass
    mlm.flush()
    code, body = await mlm_api("GET", "datasets")
    assert code == 200
    runs = {(d["name"], d["content_id"]): d["runs"] for d in body["datasets"]}
    assert sorted(runs.values()) == sorted([[first.run_id], [second.run_id], [second.run_id]])
    code, body = await mlm_api("GET", "datasets", params={"notebook": "a.ipynb"})
    assert [(d["name"], d["runs"]) for d in body["datasets"]] == [("train.csv", [first.run_id])]
    code, body = await mlm_api("GET", "datasets", "train.csv")
    assert code == 200 and body["name"] == "train.csv"
    assert [v["runs"] for v in body["versions"]] == [[second.run_id], [first.run_id]]
    assert body["versions"][0]["bytes"] == len("a\n1\n2\n")
    assert (await mlm_api("GET", "datasets", "nothing.csv"))[0] == 404


async def test_me_is_the_git_user_for_jupyters_anonymous_token_user(mlm_api):
    code, body = await mlm_api("GET", "me")
    assert code == 200
    assert body == {
        "username": "ada@example.com",
        "display_name": "Ada Lovelace <ada@example.com>",
        "source": "git",
    }
