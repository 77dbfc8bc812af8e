"""The run API a training loop uses: mlm.start_run, run.log, context manager, queries."""

from __future__ import annotations

import math

import numpy as np
import pytest

import jupyter_mlm as mlm
from jupyter_mlm.core.errors import ConflictError, MlmError, NotFoundError


def test_logged_points_are_read_back_with_auto_steps(tracking):
    with mlm.start_run("train", params={"lr": 0.1}, tags={"model": "mlp"}) as run:
        for i in range(5):
            run.log(loss=1.0 / (i + 1), acc=i / 10)
        run.log({"acc": 0.9}, step=10)
        run.log(acc=0.95)  # continues after the explicit step
        mlm.log(lr=np.float32(0.5))  # the active run
        steps, values, times = run.history("acc")
    assert steps.tolist() == [0, 1, 2, 3, 4, 10, 11]
    assert values.tolist() == [0.0, 0.1, 0.2, 0.3, 0.4, 0.9, 0.95]
    assert np.all(np.diff(times) >= 0)
    info = mlm.get_run(run.run_id)
    assert info.status == "finished" and info.end_time is not None
    assert info.params == {"lr": 0.1} and _user_tags(info) == {"model": "mlp"}
    assert info.metrics["loss"].count == 5 and info.metrics["lr"].last == 0.5
    assert mlm.active_run() is None


def test_all_real_number_types_are_accepted(tracking):
    run = mlm.start_run("types")
    run.log(
        a=1,
        b=2.5,
        c=np.int64(3),
        d=np.float16(0.5),
        e=np.array(4.0),
        f=np.array([5.0]),
        g=math.nan,
        h=-math.inf,
    )
    run.finish()
    info = mlm.get_run(run.run_id)
    assert {k: m.last for k, m in info.metrics.items() if k != "g"} == {
        "a": 1.0,
        "b": 2.5,
        "c": 3.0,
        "d": 0.5,
        "e": 4.0,
        "f": 5.0,
        "h": -math.inf,
    }
    assert math.isnan(tracking.metrics.history(run.run_id, "g")[1][0])


def test_torch_style_tensors_convert_with_float(tracking):
    class Tensor:  # what float() sees from a 0-d torch tensor
        shape = ()

        def __float__(self):
            return 0.25

    with mlm.start_run("tensors") as run:
        run.log(loss=Tensor())
    assert mlm.get_run(run.run_id).metrics["loss"].last == 0.25


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("0.1", "metric 'bad' must be a real number, got str"),
        (True, "got bool"),
        (None, "got NoneType"),
        ([1.0], "got list"),
        (np.array([1.0, 2.0]), r"must be a scalar, got ndarray of shape \(2,\)"),
        (1j, "got complex"),
    ],
)
def test_non_numbers_raise_at_the_call_site_and_nothing_half_logged(tracking, value, match):
    with mlm.start_run("bad") as run:
        run.log(ok=1.0)
        with pytest.raises(TypeError, match=match):
            run.log(first=2.0, bad=value)
        run.log(first=3.0)
    assert run.history("first")[0].tolist() == [0]  # the failed call left nothing behind
    assert run.history("first")[1].tolist() == [3.0]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"step": -1}, ValueError, "step must be between"),
        ({"step": 1.5}, TypeError, "step must be an int"),
        ({"step": 2**63}, ValueError, "step must be between"),
    ],
)
def test_bad_steps(tracking, kwargs, error, match):
    with mlm.start_run("steps") as run, pytest.raises(error, match=match):
        run.log(x=1.0, **kwargs)


def test_bad_keys(tracking):
    with mlm.start_run("keys") as run:
        with pytest.raises(ValueError, match="must not be empty"):
            run.log({"": 1.0})
        with pytest.raises(ValueError, match="control characters"):
            run.log({"a\tb": 1.0})
        with pytest.raises(TypeError, match="must be a str"):
            run.log({3: 1.0})
        with pytest.raises(TypeError, match="takes a dict"):
            run.log([("a", 1.0)])


def test_exception_marks_failed_with_traceback_and_interrupt_killed(tracking):
    with pytest.raises(ZeroDivisionError), mlm.start_run("fail") as run:
        run.log(loss=1.0)
        1 / 0  # noqa: B018
    info = mlm.get_run(run.run_id)
    assert info.status == "failed" and "ZeroDivisionError" in info.error
    assert info.metrics["loss"].count == 1  # flushed before ending
    with pytest.raises(KeyboardInterrupt), mlm.start_run("fail") as run2:
        raise KeyboardInterrupt
    assert mlm.get_run(run2.run_id).status == "killed"


