"""Splitting notebooks and files into content-addressed chunks, and joining them back."""

from __future__ import annotations

import os

import pytest

from jupyter_mlm.checkpoints.content import (
    FILE_PIECE,
    ContentPolicy,
    join_file,
    join_notebook,
    manifest_of,
    split_file,
    split_notebook,
)


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
