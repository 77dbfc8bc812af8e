"""The store contract, run on every backend (SQLite and a real PostgreSQL)."""

from __future__ import annotations

import math
from array import array

import numpy as np
import pytest

from jupyter_mlm.core.errors import ConflictError, NotFoundError
from jupyter_mlm.store.metric_blocks import BLOCK_POINTS
from jupyter_mlm.tracking.series import pack


def _run(store, exp="exp", params=None, tags=None, parent=None, name=None):
    e = store.experiments.get_or_create(exp)
    return store.runs.create(
        e.experiment_id, name=name, params=params or {}, tags=tags or {}, parent_run_id=parent
    )


def _chunk(run_id, key, steps, values, t0=1000.0):
    return pack(
        run_id,
        key,
        array("q", steps),
        array("d", values),
        array("d", [t0 + i for i in range(len(steps))]),
    )


def test_experiment_is_created_once_and_found_by_name_or_id(store):
    a = store.experiments.get_or_create("digits")
    b = store.experiments.get_or_create("digits")
    assert a == b
    assert store.experiments.get(a.experiment_id) == a
    assert [e.name for e in store.experiments.list()] == ["digits"]
    with pytest.raises(NotFoundError, match="no experiment named 'nope'"):
        store.experiments.get("nope")


def test_run_records_owner_params_tags_and_parent(store):
    parent = _run(
        store, params={"lr": 0.01, "layers": [64, 32], "opt": "adam"}, tags={"team": "vision"}
    )
    child = _run(store, parent=parent.run_id, name="fold-1")
    got = store.runs.get(parent.run_id)
    assert got.status == "running"
    assert got.params == {"lr": 0.01, "layers": [64, 32], "opt": "adam"}
    assert got.tags == {"team": "vision"}
    assert got.experiment == "exp"
    assert store.runs.get(child.run_id).parent_run_id == parent.run_id
    assert store.runs.get(child.run_id).name == "fold-1"
    with pytest.raises(NotFoundError):
        _run(store, parent="0" * 32)


def test_params_cannot_change_once_logged_and_nothing_is_lost(store):
    run = _run(store, params={"lr": 0.1})
    store.runs.log_params(run.run_id, {"lr": 0.1, "batch": 32})  # same value again is fine
    with pytest.raises(ConflictError, match=r"param 'lr' .* already 0\.1"):
        store.runs.log_params(run.run_id, {"epochs": 3, "lr": 0.2})
    assert store.runs.get(run.run_id).params == {
        "lr": 0.1,
        "batch": 32,
    }  # 'epochs' not half-written


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"x": object()}, TypeError, "param 'x' must be JSON-serialisable"),
        ({"x": "a" * 70_000}, ValueError, "param 'x' is .* bytes"),
        ({"": 1}, ValueError, "param key must not be empty"),
        ({"a\nb": 1}, ValueError, "control characters"),
        ({"k" * 251: 1}, ValueError, "limit is 250"),
    ],
)
def test_bad_params_are_refused_with_the_key_named(store, params, error, match):
    run = _run(store)
    with pytest.raises(error, match=match):
        store.runs.log_params(run.run_id, params)


def test_unknown_run_ids_are_clear_errors(store):
    for call in (
        lambda: store.runs.get("f" * 32),
        lambda: store.runs.log_params("f" * 32, {"a": 1}),
        lambda: store.runs.end("f" * 32, "finished"),
        lambda: store.metrics.history("f" * 32, "loss"),
    ):
        with pytest.raises(NotFoundError, match="no run with id"):
            call()


def test_metrics_round_trip_with_nan_and_infinities(store):
    run = _run(store)
    values = [0.5, math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324]
    store.metrics.write([_chunk(run.run_id, "loss", list(range(7)), values)])
    steps, got, times = store.metrics.history(run.run_id, "loss")
    assert steps.tolist() == list(range(7))
    assert got.tobytes() == np.array(values, dtype="<f8").tobytes()  # bit-exact, NaN included
    assert times.tolist() == [1000.0 + i for i in range(7)]
    summary = store.runs.get(run.run_id).metrics["loss"]
    assert (summary.min, summary.max, summary.count) == (-math.inf, math.inf, 7)
    assert summary.last == 5e-324


