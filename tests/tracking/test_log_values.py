"""What ``run.log`` takes as a value (numpy scalars and arrays, torch tensors) and where
explicit steps put the points."""

from __future__ import annotations

import decimal
import enum
import fractions
import math
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import jupyter_mlm as mlm

ROOT = Path(__file__).resolve().parents[2]


def _stored(run, key):
    steps, values, _ = run.history(key)
    return steps.tolist(), values.tolist()


def _same(values, v):
    """Every stored value is ``float(v)`` (of its one element: numpy 2 refuses ``float()``
    of an array with dimensions), NaN included."""
    v = v.detach() if hasattr(v, "detach") else v  # float() of a torch tensor needing grad warns
    expected = float(v.item() if getattr(v, "ndim", 0) else v)
    return all(x == expected or (math.isnan(x) and math.isnan(expected)) for x in values)


NUMPY_VALUES = [
    np.float64(0.1),
    np.float32(0.1),  # stored as float(np.float32(0.1)), not 0.1
    np.float16(0.3),
    np.longdouble(0.7),
    np.int64(-3),
    np.int32(7),
    np.uint8(255),
    np.uint64(2**63 + 1),
    np.array(0.1, dtype=np.float32),
    np.array(2.5),
    np.array(9, dtype=np.int16),
    np.array([0.5]),
    np.array([[1.5]], dtype=np.float32),  # one element, whatever the shape
    np.float64(math.nan),
    np.float32(-math.inf),
]


def test_numpy_scalars_and_one_element_arrays_store_exactly_float_of_them(tracking):
    with mlm.start_run("numpy") as run:
        for _ in range(3):  # the first value of a type is checked in full, the others not
            run.log({f"v{i}": v for i, v in enumerate(NUMPY_VALUES)})
    for i, v in enumerate(NUMPY_VALUES):
        steps, values = _stored(run, f"v{i}")
        assert steps == [0, 1, 2]
        assert _same(values, v), (v, values)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (np.bool_(True), "metric 'bad' must be a real number, got a boolean bool"),
        (np.array(True), "metric 'bad' must be a real number, got a boolean ndarray"),
        (np.complex64(1 + 2j), "metric 'bad' must be a real number, got complex64"),
        (np.array([1.0, 2.0]), r"metric 'bad' must be a scalar, got ndarray of shape \(2,\)"),
        (np.zeros((0,)), r"metric 'bad' must be a scalar, got ndarray of shape \(0,\)"),
        (np.array("1.5x"), "metric 'bad' must be a real number, got ndarray"),
    ],
)
def test_numpy_values_that_are_no_real_number_are_refused(tracking, value, match):
    with mlm.start_run("bad") as run:
        run.log(bad=np.array(1.0), ok=1.0)  # the type is known: later values still checked
        with pytest.raises(TypeError, match=match):
            run.log(ok=2.0, bad=value)
        with pytest.raises(TypeError, match=match):
            run.log({"ok": 2.0, "bad": value}, step=5)
        run.log(ok=3.0)
    assert _stored(run, "ok") == ([0, 1], [1.0, 3.0])  # the failed calls left nothing behind


def test_torch_tensors_store_exactly_float_of_them(tracking):
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(3, 1)
    loss = model(torch.ones(4, 3)).pow(2).mean()  # requires grad
    values = [
        loss.detach(),
        loss,
        torch.tensor(0.1),  # float32: float(t) is not 0.1
        torch.tensor(0.1, dtype=torch.float64),
        torch.tensor(0.3, dtype=torch.bfloat16),
        torch.tensor(0.3, dtype=torch.float16),
        torch.tensor(7),
        torch.tensor([2.5]),
        torch.nn.Parameter(torch.tensor([[4.0]])),
        torch.tensor(math.nan),
        torch.tensor(math.inf),
    ]
    with mlm.start_run("torch") as run:
        for step in (10, 11, 12):
            run.log({f"t{i}": v for i, v in enumerate(values)}, step=step)
        run.log(t0=values[0])  # automatic step: 13
    assert _stored(run, "t0")[0] == [10, 11, 12, 13]
    for i, v in enumerate(values):
        assert _same(_stored(run, f"t{i}")[1], v), v


def test_torch_tensors_that_are_no_scalar_or_no_real_number_are_refused(tracking):
    torch = pytest.importorskip("torch")
    with mlm.start_run("torch-bad") as run:
        run.log(loss=torch.tensor(1.0), ok=1.0)
        with pytest.raises(
            TypeError, match=r"metric 'loss' must be a scalar, got Tensor of shape \(2, 3\)"
        ):
            run.log(ok=2.0, loss=torch.zeros(2, 3))
        with pytest.raises(
            TypeError, match=r"metric 'loss' must be a scalar, got Tensor of shape \(2,\)"
        ):
            run.log({"ok": 2.0, "loss": torch.zeros(2)}, step=3)
        with pytest.raises(
            TypeError, match="metric 'loss' must be a real number, got a boolean Tensor"
        ):
            run.log(ok=2.0, loss=torch.tensor(True))
        with pytest.raises(TypeError, match="metric 'loss' must be a real number, got Tensor"):
            run.log(ok=2.0, loss=torch.tensor(1 + 1j))
        run.log(ok=3.0, loss=torch.tensor(0.5))
    assert _stored(run, "ok") == ([0, 1], [1.0, 3.0])
    assert _stored(run, "loss") == ([0, 1], [1.0, 0.5])


