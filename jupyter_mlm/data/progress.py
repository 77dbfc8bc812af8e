"""Progress bars for long hashing: a widget in Jupyter (when ipywidgets is installed), a
terminal bar elsewhere; shown only after a second."""

from __future__ import annotations

from typing import Any


def make_tqdm(**kw: Any) -> Any:
    """tqdm's notebook bar when ipywidgets is installed (tqdm.auto would warn in a kernel
    without it), else the terminal bar; asked without importing ipywidgets ourselves."""
    from importlib.util import find_spec

    if find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm
    return tqdm(**kw)


class progress_bar:
    """A tqdm bar (a widget in Jupyter when ipywidgets is there) that appears after 1 s."""

    def __init__(self, enabled: bool, desc: str) -> None:
        self.enabled, self.desc, self.bar = enabled, desc, None
        self._files = 0

    def __enter__(self):  # -> Callable[[int, int], None] | None
        if not self.enabled:
            return None
        self.bar = make_tqdm(desc=self.desc, unit="B", unit_scale=True, delay=1.0, leave=False)
        return self.update

    def update(self, bytes_done: int, files_done: int) -> None:
        assert self.bar is not None
        self.bar.update(bytes_done - self.bar.n)
        if files_done != self._files:
            self._files = files_done
            self.bar.set_postfix(files=files_done, refresh=False)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
