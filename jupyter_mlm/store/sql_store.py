"""The store on a SQL database (SQLite or PostgreSQL) through SQLAlchemy Core."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, delete, exc, select, update
from sqlalchemy.engine import Connection

from ..core.entities import Experiment, LeaderboardRow, RunInfo
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
from .admin_mixin import AdminMixin
from .base import Store, Where
from .blobs import BlobStore
from .metrics_mixin import MetricsMixin
from .migrate import ensure_schema
from .naming import run_name
from .pages_mixin import RunPagesMixin
from .run_loading import load_runs, require_run
from .schema import (
    experiments,
    runs,
)
from .schema import params as params_t
from .schema import tags as tags_t
from .sql_checkpoints import SqlCheckpoints
from .sql_chunks import SqlChunks
from .sql_comments import SqlComments
from .sql_datasets import SqlDatasets
from .sql_files import SqlFiles

LIFECYCLES = ("active", "archived")


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



class SqlStore(
    MetricsMixin,
    AdminMixin,
    RunPagesMixin,
    Store,
):
    def __init__(self, uri: str, blobs: BlobStore) -> None:
        self.uri = uri
        self.blobs = blobs
        self.engine = db.make_engine(uri)
        self._experiments: dict[str, Experiment] = {}
        ensure_schema(self.engine)
        self.checkpoints = SqlCheckpoints(self.engine)
        self.chunks = SqlChunks(self.engine)
        self.comments = SqlComments(self.engine, self._require_target)
        self.datasets = SqlDatasets(self.engine)
        self.files = SqlFiles(self.engine, blobs)

    def __repr__(self) -> str:
        return f"<SqlStore {db.describe(self.engine)}>"

    def close(self) -> None:
        self.engine.dispose()

    # experiments --------------------------------------------------------------------------
    def get_or_create_experiment(self, name: str) -> Experiment:
        check_key(name, "experiment name")
        cached = self._experiments.get(name)
        if cached is not None:
            return cached
        try:
            return self._remember(self.get_experiment(name))
        except NotFoundError:
            pass
        exp_id = uuid.uuid4().hex
        try:
            with db.write(self.engine, f"create experiment {name!r}") as conn:
                conn.execute(
                    experiments.insert().values(
                        experiment_id=exp_id, name=name, created_at=time.time()
                    )
                )
        except exc.IntegrityError:
            pass  # created by another process meanwhile
        return self._remember(self.get_experiment(name))

    def _remember(self, experiment: Experiment) -> Experiment:
        """Experiments are looked up on every ``start_run``; ids never change, so cache them
        (a purge elsewhere shows up as a failed insert, which drops the cache and retries)."""
        self._experiments[experiment.name] = experiment
        return experiment

    def get_experiment(self, name_or_id: str) -> Experiment:
        e = experiments.c
        with db.read(self.engine, "read experiments") as conn:
            row = conn.execute(
                select(experiments).where((e.name == name_or_id) | (e.experiment_id == name_or_id))
            ).first()
        if row is None:
            raise NotFoundError(
                f"no experiment named {name_or_id!r} in store {db.describe(self.engine)}"
            )
        return Experiment(**row._asdict())

    def list_experiments(self, *, include_archived: bool = False) -> list[Experiment]:
        stmt = select(experiments).order_by(experiments.c.created_at)
        if not include_archived:
            stmt = stmt.where(experiments.c.lifecycle == "active")
        with db.read(self.engine, "list experiments") as conn:
            return [Experiment(**row._asdict()) for row in conn.execute(stmt)]

    # runs ---------------------------------------------------------------------------------
    def create_run(
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
                    self._require_run(conn, parent_run_id, "parent run")
                conn.execute(_INSERT_RUN, row)
                if param_rows:
                    conn.execute(_INSERT_PARAMS, param_rows)
                if tag_rows:
                    conn.execute(_INSERT_TAGS, tag_rows)
        except exc.IntegrityError as err:
            self._experiments.clear()
            raise NotFoundError(
                f"experiment {experiment_id!r} does not exist (deleted meanwhile?)"
            ) from err
        experiment = (
            next(
                (e.name for e in self._experiments.values() if e.experiment_id == experiment_id),
                None,
            )
            or self.get_experiment(experiment_id).name
        )
        return RunInfo(
            run_id=run_id, experiment_id=experiment_id, experiment=experiment, name=name,
            status="running", start_time=now, end_time=None, parent_run_id=parent_run_id,
            user=row["user"], host=row["host"], pid=row["pid"],
            params={r["key"]: json.loads(r["value"]) for r in param_rows},
            tags={r["key"]: r["value"] for r in tag_rows},
        )  # fmt: skip

    def get_run(self, run_id: str) -> RunInfo:
        found = load_runs(self.engine, [run_id])
        if not found:
            raise NotFoundError(f"no run with id {run_id!r} in store {db.describe(self.engine)}")
        return found[0]

    def end_run(self, run_id: str, status: str, error: str | None = None) -> None:
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

    def reopen_run(self, run_id: str) -> RunInfo:
        with db.write(self.engine, f"resume run {run_id}") as conn:
            done = conn.execute(
                update(runs)
                .where(runs.c.run_id == run_id)
                .values(status="running", end_time=None, error=None, **_owner(time.time()))
            ).rowcount
        if not done:
            raise NotFoundError(f"no run with id {run_id!r}")
        return self.get_run(run_id)

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
            self._require_run(conn, run_id)
            old = dict(
                conn.execute(
                    select(p.key, p.value).where(
                        p.run_id == run_id, p.key.in_([r["key"] for r in rows])
                    )
                ).all()
            )
            fresh = []
            for row in rows:
                if row["key"] not in old:
                    fresh.append(row)
                elif old[row["key"]] != row["value"] and json.loads(old[row["key"]]) != json.loads(
                    row["value"]
                ):
                    raise ConflictError(
                        f"param {row['key']!r} of run {run_id} is already {old[row['key']]}; "
                        f"it cannot be changed to {row['value']} (params are fixed once logged; "
                        "log a metric or a tag for values that change)"
                    )
            if fresh:
                conn.execute(params_t.insert(), fresh)

    def set_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        rows = _tag_rows(run_id, tags)
        if not rows:
            return
        with db.write(self.engine, f"set tags of run {run_id}") as conn:
            self._require_run(conn, run_id)
            conn.execute(
                delete(tags_t).where(
                    tags_t.c.run_id == run_id, tags_t.c.key.in_([r["key"] for r in rows])
                )
            )
            conn.execute(tags_t.insert(), rows)

    def delete_tag(self, run_id: str, key: str) -> None:
        with db.write(self.engine, f"delete a tag of run {run_id}") as conn:
            conn.execute(delete(tags_t).where(tags_t.c.run_id == run_id, tags_t.c.key == key))

    # queries ------------------------------------------------------------------------------
    def search_runs(
        self,
        experiment_ids=None,
        *,
        where: Where = None,
        order_by=None,
        limit=None,
        include_archived=False,
        dataset: str | None = None,
    ) -> list[RunInfo]:
        with db.read(self.engine, "search runs") as conn:
            from . import search

            ids = search.search_run_ids(
                conn, experiment_ids, where, order_by, limit, include_archived, dataset
            )
        found = {r.run_id: r for r in load_runs(self.engine, ids)}
        return [found[i] for i in ids if i in found]

    def leaderboard(
        self,
        experiment_id: str,
        metric: str,
        *,
        goal="max",
        agg="last",
        where: Where = None,
        group_by=None,
        limit=10,
    ) -> list[LeaderboardRow]:
        with db.read(self.engine, "read the leaderboard") as conn:
            from . import search

            return search.leaderboard(
                conn,
                experiment_id,
                metric,
                goal=goal,
                agg=agg,
                where=where,
                group_by=group_by,
                limit=limit,
            )

    # helpers ------------------------------------------------------------------------------
    def _require_target(self, kind: str, ident: str) -> None:
        """A comment's target exists (``NotFoundError`` otherwise); models are the registry's."""
        if kind == "run":
            self.get_run(ident)
        elif kind == "checkpoint":
            self.checkpoints.get(ident)
        elif kind == "experiment":
            self.get_experiment(ident)

    def _require_run(self, conn: Connection, run_id: str, what: str = "run") -> None:
        require_run(conn, run_id, what)


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