def test_other_real_numbers_store_float_of_them(tracking):
    class Level(enum.IntEnum):
        HIGH = 3

    class Scaled(float):
        def __float__(self):
            return 2 * super().__float__()

    values = [Level.HIGH, Scaled(1.5), fractions.Fraction(1, 3), decimal.Decimal("0.1"), 2**60 + 1]
    with mlm.start_run("numbers") as run:
        for step in range(2):
            run.log({f"n{i}": v for i, v in enumerate(values)}, step=step)
            run.log({f"a{i}": v for i, v in enumerate(values)})
    for i, v in enumerate(values):
        assert _stored(run, f"n{i}") == ([0, 1], [float(v)] * 2)
        assert _stored(run, f"a{i}") == ([0, 1], [float(v)] * 2)


def test_bools_complex_and_huge_ints_are_refused_as_before(tracking):
    with mlm.start_run("refused") as run:
        for _ in range(2):
            with pytest.raises(TypeError, match="metric 'b' must be a real number, got bool"):
                run.log(a=1.0, b=True)
            with pytest.raises(TypeError, match="got complex"):
                run.log({"a": 1.0, "b": 1j}, step=4)
            with pytest.raises(OverflowError):
                run.log(a=1.0, b=2**1024)
        run.log(a=2.0, b=2**53)
    assert _stored(run, "a") == ([0], [2.0])
    assert _stored(run, "b") == ([0], [float(2**53)])


def test_explicit_steps_land_where_given(tracking):
    with mlm.start_run("steps") as run:
        for i in range(5):
            run.log(seq=float(i), step=i)  # consecutive
            run.log(every=float(i), step=10 * i)  # every 10th step
        run.log(seq=9.0, step=2)  # back
        run.log(seq=10.0, step=2)  # the same step again
        run.log(seq=11.0)  # automatic: after the last step given
        run.flush()
        run.log(seq=12.0, step=3)
        run.log(seq=13.0, step=4)
        run.log(seq=14.0, step=2**63 - 1)
        run.log(every=5.0)
    assert _stored(run, "seq") == (
        [0, 1, 2, 3, 4, 2, 2, 3, 3, 4, 2**63 - 1],
        [0.0, 1.0, 2.0, 3.0, 4.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0],
    )
    assert _stored(run, "every") == ([0, 10, 20, 30, 40, 41], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])


def test_a_failed_call_with_a_step_changes_no_later_step(tracking):
    with mlm.start_run("undo") as run:
        run.log(a=1.0, step=5)
        with pytest.raises(TypeError, match="metric 'bad'"):
            run.log({"a": 2.0, "new": 2.0, "bad": "x"}, step=50)
        run.log(a=3.0)  # 6, not 51
        run.log(new=1.0)  # 0, as for a key never logged
        with pytest.raises(ValueError, match="step must be between"):
            run.log(a=4.0, step=-1)
        run.log(a=5.0, step=7)
    assert _stored(run, "a") == ([5, 6, 7], [1.0, 3.0, 5.0])
    assert _stored(run, "new") == ([0], [1.0])


def test_explicit_steps_lose_and_misplace_nothing_under_constant_flushing(tracking):
    run = mlm.start_run("race")
    stop = threading.Event()

    def flusher():
        while not stop.is_set():
            run._writer.flush([run])

    expected: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    thread = threading.Thread(target=flusher)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch between almost any two bytecodes
    thread.start()
    try:
        for i in range(30_000):
            run.log(a=float(i), b=float(-i), step=i)  # consecutive: no break
            expected["a"].append(i)
            expected["b"].append(i)
            step = 3 * i if i % 7 else i // 2  # a break at almost every point
            run.log({"c": float(step)}, step=step)
            expected["c"].append(step)
            if i % 1000 == 999:
                run.log(b=float(-i - 1))  # an automatic step in between
                expected["b"].append(i + 1)
    finally:
        sys.setswitchinterval(interval)
        stop.set()
        thread.join()
    run.finish()
    for key, steps in expected.items():
        assert _stored(run, key)[0] == steps, key
    assert _stored(run, "c")[1] == [float(s) for s in expected["c"]]


def test_a_flush_between_reading_the_buffer_and_appending_misplaces_nothing(tracking):
    """The explicit-step path reads the buffer without a lock: a take landing in the middle
    of its reads (here forced at the worst moment) is noticed and the reads are redone."""
    run = mlm.start_run("take-in-between")
    buf = run._buffer
    armed = []

    class TakeOnRead(list):
        def __getitem__(self, i):
            value = super().__getitem__(i)
            if armed:
                armed.clear()
                run._writer.flush([run])  # takes the pending points of every key
            return value

    for i in range(10):
        run.log(a=float(i), b=float(i), step=i)
    buf.taken = TakeOnRead(buf.taken)
    armed.append(True)
    run.log(a=10.0, step=10)  # consecutive
    for i in range(11, 20):
        run.log(a=float(i), step=i)
    armed.append(True)
    run.log(b=100.0, step=100)  # a break
    run.log(a=20.0, b=101.0)
    run.finish()
    assert _stored(run, "a") == (list(range(21)), [float(i) for i in range(21)])
    assert _stored(run, "b")[0] == [*range(10), 100, 101]


def test_logging_numbers_never_imports_torch_or_jax(store_location):
    code = (
        "import sys, numpy as np, jupyter_mlm as mlm\n"
        f"mlm.set_store({store_location.store_uri!r}, {store_location.artifacts_uri!r})\n"
        "with mlm.start_run('light') as run:\n"
        "    run.log(a=1.0, b=np.float32(2), c=np.array(3.0), d=4, step=1)\n"
        "assert not {'torch', 'jax'} & set(sys.modules), sys.modules.keys()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)
