"""Loading the server extension: settings (traitlets), the checkpoint service, Jupyter's
checkpoints replaced by ours, and the REST API under ``/mlm/api/``."""

from __future__ import annotations

from typing import Any

from traitlets import Bool, Float, Int, List, Unicode
from traitlets.config import Configurable

from ..checkpoints import CheckpointService, CheckpointSettings, ContentPolicy


class MlmCheckpoints(Configurable):
    """jupyter-mlm's notebook checkpoints (``c.MlmCheckpoints.keep_count = 200`` …)."""

    keep_count = Int(
        None, allow_none=True, config=True,
        help="Keep at most this many of each author's checkpoints of a notebook (None: all).",
    )  # fmt: skip
    keep_days = Float(
        None, allow_none=True, config=True,
        help="Delete an author's checkpoints older than this many days (the newest is kept).",
    )  # fmt: skip
    keep_bytes = Int(
        None, allow_none=True, config=True,
        help="Keep an author's checkpoints of a notebook within this many bytes of notebook "
        "size, newest first (the newest is always kept).",
    )  # fmt: skip
    max_output_bytes = Int(
        None, allow_none=True, config=True,
        help="Outputs larger than this many bytes are not stored in checkpoints.",
    )  # fmt: skip
    omit_outputs = List(
        Unicode(), default_value=[], config=True,
        help="Outputs with a MIME type or output_type matching one of these fnmatch patterns "
        "(e.g. 'image/*', 'application/vnd.jupyter.widget-view+json') are not stored.",
    )  # fmt: skip
    side_ref = Bool(
        False, config=True,
        help="Also commit each checkpoint on refs/mlm/checkpoints/<author> in the notebook's git "
        "repository (never touches your branch, index or working tree).",
    )  # fmt: skip
    git_timeout = Float(
        20.0, config=True, help="Seconds allowed for reading the git state of a checkpoint."
    )
    datasets_timeout = Float(
        60.0, config=True, help="Seconds allowed for hashing a checkpoint's declared datasets."
    )

    def settings(self) -> CheckpointSettings:
        return CheckpointSettings(
            content=ContentPolicy(
                max_output_bytes=self.max_output_bytes, omit_outputs=tuple(self.omit_outputs)
            ),
            keep_count=self.keep_count,
            keep_days=self.keep_days,
            keep_bytes=self.keep_bytes,
            side_ref=self.side_ref,
            git_timeout=self.git_timeout,
            datasets_timeout=self.datasets_timeout,
        )


def load_extension(serverapp: Any) -> None:
    from .api.routes import api_handlers
    from .checkpoints_adapter import install_checkpoints, wrap_contents_handlers

    config = MlmCheckpoints(parent=serverapp)
    service = CheckpointService(config.settings(), server_root=serverapp.root_dir)
    serverapp.web_app.settings["mlm_service"] = service
    install_checkpoints(serverapp.contents_manager, service)
    wrap_contents_handlers(serverapp.web_app)
    serverapp.web_app.add_handlers(".*$", api_handlers(serverapp.web_app.settings["base_url"]))
    serverapp.log.info("jupyter-mlm: checkpoint history and /mlm/api/ enabled")


def unload_extension(serverapp: Any) -> None:
    """On server stop: let background checkpoint work finish, then stop its threads."""
    service = serverapp.web_app.settings.pop("mlm_service", None)
    if service is not None:
        service.close()