def test_series_written_in_many_flushes_reads_back_in_order_in_full_blocks(store):
    run = _run(store)
    total = 0
    sizes = [1, 7, BLOCK_POINTS - 3, 5, 2 * BLOCK_POINTS + 11, 1]
    for size in sizes:
        store.metrics.write(
            [
                _chunk(
                    run.run_id,
                    "acc",
                    list(range(total, total + size)),
                    [float(i) for i in range(total, total + size)],
                )
            ]
        )
        total += size
    steps, values, _ = store.metrics.history(run.run_id, "acc")
    assert steps.tolist() == list(range(total))
    assert values.tolist() == [float(i) for i in range(total)]
    s = store.runs.get(run.run_id).metrics["acc"]
    assert (s.count, s.min, s.max, s.last, s.last_step) == (
        total,
        0.0,
        total - 1.0,
        total - 1.0,
        total - 1,
    )
    assert s.sum == sum(range(total))
    assert store.stats()["metric_blocks"] == math.ceil(total / BLOCK_POINTS)
    assert store.metrics.last_steps(run.run_id) == {"acc": total - 1}


def test_history_of_a_key_never_logged_is_empty(store):
    run = _run(store)
    steps, values, times = store.metrics.history(run.run_id, "nothing")
    assert len(steps) == len(values) == len(times) == 0


def test_search_filters_orders_and_limits(store):
    runs = [
        _run(store, params={"lr": lr, "opt": opt}, tags={"gpu": str(g)})
        for lr, opt, g in [(0.1, "adam", 1), (0.01, "sgd", 0), (0.001, "adam", 1)]
    ]
    for i, r in enumerate(runs):
        store.metrics.write([_chunk(r.run_id, "acc", [0], [0.5 + i / 10])])
    store.runs.end(runs[0].run_id, "finished")
    ids = [r.run_id for r in runs]

    def names(**kw):
        return [ids.index(r.run_id) for r in store.queries.search(**kw)]

    assert names(where="params.lr < 0.05", order_by="params.lr") == [2, 1]
    assert names(where="params.opt = 'adam' and tags.gpu = '1'", order_by="-metrics.acc") == [2, 0]
    assert names(where={"params.opt": "sgd"}) == [1]
    assert names(where="status = 'finished'") == [0]
    assert names(where="metrics.acc >= 0.6", order_by="metrics.acc desc", limit=1) == [2]
    assert names(where="params.opt != adam") == [1]
    other = store.experiments.get_or_create("other")
    assert store.queries.search([other.experiment_id]) == []
    with pytest.raises(ValueError, match="unknown field 'lr'"):
        store.queries.search(where="lr > 1")
    with pytest.raises(ValueError, match="joined with 'and'"):
        store.queries.search(where="params.lr > 1 or params.lr < 0")
    with pytest.raises(ValueError, match="needs a number"):
        store.queries.search(where="metrics.acc > high")


def test_leaderboard_ranks_by_goal_and_agg_and_skips_nan(store):
    exp = store.experiments.get_or_create("lb")
    series = {"a": [0.1, 0.9, 0.5], "b": [0.2, 0.3, 0.8], "c": [0.6, 0.6, math.nan]}
    ids = {}
    for name, vals in series.items():
        r = store.runs.create(
            exp.experiment_id, name=name, params={"lr": len(ids)}, tags={}, parent_run_id=None
        )
        ids[name] = r.run_id
        store.metrics.write([_chunk(r.run_id, "acc", [0, 1, 2], vals)])

    def ranking(**kw):
        return [
            (row.names[0], row.value)
            for row in store.queries.leaderboard(exp.experiment_id, "acc", **kw)
        ]

    assert ranking(goal="max") == [("b", 0.8), ("a", 0.5)]  # c's last value is NaN: not ranked
    assert ranking(goal="max", agg="max") == [("a", 0.9), ("b", 0.8), ("c", 0.6)]
    assert ranking(goal="min", agg="min") == [("a", 0.1), ("b", 0.2), ("c", 0.6)]
    assert ranking(goal="max", agg="mean", limit=1) == [("a", pytest.approx(0.5))]
    assert ranking(goal="max", agg="max", where="params.lr >= 1") == [("b", 0.8), ("c", 0.6)]
    top = store.queries.leaderboard(exp.experiment_id, "acc", agg="max")[0]
    assert top.params == {"lr": 0} and top.rank == 1 and top.status == "running"
    with pytest.raises(ValueError, match="goal must be"):
        store.queries.leaderboard(exp.experiment_id, "acc", goal="up")


