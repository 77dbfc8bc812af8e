"""A restore gives back exactly what was saved and never makes a notebook trusted: through a real
Jupyter server's API (sync and async contents managers), on real-world notebooks (those in the
test data of nbformat, nbconvert, nbclient and nbdime) and on generated hard cases."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import nbformat
import pytest

from .checkpoint_helpers import checkpoint, listed, notebook, put, save_notebook, sources

CONTENTS_MANAGERS = [
    pytest.param("jupyter_server.services.contents.filemanager.FileContentsManager", id="sync"),
    pytest.param(None, id="async"),
]

VENDORED = Path(__file__).resolve().parents[1] / "data" / "notebooks"


@pytest.fixture(params=CONTENTS_MANAGERS)
def contents_manager_class(request):
    return request.param


def corpus() -> list[Path]:
    """Every notebook shipped in the test data of nbformat, nbconvert and nbclient (vendored) and
    of the installed nbdime."""
    import nbdime

    found = sorted(VENDORED.rglob("*.ipynb"))
    found += sorted((Path(nbdime.__file__).parent).rglob("*.ipynb"))
    assert len(found) > 100
    return found


def jupyter_form(nb: dict) -> bytes:
    """A notebook's JSON in Jupyter's own serialisation (keeps every key, ``trusted`` too)."""
    return (json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def script_notebook() -> dict:
    """A downloaded notebook claiming trust: its cell says ``trusted`` and its output runs a
    script."""
    nb = notebook("print('hi')", outputs=[{
        "output_type": "display_data", "metadata": {},
        "data": {"text/html": "<script>window.pwned = 1</script>", "text/plain": "x"}}])  # fmt: skip
    nb["cells"][0]["metadata"]["trusted"] = True
    return nb


async def is_trusted(fetch, path: str) -> bool:
    """Whether Jupyter trusts the notebook (marks its code cells trusted) when it is opened."""
    model = json.loads((await fetch("api", "contents", path)).body)
    return _trusted(model)


def _trusted(model: dict) -> bool:
    code = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
    return bool(code) and all(c["metadata"].get("trusted") is True for c in code)


async def jupyter_restore(fetch, path: str, checkpoint_id: str) -> None:
    """File › Revert to Checkpoint."""
    done = await fetch("api", "contents", path, "checkpoints", checkpoint_id, method="POST",
                       body="")  # fmt: skip
    assert done.code == 204


async def overwrite(fetch, path: str) -> None:
    await put(fetch, path, {"type": "notebook", "format": "json", "content": notebook("edited")})


# --- 1. trust ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["jupyter", "foreign"])
async def test_restoring_an_untrusted_notebook_leaves_it_untrusted(
    jp_fetch, jp_root_dir: Path, form: str
):
    nb = script_notebook()
    data = jupyter_form(nb) if form == "jupyter" else json.dumps(nb, indent=2).encode()
    (jp_root_dir / "nb.ipynb").write_bytes(data)
    assert not await is_trusted(jp_fetch, "nb.ipynb")  # as on a stock server

    made = await checkpoint(jp_fetch, "nb.ipynb")  # JupyterLab does this on open
    await overwrite(jp_fetch, "nb.ipynb")
    await jupyter_restore(jp_fetch, "nb.ipynb", made["id"])
    assert (jp_root_dir / "nb.ipynb").read_bytes() == data
    assert not await is_trusted(jp_fetch, "nb.ipynb")

    # the side panel's restore and fork neither
    await overwrite(jp_fetch, "nb.ipynb")
    restored = await jp_fetch("mlm", "api", "checkpoints", made["id"], "restore", method="POST",
                              body=json.dumps({"path": "nb.ipynb"}))  # fmt: skip
    assert restored.code == 200
    assert (jp_root_dir / "nb.ipynb").read_bytes() == data
    assert not await is_trusted(jp_fetch, "nb.ipynb")
    forked = await jp_fetch("mlm", "api", "checkpoints", made["id"], "fork", method="POST",
                            body=json.dumps({"path": "nb.ipynb"}))  # fmt: skip
    fork_path = json.loads(forked.body)["path"]
    assert (jp_root_dir / fork_path).read_bytes() == data
    assert not await is_trusted(jp_fetch, fork_path)


async def test_a_notebook_the_user_trusted_stays_trusted_after_a_restore(
    jp_fetch, jp_root_dir: Path, jp_serverapp
):
    """Trust comes from the user's own signature database, as in stock Jupyter."""
    (jp_root_dir / "nb.ipynb").write_bytes(jupyter_form(script_notebook()))
    from jupyter_core.utils import ensure_async

    # the user's own "Trust Notebook"
    await ensure_async(jp_serverapp.contents_manager.trust_notebook("nb.ipynb"))
    signed = (jp_root_dir / "nb.ipynb").read_bytes()
    assert await is_trusted(jp_fetch, "nb.ipynb")

    made = await checkpoint(jp_fetch, "nb.ipynb")
    await overwrite(jp_fetch, "nb.ipynb")
    await jupyter_restore(jp_fetch, "nb.ipynb", made["id"])
    assert (jp_root_dir / "nb.ipynb").read_bytes() == signed
    assert await is_trusted(jp_fetch, "nb.ipynb")


