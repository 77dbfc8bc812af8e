"""The per-cell summary of a notebook diff: what the side panel marks added, removed, modified."""

from __future__ import annotations

import copy

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from jupyter_mlm.checkpoints.diffing import diff_notebooks


def _nb():
    return new_notebook(
        cells=[
            new_markdown_cell("# Training"),
            new_code_cell("lr = 0.1\nepochs = 3"),
            new_code_cell("print('old')"),
            new_code_cell("fit()", outputs=[new_output("stream", text="loss 0.5\n")]),
        ]
    )


def _statuses(cells):
    return [(c["status"], c["base_index"], c["remote_index"]) for c in cells]


def test_identical_notebooks_have_only_unchanged_cells_and_an_empty_diff():
    nb = _nb()
    found = diff_notebooks(nb, copy.deepcopy(nb))
    assert found["diff"] == []
    assert _statuses(found["cells"]) == [("unchanged", i, i) for i in range(4)]


def test_changed_added_removed_and_output_changes_are_told_apart():
    base = _nb()
    remote = copy.deepcopy(base)
    remote.cells[1].source = "lr = 0.01\nepochs = 3"  # modified source
    del remote.cells[2]  # removed
    remote.cells[2].outputs[0].text = "loss 0.2\n"  # output change only
    remote.cells.append(new_code_cell("evaluate()"))  # added
    cells = diff_notebooks(base, remote)["cells"]
    assert _statuses(cells) == [
        ("unchanged", 0, 0),
        ("modified", 1, 1),
        ("removed", 2, None),
        ("modified", 3, 2),
        ("added", None, 3),
    ]
    assert cells[1]["source_base"] == "lr = 0.1\nepochs = 3"
    assert cells[1]["source_remote"] == "lr = 0.01\nepochs = 3"
    assert cells[1]["outputs_changed"] is False
    assert cells[2]["source_base"] == "print('old')" and cells[2]["source_remote"] is None
    assert cells[3]["outputs_changed"] is True
    assert cells[3]["source_base"] == cells[3]["source_remote"] == "fit()"
    assert cells[4] == {
        "status": "added",
        "base_index": None,
        "remote_index": 3,
        "cell_type": "code",
        "source_base": None,
        "source_remote": "evaluate()",
        "outputs_changed": False,
    }


def test_a_cell_inserted_in_the_middle_keeps_the_rest_aligned():
    base = _nb()
    remote = copy.deepcopy(base)
    remote.cells.insert(1, new_markdown_cell("Some notes"))
    assert _statuses(diff_notebooks(base, remote)["cells"]) == [
        ("unchanged", 0, 0),
        ("added", None, 1),
        ("unchanged", 1, 2),
        ("unchanged", 2, 3),
        ("unchanged", 3, 4),
    ]


def test_new_execution_counts_and_cell_ids_do_not_count_as_changes():
    base = _nb()
    remote = copy.deepcopy(base)
    remote.cells[3].execution_count = 7
    for cell in remote.cells:
        cell.id = cell.id[::-1]
    found = diff_notebooks(base, remote)
    assert found["diff"] != []  # nbdime reports them
    assert {c["status"] for c in found["cells"]} == {"unchanged"}


def test_sources_saved_as_lists_of_lines_equal_the_joined_text():
    base = _nb()
    remote = copy.deepcopy(base)
    as_saved = dict(remote)
    as_saved["cells"] = [dict(c, source=c.source.splitlines(True)) for c in remote.cells]
    assert diff_notebooks(base, as_saved)["diff"] == []


def test_not_a_notebook_is_a_value_error():
    with pytest.raises(ValueError, match="not a notebook"):
        diff_notebooks({"cells": "no"}, _nb())
