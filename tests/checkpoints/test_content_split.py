"""Splitting notebooks and files into content-addressed chunks, and joining them back."""

from __future__ import annotations

import json
import os

import pytest

from jupyter_mlm.checkpoints.content import (
    FILE_PIECE,
    ChunkCache,
    ContentPolicy,
    canonical,
    join_bytes,
    join_file,
    join_notebook,
    keep_saved_bytes,
    manifest_of,
    named_chunks,
    split_file,
    split_notebook,
)
from jupyter_mlm.checkpoints.jupyter_form import EncodedStrings, jupyter_bytes


def _notebook(image: str = "iVBORw0KGgo=") -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3"}},
        "cells": [
            {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": "# Title"},
            {
                "cell_type": "code",
                "id": "c1",
                "metadata": {},
                "execution_count": 3,
                "source": "plot()",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"image/png": image, "text/plain": "<Figure>"},
                    },
                    {"output_type": "stream", "name": "stdout", "text": "done\n"},
                ],
            },
        ],
    }


def _fetcher(chunks):
    return lambda ids: {i: chunks[i] for i in ids}


def test_round_trip_is_exact():
    nb = _notebook()
    split = split_notebook(nb)
    fetch = _fetcher(split.chunks)
    assert join_notebook(manifest_of(split.manifest_id, fetch), fetch) == nb


def test_ids_do_not_depend_on_key_order():
    nb = _notebook()
    reordered = {k: nb[k] for k in reversed(list(nb))}
    reordered["cells"] = [{k: c[k] for k in reversed(list(c))} for c in nb["cells"]]
    assert split_notebook(reordered).manifest_id == split_notebook(nb).manifest_id


def test_an_edited_cell_changes_one_chunk_and_the_manifest():
    a, b = _notebook(), _notebook()
    b["cells"][0]["source"] = "# Another title"
    new = set(split_notebook(b).chunks) - set(split_notebook(a).chunks)
    assert len(new) == 2  # the markdown cell and the manifest; the image is shared


def test_policy_omits_large_and_matching_outputs():
    big = "A" * 5000
    by_size = split_notebook(_notebook(big), ContentPolicy(max_output_bytes=1000))
    assert by_size.omitted_outputs == 1
    assert not any(big.encode() in data for data in by_size.chunks.values())
    fetch = _fetcher(by_size.chunks)
    outputs = join_notebook(manifest_of(by_size.manifest_id, fetch), fetch)["cells"][1]["outputs"]
    assert [o["output_type"] for o in outputs] == ["stream"]
    by_type = split_notebook(_notebook(), ContentPolicy(omit_outputs=("image/*",)))
    assert by_type.omitted_outputs == 1
    by_stream = split_notebook(_notebook(), ContentPolicy(omit_outputs=("stream",)))
    assert by_stream.omitted_outputs == 1


def test_outputs_can_be_left_out_when_joining():
    split = split_notebook(_notebook())
    fetch = _fetcher(split.chunks)
    nb = join_notebook(manifest_of(split.manifest_id, fetch), fetch, outputs=False)
    code = nb["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert code["source"] == "plot()"


@pytest.mark.parametrize("bad", [[], "text", {"cells": "nope"}, {"cells": [1]}])
def test_not_a_notebook_is_refused(bad):
    with pytest.raises(ValueError, match="not a notebook"):
        split_notebook(bad)


@pytest.mark.parametrize("size", [0, 10, FILE_PIECE, FILE_PIECE * 2 + 7])
def test_files_round_trip_in_pieces(size):
    data = os.urandom(size)
    split = split_file(data)
    fetch = _fetcher(split.chunks)
    manifest = manifest_of(split.manifest_id, fetch)
    assert len(manifest["pieces"]) == -(-size // FILE_PIECE)
    assert join_file(manifest, fetch) == data
    with pytest.raises(ValueError, match="not a notebook"):
        join_notebook(manifest, fetch)


def _json_output(value) -> dict:
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {},
            "data": {"application/json": {"v": value}}}  # fmt: skip


def test_the_output_cache_tells_apart_values_python_holds_equal():
    """Content identity is by canonical bytes: ``0.0``/``-0.0``, ``1``/``1.0``/``true``, a large
    int and its float each get their own chunk, also when one shared cache saw the other first."""
    values = [0.0, -0.0, 1, 1.0, True, False, 0, 10**30, 1e30, float("nan"), float("inf"), None]
    cache = ChunkCache()
    for first in values:
        for second in values:
            got = cache.chunk(_json_output(second))
            assert got[1] == canonical(_json_output(second)), (first, second)
            cache.chunk(_json_output(first))


def test_the_output_cache_is_one_entry_for_equal_json_in_any_key_order():
    cache = ChunkCache()
    a = cache.chunk({"b": 1, "a": [1, {"y": 2, "x": 1}]})
    b = cache.chunk({"a": [1, {"x": 1, "y": 2}], "b": 1})
    assert a == b and len(cache._items) == 1


def test_a_notebook_in_another_serialisation_keeps_its_bytes_and_jupyters_form_does_not():
    nb = _notebook()
    split = split_notebook(nb)
    assert keep_saved_bytes(split, nb, jupyter_bytes(nb)) is None
    fetch = _fetcher(split.chunks)
    assert join_bytes(manifest_of(split.manifest_id, fetch), fetch) == jupyter_bytes(nb)

    data = json.dumps(nb, indent=2).encode()
    kept = keep_saved_bytes(split, nb, data)
    assert kept is not None and kept.manifest_id != split.manifest_id
    fetch = _fetcher({**split.chunks, **kept.chunks})
    manifest = manifest_of(kept.manifest_id, fetch)
    assert join_bytes(manifest, fetch) == data
    assert join_notebook(manifest, fetch) == nb
    assert named_chunks(manifest, fetch) >= set(manifest["raw"])
    # outputs a viewer may not see are never served from the raw bytes
    seen = json.loads(join_bytes(manifest, fetch, outputs=False))
    assert seen["cells"][1]["outputs"] == []
    # nor kept at all when the policy left outputs out
    omitted = split_notebook(nb, ContentPolicy(omit_outputs=("image/*",)))
    assert keep_saved_bytes(omitted, nb, data) is None


def test_outputs_that_are_not_a_list_stay_in_their_cell():
    nb = _notebook()
    nb["cells"][1]["outputs"] = None
    split = split_notebook(nb)
    fetch = _fetcher(split.chunks)
    assert join_notebook(manifest_of(split.manifest_id, fetch), fetch) == nb


@pytest.mark.parametrize(
    "value",
    [0.0, -0.0, float("nan"), float("inf"), -float("inf"), 1e300, 10**40, True, None, [], {},
     "é\u2028\x00\x1b \"quoted\" \\", [[]], {"a": {}}, {"b": [1, {"c": None}], "a": "x" * 9000}],
)  # fmt: skip
def test_jupyter_form_is_what_nbformat_writes(value):
    strings = EncodedStrings()
    expected = (json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()
    assert jupyter_bytes(value) == expected
    assert jupyter_bytes(value, strings) == jupyter_bytes(value, strings) == expected


def test_jupyter_form_of_real_notebooks_is_what_nbformat_writes():
    import nbformat

    nb = nbformat.read(os.path.join(os.path.dirname(__file__), "..", "data", "notebooks",
                                    "nbformat", "tests", "test4.5.ipynb"), as_version=4)  # fmt: skip
    assert jupyter_bytes(json.loads(nbformat.writes(nb))) == (nbformat.writes(nb) + "\n").encode()