# --- 2. values that compare equal but are not the same JSON ----------------------------------


async def test_outputs_differing_only_in_minus_zero_or_number_type_come_back_as_saved(
    jp_fetch, jp_root_dir: Path
):
    values = [0.0, -0.0, 1, 1.0, True, 10**30, float(10**30), {"b": 1, "a": 2}]
    outputs = [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                "data": {"application/json": {"v": v}}} for v in values]  # fmt: skip
    saved = []
    for i, output in enumerate(outputs):  # one notebook each: the cache is the server's
        path = f"nb{i}.ipynb"
        made = await save_notebook(jp_fetch, path, notebook("x", outputs=[output]))
        saved.append((path, (jp_root_dir / path).read_bytes(), made["id"]))
    for path, data, checkpoint_id in saved:
        await overwrite(jp_fetch, path)
        await jupyter_restore(jp_fetch, path, checkpoint_id)
        assert (jp_root_dir / path).read_bytes() == data
    restored = json.loads((jp_root_dir / "nb1.ipynb").read_text())
    assert str(restored["cells"][0]["outputs"][0]["data"]["application/json"]["v"]) == "-0.0"


# --- 3, 4, 7. whatever is on disk comes back byte for byte ------------------------------------

ODD_FILES = {
    "empty-object.ipynb": b"{}",
    "foo.ipynb": b'{"foo": 1}',
    "no-nbformat.ipynb": b'{"cells": [], "metadata": {}}',
    "null-outputs.ipynb": json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "source": "1",
                   "execution_count": None, "outputs": None}]}).encode(),
    "v3-no-worksheets.ipynb": b'{"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0}',
    "bom.ipynb": b"\xef\xbb\xbf" + jupyter_form(notebook("with a BOM")),
    "not-json.ipynb": b"\x00\xff binary, not JSON",
}


@pytest.mark.parametrize("name", sorted(ODD_FILES))
async def test_ipynb_files_that_are_not_notebooks_restore_their_bytes(
    jp_fetch, jp_root_dir: Path, name: str
):
    data = ODD_FILES[name]
    (jp_root_dir / name).write_bytes(data)
    made = await checkpoint(jp_fetch, name)
    (jp_root_dir / name).write_bytes(b'{"overwritten": true}')
    await jupyter_restore(jp_fetch, name, made["id"])
    assert (jp_root_dir / name).read_bytes() == data


async def test_old_format_notebooks_restore_valid_with_exactly_their_keys(
    jp_fetch, jp_root_dir: Path
):
    for name in ("test2.ipynb", "test3.ipynb", "test3_no_metadata.ipynb"):
        data = (VENDORED / "nbformat" / "tests" / name).read_bytes()
        (jp_root_dir / name).write_bytes(data)
        made = await checkpoint(jp_fetch, name)
        await overwrite(jp_fetch, name)
        await jupyter_restore(jp_fetch, name, made["id"])
        back = (jp_root_dir / name).read_bytes()
        assert back == data
        assert "cells" not in json.loads(back)
        assert _validation(back) == _validation(data)
    assert _validation((jp_root_dir / "test3.ipynb").read_bytes()) is None


# --- 5. a new file where a deleted one was ---------------------------------------------------


async def test_a_new_file_at_a_deleted_files_path_gets_its_own_first_checkpoint(
    jp_fetch, jp_root_dir: Path, mlm_service
):
    await save_notebook(jp_fetch, "nb.ipynb", notebook("deleted v1"))
    await save_notebook(jp_fetch, "nb.ipynb", notebook("deleted v2"))
    await jp_fetch("api", "contents", "nb.ipynb", method="DELETE")

    # JupyterLab: a new notebook saved under the same name (the first save checkpoints it)
    await put(jp_fetch, "nb.ipynb", {"type": "notebook", "format": "json",
                                     "content": notebook("new")})  # fmt: skip
    models = await listed(jp_fetch, "nb.ipynb")
    assert len(models) == 1
    assert sources(json.loads((await jp_fetch("mlm", "api", "checkpoints", models[0]["id"],
                                              "content")).body)["content"]) == ["new"]
    await put(jp_fetch, "nb.ipynb", {"type": "notebook", "format": "json",
                                     "content": notebook("new, edited")})  # fmt: skip
    await jupyter_restore(jp_fetch, "nb.ipynb", models[0]["id"])  # File › Revert
    assert sources(json.loads((jp_root_dir / "nb.ipynb").read_text())) == ["new"]
    # the deleted file's history is still there
    assert mlm_service.list(str(jp_root_dir / "nb.ipynb"))[1] == 4