def test_leaderboard_group_by_averages_runs_sharing_params(store):
    exp = store.experiments.get_or_create("grid")
    for opt, seed, acc in [("adam", 0, 0.8), ("adam", 1, 0.9), ("sgd", 0, 0.7), ("sgd", 1, 0.5)]:
        r = store.runs.create(
            exp.experiment_id,
            name=f"{opt}{seed}",
            params={"opt": opt, "seed": seed},
            tags={},
            parent_run_id=None,
        )
        store.metrics.write([_chunk(r.run_id, "acc", [0], [acc])])
    rows = store.queries.leaderboard(exp.experiment_id, "acc", group_by=["opt"])
    assert [(r.params, r.count) for r in rows] == [({"opt": "adam"}, 2), ({"opt": "sgd"}, 2)]
    assert rows[0].value == pytest.approx(0.85) and rows[0].std == pytest.approx(
        np.std([0.8, 0.9], ddof=1)
    )
    assert sorted(rows[1].names) == ["sgd0", "sgd1"]


def test_texts_images_artifacts_are_content_addressed_and_listed(store, tmp_path):
    run = _run(store)
    t = store.files.add_text(run.run_id, "report", "précision 0.9", step=3)
    assert store.blobs.get_bytes(t.blob_id) == "précision 0.9".encode()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 30
    img = store.files.add_image(run.run_id, "cm", png, (2, 3), step=None)
    f = tmp_path / "model.bin"
    f.write_bytes(b"weights" * 1000)
    art = store.files.add_artifact(run.run_id, str(f), "models/model.bin")
    assert art.size == 7000 and store.blobs.get_bytes(art.blob_id) == f.read_bytes()
    again = store.files.add_artifact(run.run_id, str(f), "copy.bin")
    assert again.blob_id == art.blob_id  # deduplicated
    assert [a.name for a in store.files.artifacts(run.run_id)] == ["copy.bin", "models/model.bin"]
    assert [(i.name, i.width, i.height) for i in store.files.images(run.run_id)] == [("cm", 2, 3)]
    assert [x.step for x in store.files.texts(run.run_id)] == [3]
    assert store.referenced_blobs() == {t.blob_id, img.blob_id, art.blob_id}
    for bad in ("../escape", "/abs", "a//b", "a/./b", "c\\d"):
        with pytest.raises(ValueError, match="artifact name"):
            store.files.add_artifact(run.run_id, str(f), bad)
    with pytest.raises(FileNotFoundError, match="is not a file"):
        store.files.add_artifact(run.run_id, str(tmp_path / "missing"), "x")


def test_comments_on_runs(store):
    run = _run(store)
    store.comments.add("run", run.run_id, "lr too high?")
    store.comments.add("run", run.run_id, "agreed")
    assert [c.body for c in store.comments.of("run", run.run_id)] == ["lr too high?", "agreed"]
    with pytest.raises(ValueError, match="non-empty"):
        store.comments.add("run", run.run_id, "  ")
    with pytest.raises(NotFoundError):
        store.comments.add("run", "0" * 32, "hello")


def test_archive_hides_and_delete_purges_everything(store):
    keep, gone = _run(store, "a"), _run(store, "b")
    child = _run(store, "a", parent=keep.run_id)
    store.metrics.write([_chunk(gone.run_id, "loss", [0, 1], [1.0, 0.5])])
    store.runs.set_tags(gone.run_id, {"x": "y"})
    store.comments.add("run", gone.run_id, "bye")
    store.set_lifecycle("run", keep.run_id, "archived")
    visible = {r.run_id for r in store.queries.search()}
    assert keep.run_id not in visible and gone.run_id in visible
    assert keep.run_id in {r.run_id for r in store.queries.search(include_archived=True)}
    b = store.experiments.get("b")
    assert store.purge("experiment", b.experiment_id) == 1
    with pytest.raises(NotFoundError):
        store.runs.get(gone.run_id)
    assert store.stats()["metric_points"] == 0
    assert store.comments.of("run", gone.run_id) == []
    assert store.purge("run", keep.run_id) == 1
    assert store.runs.get(child.run_id).parent_run_id is None  # child kept, link cleared
    with pytest.raises(ValueError, match="lifecycle"):
        store.set_lifecycle("run", child.run_id, "hidden")


