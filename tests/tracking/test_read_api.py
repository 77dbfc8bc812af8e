"""Reading runs back: ``mlm.get_run`` and ``mlm.runs`` give ``RunView``s that answer with what
was logged — history, texts, images, artifacts, datasets, checkpoint, context, children."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jupyter_mlm as mlm
from jupyter_mlm.checkpoints import CheckpointService
from jupyter_mlm.core.entities import RunInfo
from jupyter_mlm.core.errors import NotFoundError
from jupyter_mlm.tracking.reading import RunView
from tests.checkpoints.helpers import ADA, notebook, saved

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def logged(tracking, tmp_path, monkeypatch):
    """A finished run with a metric, params, tags, texts, an image, an artifact, a dataset and
    a child run (its context captured from a folder outside git)."""
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "train.csv"
    data.write_text("x,y\n1,2\n")
    report = tmp_path / "report.txt"
    report.write_bytes(b"precision 0.9\n")
    with mlm.start_run(
        "read", name="parent", params={"lr": 0.1}, tags={"model": "mlp"}, datasets={"train": data}
    ) as run:
        for i in range(3):
            run.log(loss=1.0 / (i + 1))
        run.log_text("notes", "first", step=0)
        run.log_text("notes", "second", step=1)
        run.log_image("grid", np.zeros((4, 6), dtype=np.uint8))
        run.log_artifact(report, "reports/report.txt")
        with mlm.start_run("read", name="child", parent=run) as child:
            child.log(acc=0.5)
    for r in (run, child):
        assert r._context_recorded is not None and r._context_recorded.wait(30)
    return run, child


def test_a_finished_run_reads_back_everything_logged(logged, tmp_path):
    run, child = logged
    view = mlm.get_run(run.id)
    assert isinstance(view, RunView) and isinstance(view, RunInfo)
    assert (view.id, view.run_id, view.name, view.experiment) == (run.id, run.id, "parent", "read")
    assert view.status == "finished" and view.duration is not None and view.duration >= 0
    assert view.params == {"lr": 0.1} and view.tags["model"] == "mlp"
    assert view.metrics["loss"].count == 3 and view.metrics["loss"].last == pytest.approx(1 / 3)
    assert view.as_row()["params.lr"] == 0.1
    assert run.id in repr(view) and "finished" in repr(view)

    steps, values, times = view.history("loss")
    assert steps.tolist() == [0, 1, 2] and values.tolist() == [1.0, 0.5, pytest.approx(1 / 3)]
    for mine, lives in zip((steps, values, times), run.history("loss"), strict=True):
        np.testing.assert_array_equal(mine, lives)  # the same as the live Run's

    assert [(t.name, t.step) for t in view.texts() if not t.name.startswith("mlm/")] == [
        ("notes", 0),
        ("notes", 1),
    ]
    assert view.text("notes") == "second" and view.text("notes", step=0) == "first"
    (image,) = view.images()
    assert (image.name, image.width, image.height) == ("grid", 6, 4)
    assert view.image("grid").startswith(PNG)
    assert "reports/report.txt" in [a.name for a in view.artifacts()]
    assert view.artifact("reports/report.txt") == b"precision 0.9\n"
    into = tmp_path / "out"
    into.mkdir()
    written = view.download("reports/report.txt", into)
    assert written == into / "reports" / "report.txt"
    assert written.read_bytes() == b"precision 0.9\n"
    assert view.download("reports/report.txt", tmp_path / "copy.txt").read_bytes() == (
        b"precision 0.9\n"
    )

    assert [(v.name, context, d) for v, context, d in view.datasets()] == [
        ("train.csv", "train", "input")
    ]
    assert view.datasets() == run.datasets()  # the live Run's answer
    assert view.checkpoint() is None  # not started from a saved notebook

    ctx = view.context
    assert ctx["git"] is None and ctx["notebook"]["path"] is None  # a script outside git
    assert "python" in ctx["environment"] and isinstance(ctx["captured_at"], float)

    (kid,) = view.children()
    assert isinstance(kid, RunView) and kid.id == child.id and kid.parent_run_id == run.id
    assert kid.history("acc")[1].tolist() == [0.5] and kid.children() == []


def test_queried_runs_are_views_and_the_table_is_unchanged(logged, tracking):
    run, child = logged
    found = mlm.runs("read", order_by="name")
    assert [r.name for r in found] == ["child", "parent"]
    assert all(isinstance(r, RunView) for r in found)
    assert found[1] == mlm.get_run(run.id)
    assert found[1].history("loss")[0].tolist() == [0, 1, 2]
    assert [c.id for c in found[1].children()] == [child.id]
    plain = pd.DataFrame([r.as_row() for r in tracking.queries.search(order_by="name")])
    pd.testing.assert_frame_equal(found.to_pandas(), plain)
    with mlm.start_run("read", parent=found[1]) as again:  # a view is a parent like RunInfo
        pass
    assert mlm.get_run(again.id).parent_run_id == run.id


def test_a_running_run_is_read_with_its_buffered_points(tracking):
    run = mlm.start_run("live")
    run.log(loss=2.0)  # still in the buffer: the view's history flushes it, as run.history does
    assert mlm.get_run(run.id).history("loss")[1].tolist() == [2.0]
    assert mlm.get_run(run.id).status == "running"
    run.finish()


def test_bad_names_and_ids_are_named_in_the_error(logged):
    run, _ = logged
    view = mlm.get_run(run.id)
    with pytest.raises(NotFoundError, match=r"no artifact 'nope'; its artifacts: .*reports/report"):
        view.artifact("nope")
    with pytest.raises(NotFoundError, match="no artifact 'nope'"):
        view.download("nope")
    with pytest.raises(NotFoundError, match=r"no metric 'acc'; its metrics: 'loss'"):
        view.history("acc")
    with pytest.raises(NotFoundError, match="no text 'notes' at step 7"):
        view.text("notes", step=7)
    with pytest.raises(NotFoundError, match="no image 'nope'; its images: 'grid'"):
        view.image("nope")
    with pytest.raises(ValueError, match="metric key must not be empty"):
        view.history("")
    with pytest.raises(TypeError, match="artifact name must be a non-empty str"):
        view.artifact(None)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match="no run with id '0000"):
        mlm.get_run("0" * 32)
    with pytest.raises(TypeError, match="get_run takes a run id"):
        mlm.get_run(view)  # type: ignore[arg-type]


def test_a_run_knows_the_notebook_checkpoint_saved_after_it(tracking, tmp_path, monkeypatch):
    monkeypatch.setenv("MLM_CAPTURE", "0")  # the notebook tag below is the whole context
    with mlm.start_run("nb", tags={"mlm.notebook": "nb.ipynb"}) as run:
        pass
    path = tmp_path / "nb.ipynb"
    path.write_bytes(saved(notebook(2)))
    service = CheckpointService(store_for=lambda _path: tracking, server_root=str(tmp_path))
    try:
        made = service.create(str(path), ADA, data=path.read_bytes())
        assert service.wait(60)
    finally:
        service.close()
    found = mlm.get_run(run.id).checkpoint()
    assert found is not None and found.checkpoint_id == made.checkpoint_id
    assert [r["run_id"] for r in found.runs] == [run.id]
    assert mlm.get_run(run.id).context == {}  # nothing captured


def test_an_unknown_metric_is_named_alike_on_live_and_stored_runs(tracking) -> None:
    run = mlm.start_run("names")
    run.log(loss=1.0, acc=0.5)
    with pytest.raises(NotFoundError, match=r"no metric 'los'; its metrics: 'acc', 'loss'"):
        run.history("los")
    run.finish()
    with pytest.raises(NotFoundError, match=r"no metric 'los'; its metrics: 'acc', 'loss'"):
        mlm.get_run(run.id).history("los")
    assert run.history("loss")[1].tolist() == [1.0]