async def test_a_new_file_in_a_deleted_folder_gets_its_own_first_checkpoint(
    jp_fetch, jp_root_dir: Path
):
    (jp_root_dir / "sub").mkdir()
    old = await save_notebook(jp_fetch, "sub/nb.ipynb", notebook("old"))
    (jp_root_dir / "sub" / "nb.ipynb").unlink()
    await jp_fetch("api", "contents", "sub", method="DELETE")
    (jp_root_dir / "sub").mkdir()
    await put(jp_fetch, "sub/nb.ipynb", {"type": "notebook", "format": "json",
                                         "content": notebook("new")})  # fmt: skip
    models = await listed(jp_fetch, "sub/nb.ipynb")
    assert len(models) == 1 and models[0]["id"] != old["id"]


# --- the corpus ----------------------------------------------------------------------------


def _validation(data: bytes) -> str | None:
    try:
        nb = nbformat.reads(data.decode("utf-8-sig"), as_version=nbformat.NO_CONVERT)
        nbformat.validate(nb)
    except Exception as err:
        return f"{type(err).__name__}: {str(err)[:200]}"
    return None


async def _round_trip(fetch, root: Path, name: str, data: bytes) -> list[str]:
    """Checkpoint ``name`` holding ``data``, overwrite it, revert: what differs."""
    problems = []
    trusted_before = None
    opened = await fetch("api", "contents", name, raise_error=False)
    if opened.code == 200 and json.loads(opened.body)["type"] == "notebook":
        trusted_before = _trusted(json.loads(opened.body))
    made = await checkpoint(fetch, name)
    (root / name).write_bytes(b"{}")
    await jupyter_restore(fetch, name, made["id"])
    back = (root / name).read_bytes()
    if back != data:
        problems.append(f"{name}: bytes differ")
    if _validation(back) != _validation(data):
        problems.append(f"{name}: validation {_validation(data)!r} → {_validation(back)!r}")
    reopened = await fetch("api", "contents", name, raise_error=False)
    model = json.loads(reopened.body) if reopened.code == 200 else None
    if model and model["type"] == "notebook" and _trusted(model) and not trusted_before:
        problems.append(f"{name}: became trusted")
    return problems


async def test_every_real_world_notebook_restores_byte_for_byte(jp_fetch, jp_root_dir: Path):
    problems: list[str] = []
    saved_by_jupyter = 0
    for i, source in enumerate(corpus()):
        data = source.read_bytes()
        name = f"c{i}-{source.name}"
        # as it landed on disk (a download, a git checkout)
        (jp_root_dir / name).write_bytes(data)
        problems += await _round_trip(jp_fetch, jp_root_dir, name, data)
        # as JupyterLab saves it after opening it
        opened = await jp_fetch("api", "contents", name, raise_error=False)
        model = json.loads(opened.body) if opened.code == 200 else None
        if model and model["type"] == "notebook" and model["content"]["nbformat"] == 4:
            await put(jp_fetch, name, {"type": "notebook", "format": "json",
                                       "content": model["content"]})  # fmt: skip
            saved_by_jupyter += 1
            problems += await _round_trip(jp_fetch, jp_root_dir, name,
                                          (jp_root_dir / name).read_bytes())  # fmt: skip
    assert problems == []
    assert saved_by_jupyter > 90


# --- generated hard cases ------------------------------------------------------------------


def hard_cases() -> dict[str, bytes]:
    rnd = random.Random(7)
    image = base64.b64encode(rnd.randbytes(15 * 1024 * 1024)).decode()  # 20 MB as base64
    weird = "emoji 🧪🚀, RTL שלום مرحبا, controls \x01\x02\x1b[31m, nul \x00 end"
    long_cell = "\n".join(f"x_{i} = {i}" for i in range(100_000))
    many = {**notebook(*(f"cell {i}" for i in range(500)))}
    for cell in many["cells"]:
        cell["id"] = f"id-{cell['id']}"
    return {
        "image.ipynb": jupyter_form(notebook("plot()", outputs=[{
            "output_type": "display_data", "metadata": {},
            "data": {"image/png": image, "text/plain": "<Figure>"}}])),
        "weird 🧪 שלום.ipynb": jupyter_form(notebook(weird, outputs=[{
            "output_type": "stream", "name": "stdout", "text": weird}])),
        "long-cell.ipynb": jupyter_form(notebook(long_cell)),
        "500-cells.ipynb": jupyter_form(many),
        "empty.ipynb": jupyter_form({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                     "cells": []}),
        "empty-file.ipynb": b"",
        "notes 📝.txt": (weird + "\n").encode(),
        "data.bin": rnd.randbytes(3 * 1024 * 1024 + 17),
    }


async def test_generated_hard_cases_restore_byte_for_byte(jp_fetch, jp_root_dir: Path):
    problems: list[str] = []
    for name, data in hard_cases().items():
        (jp_root_dir / name).write_bytes(data)
        problems += await _round_trip(jp_fetch, jp_root_dir, name, data)
    assert problems == []