def test_journal_ids_make_replay_idempotent(store):
    run = _run(store)
    chunk = _chunk(run.run_id, "loss", [0, 1], [1.0, 2.0])
    assert store.metrics.write([chunk], journal_id="host--1--2--000000000001") is True
    assert store.metrics.write([chunk], journal_id="host--1--2--000000000001") is False
    assert store.metrics.history(run.run_id, "loss")[0].tolist() == [0, 1]


def test_metrics_of_a_deleted_run_are_dropped_with_a_warning(store):
    run, other = _run(store), _run(store)
    store.purge("run", run.run_id)
    with pytest.warns(RuntimeWarning, match="dropped metrics of deleted run"):
        store.metrics.write(
            [_chunk(run.run_id, "x", [0], [1.0]), _chunk(other.run_id, "x", [0], [2.0])]
        )
    assert store.metrics.history(other.run_id, "x")[1].tolist() == [2.0]


def test_history_from_an_offset_reads_only_what_is_new(store):
    run = _run(store)
    total = 2 * BLOCK_POINTS + 100
    store.metrics.write(
        [_chunk(run.run_id, "m", list(range(total)), [float(i) for i in range(total)])]
    )
    for start in (
        0,
        1,
        BLOCK_POINTS - 1,
        BLOCK_POINTS,
        BLOCK_POINTS + 5,
        total - 1,
        total,
        total + 10,
    ):
        steps, values, times = store.metrics.history(run.run_id, "m", start)
        assert steps.tolist() == list(range(start, total))
        assert values.tolist() == [float(i) for i in range(start, total)]
        assert len(times) == len(steps)
    with pytest.raises(ValueError, match="start must be a non-negative int"):
        store.metrics.history(run.run_id, "m", -1)


def test_an_overview_of_a_long_series_keeps_its_extremes_and_reads_sketches(store):
    run = _run(store)
    total = 5 * BLOCK_POINTS + 1234
    rng = np.random.default_rng(5)
    values = rng.normal(size=total)
    values[3 * BLOCK_POINTS + 17] = 50.0  # spikes a plain stride would miss
    values[777] = -50.0
    values[BLOCK_POINTS + 3 : BLOCK_POINTS + 900] = np.nan
    steps = list(range(0, 2 * total, 2))
    # written in pieces, as a writer does: tails topped up, blocks filled on the way
    for lo in range(0, total, 3000):
        hi = min(total, lo + 3000)
        store.metrics.write([_chunk(run.run_id, "m", steps[lo:hi], values[lo:hi].tolist())])
    o_steps, o_values, o_times, count = store.metrics.overview(run.run_id, "m", 60)
    assert count == total
    assert 10 < len(o_steps) <= 60
    assert list(o_steps) == sorted(o_steps) and set(o_steps) <= set(steps)
    assert 50.0 in o_values and -50.0 in o_values and not np.isnan(o_values).any()
    all_steps, all_values, all_times = store.metrics.history(run.run_id, "m")
    where = np.searchsorted(all_steps, o_steps)
    assert np.array_equal(all_values[where], o_values)  # real points, not averages
    assert np.array_equal(all_times[where], o_times)
    # a series shorter than asked comes back whole
    assert len(store.metrics.overview(run.run_id, "m", 4 * total)[0]) == total


def test_an_overview_of_blocks_without_sketches_reads_them_whole(store):
    from sqlalchemy import delete

    from jupyter_mlm.store.schema import metric_sketches

    run = _run(store)
    total = 3 * BLOCK_POINTS
    values = [float(i % 97) for i in range(total)]
    store.metrics.write([_chunk(run.run_id, "m", list(range(total)), values)])
    with_sketches = store.metrics.overview(run.run_id, "m", 40)
    with store.engine.begin() as conn:  # a store written before sketches existed
        assert conn.execute(delete(metric_sketches)).rowcount == 3
    without = store.metrics.overview(run.run_id, "m", 40)
    assert with_sketches[3] == without[3] == total
    assert max(without[1]) == max(with_sketches[1]) == 96.0
    assert min(without[1]) == min(with_sketches[1]) == 0.0
    with pytest.raises(NotFoundError):
        store.metrics.overview("f" * 32, "m", 200)
    with pytest.raises(ValueError, match="points"):
        store.metrics.overview(run.run_id, "m", 1)
