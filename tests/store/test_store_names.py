"""Code written against 0.1 calls the store's old method names (``mlm.get_store().history``
and friends); they give what the repositories give."""

from __future__ import annotations

from array import array

from jupyter_mlm.tracking.series import pack


def test_the_old_names_forward_to_the_repositories(store) -> None:
    exp = store.get_or_create_experiment("names")
    assert store.get_experiment("names") == exp == store.experiments.get(exp.experiment_id)
    assert store.list_experiments() == store.experiments.list()
    run = store.runs.create(
        exp.experiment_id, name="r", params={"lr": 0.1}, tags={}, parent_run_id=None
    )
    store.log_params(run.run_id, {"depth": 3})
    store.set_tags(run.run_id, {"team": "a"})
    assert store.write_metrics(
        [
            pack(
                run.run_id,
                "loss",
                array("q", [0, 1]),
                array("d", [2.0, 1.0]),
                array("d", [1.0, 2.0]),
            )
        ]
    )
    got = store.get_run(run.run_id)
    assert got.params == {"lr": 0.1, "depth": 3} and got.tags == {"team": "a"}
    assert store.get_runs([run.run_id]) == store.runs.get_many([run.run_id])
    assert store.history(run.run_id, "loss")[1].tolist() == [2.0, 1.0]
    assert store.history_overview(run.run_id, "loss", 10)[3] == 2
    assert [r.run_id for r in store.search_runs([exp.experiment_id], where="params.lr = 0.1")] == [
        run.run_id
    ]
    rows = store.leaderboard(exp.experiment_id, "loss", goal="min")
    assert [r.run_ids for r in rows] == [(run.run_id,)] and rows[0].value == 1.0
