"""Installing the history: on any file contents manager, whether or not Jupyter already made its
default checkpoints; and the contents and checkpoint routes serve handlers that name the
author."""

from __future__ import annotations

import pytest
from jupyter_server.services.contents.filecheckpoints import FileCheckpoints
from jupyter_server.services.contents.filemanager import (
    AsyncFileContentsManager,
    FileContentsManager,
)
from jupyter_server.services.contents.handlers import (
    CheckpointsHandler,
    ContentsHandler,
    ModifyCheckpointsHandler,
)
from jupyter_server.services.contents.manager import ContentsManager

from jupyter_mlm.checkpoints import CheckpointService
from jupyter_mlm.server.checkpoints_adapter import (
    AsyncHistoryCheckpoints,
    HistoryCheckpoints,
    install_checkpoints,
    wrap_contents_handlers,
)


@pytest.mark.parametrize(
    ("manager", "expected"),
    [
        (FileContentsManager, HistoryCheckpoints),
        (AsyncFileContentsManager, AsyncHistoryCheckpoints),
    ],
)
@pytest.mark.parametrize("made_before", [True, False])
def test_install_on_sync_and_async_managers(tmp_path, manager, expected, made_before):
    cm = manager(root_dir=str(tmp_path))
    if made_before:
        assert isinstance(cm.checkpoints, FileCheckpoints)  # Jupyter's default, now created
    service = CheckpointService(server_root=str(tmp_path))
    assert install_checkpoints(cm, service)
    assert type(cm.checkpoints) is expected and cm.checkpoints.service is service
    assert cm.checkpoints.parent is cm and cm.checkpoints_class is expected
    later = cm.checkpoints_class(parent=cm)  # what a contents manager made later gets
    assert later.service is service
    service.close()


def test_a_contents_manager_without_files_keeps_its_own_checkpoints(tmp_path):
    class InMemory(ContentsManager):
        pass

    cm = InMemory()
    own = cm.checkpoints
    service = CheckpointService(server_root=str(tmp_path))
    assert not install_checkpoints(cm, service)
    assert cm.checkpoints is own
    service.close()


async def test_contents_and_checkpoint_routes_name_the_author(jp_serverapp):
    targets = []

    def walk(router):
        for rule in getattr(router, "rules", ()):
            if isinstance(rule.target, type):
                targets.append(rule.target)
            else:
                walk(rule.target)

    walk(jp_serverapp.web_app.default_router)
    served = {core: [t for t in targets if issubclass(t, core)]
              for core in (ContentsHandler, CheckpointsHandler, ModifyCheckpointsHandler)}  # fmt: skip
    for core, handlers in served.items():
        assert handlers and all(h is not core and h.__name__ == core.__name__ for h in handlers)
    assert wrap_contents_handlers(jp_serverapp.web_app) == 0  # idempotent
