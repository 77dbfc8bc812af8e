"""%mlm_track through a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

import jupyter_mlm as mlm


@pytest.fixture
def shell(tracking):
    sh = InteractiveShell.instance()
    sh.run_line_magic("load_ext", "jupyter_mlm")
    yield sh
    sh.run_line_magic("reset", "-f")


def run(shell, code: str):
    return shell.run_cell(code, store_history=False)


def test_line_form_spans_cells_and_survives_an_interrupted_cell(shell, capsys):
    run(
        shell,
        "%mlm_track start mnist --param lr=3e-4 --param layers=[64,32] --param opt=adam --tag team=cv",
    )
    out = capsys.readouterr().out
    assert "started in 'mnist'" in out
    active = mlm.active_run()
    assert active is not None
    run(shell, "import jupyter_mlm as mlm\nfor i in range(5): mlm.log(loss=1 / (i + 1))")
    result = run(shell, "raise KeyboardInterrupt")
    assert isinstance(result.error_in_exec, KeyboardInterrupt)
    assert mlm.active_run() is active  # an interrupted cell does not end the run
    run(shell, "%mlm_track status")
    out = capsys.readouterr().out
    assert "lr = 0.0003" in out and "layers = [64, 32]" in out and "loss: last 0.2" in out
    run(shell, "%mlm_track stop")
    info = mlm.get_run(active.run_id)
    assert info.status == "finished"
    assert info.params == {"lr": 3e-4, "layers": [64, 32], "opt": "adam"} and _user_tags(info) == {
        "team": "cv"
    }
    assert info.metrics["loss"].count == 5
    assert "finished after" in capsys.readouterr().out


def test_cell_form_records_literal_assignments_and_status(shell, capsys):
    ok = run(
        shell,
        '%%mlm_track cells --quiet\nlr = 3e-4\nlayers = [64, 32]\nopt: str = "adam"\n'
        "n = len(layers)\nimport jupyter_mlm as mlm\nmlm.log(acc=0.9)\n",
    )
    assert ok.success
    first = mlm.runs("cells")[0]
    assert first.status == "finished"
    assert first.params == {"lr": 3e-4, "layers": [64, 32], "opt": "adam"}
    assert first.metrics["acc"].last == 0.9
    run(shell, "%%mlm_track cells --quiet\nx = 1\n1 / 0\n")
    failed = mlm.runs("cells")[0]
    assert failed.status == "failed" and "ZeroDivisionError" in failed.error
    assert mlm.active_run() is None


def test_leaderboard_and_compare(shell, capsys):
    for lr, acc in [(0.1, 0.7), (0.01, 0.9), (0.001, 0.8)]:
        run(
            shell,
            f"%%mlm_track board --quiet\nlr = {lr}\nimport jupyter_mlm as mlm\nmlm.log(acc={acc})\n",
        )
    capsys.readouterr()
    run(shell, "%mlm_track leaderboard board --metric acc --max")
    lines = capsys.readouterr().out.strip().splitlines()
    assert [ln.split()[1] for ln in lines[1:]] == ["0.9", "0.8", "0.7"]
    run(shell, "%mlm_track leaderboard board --metric acc --min --limit 1")
    assert capsys.readouterr().out.strip().splitlines()[1].split()[1] == "0.7"
    ids = [r.run_id for r in mlm.runs("board")]
    run(shell, f"%mlm_track compare {ids[0]} {ids[1]}")
    out = capsys.readouterr().out
    assert "* lr" in out and "0.001" in out and "0.01" in out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("%mlm_track", "usage: %mlm_track"),
        ("%mlm_track launch x", "invalid choice: 'launch'"),
        ("%mlm_track start", "the following arguments are required: experiment"),
        ("%mlm_track start x --param nope", "--param must look like KEY=VALUE"),
        ("%mlm_track leaderboard x", "the following arguments are required: --metric"),
        ("%mlm_track leaderboard nosuch --metric acc", "%mlm_track: no experiment named 'nosuch'"),
        ("%mlm_track compare last:x", "last:N needs a number"),
        ("%mlm_track stop", "no active run"),
    ],
)
def test_bad_arguments_print_usage_not_tracebacks(shell, capsys, line, expected):
    result = run(shell, line)
    captured = capsys.readouterr()
    assert result.success, captured
    assert expected in captured.out
    assert "Traceback" not in captured.out + captured.err


def _user_tags(info):
    """The run's own tags, without the ``mlm.*`` tags recorded by context capture."""
    return {k: v for k, v in info.tags.items() if not k.startswith("mlm.")}


def test_start_shows_a_live_chart_unless_quiet(shell, monkeypatch, capsys):
    import IPython.display

    from jupyter_mlm.widgets import LiveChart

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    run(shell, "%mlm_track start charted --baseline last:2")
    assert len(shown) == 1 and isinstance(shown[0], LiveChart)
    run(shell, "%mlm_track stop")
    run(shell, "%mlm_track start charted --quiet")
    assert len(shown) == 1
    run(shell, "%mlm_track stop")