def test_ended_run_refuses_more_logging(tracking):
    run = mlm.start_run("done")
    run.finish()
    with pytest.raises(MlmError, match="has ended"):
        run.log(x=1.0)
    with pytest.raises(ValueError, match="unknown run status"):
        mlm.start_run("done").finish("great")


def test_params_tags_text_image_artifact(tracking, tmp_path):
    run = mlm.start_run("files", params={"lr": 0.1})
    run.log_params(batch=32)
    with pytest.raises(ConflictError):
        run.log_param("lr", 0.2)
    run.set_tags(stage="dev")
    run.set_tags({"stage": "prod"})
    run.log_text("notes", "hello")
    img = np.zeros((4, 6, 3), dtype=np.uint8)
    img[..., 0] = 255
    logged = run.log_image("red", img)
    assert (logged.width, logged.height) == (6, 4)
    png = tracking.blobs.get_bytes(logged.blob_id)
    assert png.startswith(b"\x89PNG")
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        run.log_image("bad", np.full((2, 2), 3.0))
    with pytest.raises(TypeError, match="cannot log a str as an image"):
        run.log_image("bad", "picture.png")
    f = tmp_path / "report.txt"
    f.write_text("ok")
    run.log_artifact(f)
    run.finish()
    info = mlm.get_run(run.run_id)
    assert info.params == {"lr": 0.1, "batch": 32} and _user_tags(info) == {"stage": "prod"}
    assert [a.name for a in tracking.files.artifacts(run.run_id)] == ["report.txt"]


def test_matplotlib_figure_and_pil_image(tracking):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    with mlm.start_run("figs") as run:
        fig, ax = plt.subplots(figsize=(2, 2), dpi=50)
        ax.plot([0, 1], [1, 0])
        a = run.log_image("curve", fig)
        plt.close(fig)
        b = run.log_image("pil", Image.new("RGB", (7, 5), "blue"))
    assert a.width > 0 and (b.width, b.height) == (7, 5)


def test_resume_continues_steps(tracking):
    run = mlm.start_run("resume")
    run.log(loss=1.0)
    run.log(loss=0.5)
    run.finish()
    again = mlm.resume_run(run.run_id)
    assert mlm.get_run(run.run_id).status == "running"
    again.log(loss=0.25)
    again.finish()
    assert again.history("loss")[0].tolist() == [0, 1, 2]
    with pytest.raises(NotFoundError):
        mlm.resume_run("0" * 32)


def test_nested_runs_and_queries(tracking):
    with mlm.start_run("cv", params={"model": "svm"}) as parent:
        for fold in range(3):
            with mlm.start_run("cv", parent=parent, params={"fold": fold}) as child:
                child.log(acc=0.7 + fold / 10)
    runs = mlm.runs("cv", where=f"parent_run_id = '{parent.run_id}'", order_by="-metrics.acc")
    assert [r.params["fold"] for r in runs] == [2, 1, 0]
    df = runs.to_pandas()
    assert list(df["params.fold"]) == [2, 1, 0] and "metrics.acc" in df.columns
    rows = mlm.leaderboard_rows("cv", "acc", "min", limit=2)
    assert [r.params["fold"] for r in rows] == [0, 1]
    with pytest.raises(NotFoundError):
        mlm.runs("no-such-experiment")


def test_explicit_and_automatic_steps_mix_across_flushes(tracking):
    run = mlm.start_run("mixed-steps")
    run.log(a=0.0)  # 0
    run.log(a=1.0, step=5)  # 5
    run.log(a=2.0)  # 6
    run.flush()
    run.log(a=3.0)  # 7
    run.log(a=4.0, step=2)  # 2 (steps may go back: they are recorded as given)
    run.log(a=5.0)  # 3
    run.log({"a": 6.0, "b": 1.0}, step=100)
    run.log(b=2.0)  # 101
    run.finish()
    assert run.history("a")[0].tolist() == [0, 5, 6, 7, 2, 3, 100]
    assert run.history("a")[1].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert run.history("b")[0].tolist() == [100, 101]
    resumed = mlm.resume_run(run.run_id)
    resumed.log(b=3.0)
    resumed.finish()
    assert resumed.history("b")[0].tolist() == [100, 101, 102]


def _user_tags(info):
    """The run's own tags, without the ``mlm.*`` tags recorded by context capture."""
    return {k: v for k, v in info.tags.items() if not k.startswith("mlm.")}
