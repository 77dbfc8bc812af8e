"""Pages of runs, runs of one notebook, run counts and dataset lineage (the REST API's
queries), on every backend."""

from __future__ import annotations

from array import array

from jupyter_mlm.core.entities import DatasetVersionInfo
from jupyter_mlm.tracking.series import pack


def _run(store, exp="exp", tags=None, params=None):
    e = store.experiments.get_or_create(exp)
    return store.runs.create(
        e.experiment_id, name=None, params=params or {}, tags=tags or {}, parent_run_id=None
    )


def _loss(store, run_id, value):
    store.metrics.write(
        [pack(run_id, "loss", array("q", [0]), array("d", [value]), array("d", [1000.0]))]
    )


def test_pages_cover_every_run_once_with_the_total(store):
    made = [_run(store, params={"i": i}).run_id for i in range(7)]
    seen, offset = [], 0
    while True:
        page, total = store.queries.page(limit=3, offset=offset, order_by="params.i ASC")
        assert total == 7
        seen += [r.run_id for r in page]
        offset += len(page)
        if not page or offset >= total:
            break
    assert seen == made


def test_status_filter_and_where_combine(store):
    a = _run(store, params={"lr": 0.1})
    b = _run(store, params={"lr": 0.2})
    store.runs.end(a.run_id, "finished")
    store.runs.end(b.run_id, "finished")
    _run(store, params={"lr": 0.3})
    page, total = store.queries.page(status="finished", where="params.lr > 0.15")
    assert [r.run_id for r in page] == [b.run_id]
    assert total == 1


def test_runs_of_a_notebook_are_told_apart_by_repository_and_path(store):
    here = _run(store, tags={"mlm.notebook": "nb/a.ipynb", "mlm.repo": "github.com/x/y"})
    _run(store, tags={"mlm.notebook": "nb/a.ipynb", "mlm.repo": "github.com/other/y"})
    _run(store, tags={"mlm.notebook": "nb/b.ipynb", "mlm.repo": "github.com/x/y"})
    loose = _run(store, tags={"mlm.notebook": "nb/a.ipynb"})
    page, total = store.queries.page(notebook=("github.com/x/y", "nb/a.ipynb"))
    assert ([r.run_id for r in page], total) == ([here.run_id], 1)
    page, total = store.queries.page(notebook=("", "nb/a.ipynb"))
    assert ([r.run_id for r in page], total) == ([loose.run_id], 1)


def test_notebook_leaderboard_ranks_only_that_notebooks_runs(store):
    tags = {"mlm.notebook": "a.ipynb", "mlm.repo": "r"}
    good, bad = _run(store, tags=tags), _run(store, tags=tags)
    other = _run(store, tags={"mlm.notebook": "b.ipynb", "mlm.repo": "r"})
    for run, value in ((good, 0.1), (bad, 0.5), (other, 0.01)):
        _loss(store, run.run_id, value)
    rows = store.queries.leaderboard(
        good.experiment_id, "loss", notebook=("r", "a.ipynb"), goal="min"
    )
    assert [r.run_ids[0] for r in rows] == [good.run_id, bad.run_id]


def test_run_counts_and_runs_in_the_order_asked(store):
    a, b = _run(store, exp="one"), _run(store, exp="one")
    c = _run(store, exp="two")
    assert store.queries.run_counts() == {a.experiment_id: 2, c.experiment_id: 1}
    assert [r.run_id for r in store.runs.get_many([c.run_id, "0" * 32, a.run_id, b.run_id])] == [
        c.run_id,
        a.run_id,
        b.run_id,
    ]


def test_dataset_runs_lists_each_versions_runs(store):
    info = DatasetVersionInfo(
        content_id="ab" * 32, name="train", kind="file", source="/data/train.csv",
        file_count=1, bytes=10, created_at=1.0, created_by="ada",
    )  # fmt: skip
    a, b = _run(store), _run(store)
    store.datasets.record(info)
    store.datasets.link(a.run_id, info, "fit")
    store.datasets.link(b.run_id, info, "fit")
    store.datasets.link(b.run_id, info, "eval")
    assert store.queries.dataset_runs() == {("ab" * 32, "train"): [a.run_id, b.run_id]}
    assert store.queries.dataset_runs([b.run_id]) == {("ab" * 32, "train"): [b.run_id]}
    assert store.queries.dataset_runs([]) == {}
