"""Runs in the SQL database: creation (with params and tags in the same transaction), status
changes, heartbeats, params (fixed once logged) and tags."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, exc, select, update
from sqlalchemy.engine import Engine

from ..core.entities import RunInfo
from ..core.errors import ConflictError, NotFoundError
from ..core.validation import (
    check_key,
    check_mapping,
    check_status,
    param_json,
    param_number,
    tag_value,
)
from . import engine as db
from . import liveness
from .naming import run_name
from .run_loading import load_runs, require_run
from .run_repositories import RunRepository
from .schema import params as params_t
from .schema import runs
from .schema import tags as tags_t
from .sql_experiments import SqlExperiments

# Statements built once: constructing SQLAlchemy statements costs more than running them.
_INSERT_RUN = runs.insert()
_INSERT_PARAMS = params_t.insert()
_INSERT_TAGS = tags_t.insert()
_END_RUN = (
    update(runs)
    .where(runs.c.run_id == bindparam("b_run_id"))
    .values(
        status=bindparam("v_status"),
        end_time=bindparam("v_end_time"),
        heartbeat_at=bindparam("v_heartbeat_at"),
        error=bindparam("v_error"),
    )
)


class SqlRuns(RunRepository):
    def __init__(self, engine: Engine, experiments: SqlExperiments) -> None:
        self.engine = engine
        self._experiments = experiments

    def create(
        self,
        experiment_id: str,
        *,
        name: str | None,
        params: Mapping[str, Any],
        tags: Mapping[str, str],
        parent_run_id: str | None,
    ) -> RunInfo:
        run_id = uuid.uuid4().hex
        name = check_key(name, "run name") if name is not None else run_name(run_id)
        param_rows = _param_rows(run_id, params)
        tag_rows = _tag_rows(run_id, tags)
        now = time.time()
        row = {
            "run_id": run_id,
            "experiment_id": experiment_id,
            "name": name,
            "status": "running",
            "parent_run_id": parent_run_id,
            "start_time": now,
            "end_time": None,
            "user": liveness.current_user(),
            "error": None,
            "lifecycle": "active",
            **_owner(now),
        }
        try:
            with db.write(self.engine, "create a run") as conn:
                if parent_run_id is not None:
                    require_run(conn, parent_run_id, "parent run")
                conn.execute(_INSERT_RUN, row)
                if param_rows:
                    conn.execute(_INSERT_PARAMS, param_rows)
                if tag_rows:
                    conn.execute(_INSERT_TAGS, tag_rows)
        except exc.IntegrityError as err:
            self._experiments.forget()
            raise NotFoundError(
                f"experiment {experiment_id!r} does not exist (deleted meanwhile?)"
            ) from err
        return RunInfo(
            run_id=run_id, experiment_id=experiment_id,
            experiment=self._experiments.name_of(experiment_id), name=name,
            status="running", start_time=now, end_time=None, parent_run_id=parent_run_id,
            user=row["user"], host=row["host"], pid=row["pid"],
            params={r["key"]: json.loads(r["value"]) for r in param_rows},
            tags={r["key"]: r["value"] for r in tag_rows},
        )  # fmt: skip

    def get(self, run_id: str) -> RunInfo:
        found = load_runs(self.engine, [run_id])
        if not found:
            raise NotFoundError(f"no run with id {run_id!r} in store {db.describe(self.engine)}")
        return found[0]

    def get_many(self, run_ids: Sequence[str]) -> list[RunInfo]:
        found = {r.run_id: r for r in load_runs(self.engine, list(run_ids))}
        return [found[i] for i in run_ids if i in found]

    def end(self, run_id: str, status: str, error: str | None = None) -> None:
        check_status(status)
        now = time.time()
        with db.write(self.engine, f"end run {run_id}") as conn:
            done = conn.execute(
                _END_RUN,
                {"b_run_id": run_id, "v_status": status, "v_end_time": now, "v_heartbeat_at": now,
                 "v_error": error},
            ).rowcount  # fmt: skip
        if not done:
            raise NotFoundError(f"no run with id {run_id!r}")

    def reopen(self, run_id: str) -> RunInfo:
        with db.write(self.engine, f"resume run {run_id}") as conn:
            done = conn.execute(
                update(runs)
                .where(runs.c.run_id == run_id)
                .values(status="running", end_time=None, error=None, **_owner(time.time()))
            ).rowcount
        if not done:
            raise NotFoundError(f"no run with id {run_id!r}")
        return self.get(run_id)

    def heartbeat(self, run_ids: list[str]) -> None:
        if run_ids:
            with db.write(self.engine, "update run heartbeats") as conn:
                conn.execute(
                    update(runs)
                    .where(runs.c.run_id.in_(run_ids), runs.c.status == "running")
                    .values(heartbeat_at=time.time())
                )

    def log_params(self, run_id: str, params: Mapping[str, Any]) -> None:
        rows = _param_rows(run_id, params)
        if not rows:
            return
        p = params_t.c
        with db.write(self.engine, f"log params of run {run_id}") as conn:
            require_run(conn, run_id)
            old = dict(
                conn.execute(
                    select(p.key, p.value).where(
                        p.run_id == run_id, p.key.in_([r["key"] for r in rows])
                    )
                ).all()
            )
            fresh = []
            for row in rows:
                stored = old.get(row["key"])
                if stored is None:
                    fresh.append(row)
                elif stored != row["value"] and json.loads(stored) != json.loads(row["value"]):
                    raise ConflictError(
                        f"param {row['key']!r} of run {run_id} is already {stored}; "
                        f"it cannot be changed to {row['value']} (params are fixed once logged; "
                        "log a metric or a tag for values that change)"
                    )
            if fresh:
                conn.execute(_INSERT_PARAMS, fresh)

    def set_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        rows = _tag_rows(run_id, tags)
        if not rows:
            return
        with db.write(self.engine, f"set tags of run {run_id}") as conn:
            require_run(conn, run_id)
            conn.execute(
                delete(tags_t).where(
                    tags_t.c.run_id == run_id, tags_t.c.key.in_([r["key"] for r in rows])
                )
            )
            conn.execute(_INSERT_TAGS, rows)

    def delete_tag(self, run_id: str, key: str) -> None:
        with db.write(self.engine, f"delete a tag of run {run_id}") as conn:
            conn.execute(delete(tags_t).where(tags_t.c.run_id == run_id, tags_t.c.key == key))


def _owner(now: float) -> dict[str, Any]:
    """The columns that tie a running run to this process (see ``liveness``)."""
    return {
        "heartbeat_at": now,
        "host": liveness.hostname(),
        "pid": os.getpid(),
        "pid_started": liveness.own_token(),
    }


def _param_rows(run_id: str, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "run_id": run_id,
            "key": check_key(k, "param"),
            "value": param_json(k, v),
            "value_num": param_number(v),
        }
        for k, v in check_mapping(values, "params").items()
    ]


def _tag_rows(run_id: str, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"run_id": run_id, "key": check_key(k, "tag"), "value": tag_value(k, v)}
        for k, v in check_mapping(values, "tags").items()
    ]
