"""Run listings and leaderboards as SQL over runs, params and metric summaries."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, exists, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ..core.entities import LeaderboardRow
from . import liveness
from .filters import parse_order, where_sql
from .prepared import prepared
from .run_loading import chunks, parse_json
from .run_repositories import Where
from .schema import metric_summaries, params, run_datasets, runs, tags

AGGS = ("last", "min", "max", "mean")
GOALS = ("max", "min")


def search_run_ids(
    conn: Connection,
    experiment_ids: list[str] | None,
    where: Where,
    order_by: str | list[str] | None,
    limit: int | None,
    include_archived: bool,
    dataset: str | None = None,
    *,
    offset: int = 0,
    extra: ColumnElement[bool] | None = None,
) -> list[str]:
    """Ids of the matching runs in order; ``extra``: one more condition on ``runs``."""
    r = runs.c
    stmt = _filtered(select(r.run_id), experiment_ids, where, include_archived, dataset, extra)
    for field, desc in parse_order(order_by):
        if field.kind == "attr":
            col: Any = r[field.name]
        elif field.kind == "metrics":
            s = metric_summaries.alias()
            stmt = stmt.outerjoin(s, and_(s.c.run_id == r.run_id, s.c.key == field.name))
            col = s.c.last
        elif field.kind == "params":
            p = params.alias()
            stmt = stmt.outerjoin(p, and_(p.c.run_id == r.run_id, p.c.key == field.name))
            stmt = stmt.order_by(p.c.value_num.is_(None))
            col = p.c.value_num
        else:
            raise ValueError(f"cannot order by tags ({field.name!r}); order by params or metrics")
        stmt = stmt.order_by(col.is_(None), col.desc() if desc else col.asc())
    stmt = stmt.order_by(r.start_time.desc(), r.run_id)
    if limit is not None:
        stmt = stmt.limit(_check_limit(limit))
    if offset:
        stmt = stmt.offset(_check_limit(offset))
    return list(conn.execute(stmt).scalars())


def count_runs(
    conn: Connection,
    experiment_ids: list[str] | None,
    where: Where,
    include_archived: bool,
    dataset: str | None = None,
    *,
    extra: ColumnElement[bool] | None = None,
) -> int:
    """How many runs ``search_run_ids`` would list without a limit."""
    stmt = _filtered(
        select(func.count()).select_from(runs),
        experiment_ids,
        where,
        include_archived,
        dataset,
        extra,
    )
    return int(conn.execute(stmt).scalar_one())


def _filtered(
    stmt: Select,
    experiment_ids: list[str] | None,
    where: Where,
    include_archived: bool,
    dataset: str | None,
    extra: ColumnElement[bool] | None,
) -> Select:
    r = runs.c
    if dataset is not None:
        d = run_datasets.c
        stmt = stmt.where(exists(select(1).where(d.run_id == r.run_id, d.content_id == dataset)))
    if experiment_ids is not None:
        stmt = stmt.where(r.experiment_id.in_(experiment_ids))
    if not include_archived:
        stmt = stmt.where(r.lifecycle == "active")
    cond = where_sql(where)
    if cond is not None:
        stmt = stmt.where(cond)
    if extra is not None:
        stmt = stmt.where(extra)
    return stmt


def notebook_condition(repo: str, path: str, owner: Any = None) -> ColumnElement[bool]:
    """Runs started from the notebook ``repo``/``path`` (its ``mlm.notebook`` and ``mlm.repo``
    tags; outside git, runs without a repository), for the run id column ``owner``."""
    owner = runs.c.run_id if owner is None else owner
    nb, rp = tags.alias(), tags.alias()
    on_path = exists(
        select(1).where(nb.c.run_id == owner, nb.c.key == "mlm.notebook", nb.c.value == path)
    )
    in_repo = select(1).where(rp.c.run_id == owner, rp.c.key == "mlm.repo")
    if repo:
        return and_(on_path, exists(in_repo.where(rp.c.value == repo)))
    return and_(on_path, ~exists(in_repo))


def leaderboard(
    conn: Connection,
    experiment_id: str,
    metric: str,
    *,
    goal: str,
    agg: str,
    where: Where,
    group_by: list[str] | None,
    limit: int | None,
    notebook: tuple[str, str] | None = None,
) -> list[LeaderboardRow]:
    """Best runs (or groups) by a metric; ``notebook``: (repo, path) of the runs' notebook."""
    if goal not in GOALS:
        raise ValueError(f"goal must be 'max' or 'min', got {goal!r}")
    if agg not in AGGS:
        raise ValueError(f"agg must be one of {', '.join(AGGS)}, got {agg!r}")
    r, s = runs.c, metric_summaries.c
    value = {"last": s.last, "min": s.min, "max": s.max, "mean": s.sum / s.count}[agg]
    base = [s.key == metric, value.is_not(None)]
    if conn.dialect.name == "postgresql":  # SQLite stores NaN as NULL; PostgreSQL keeps NaN
        base.append(value != literal(float("nan")))
    if notebook is not None:
        base.append(notebook_condition(*notebook, owner=s.run_id))
    if group_by:  # every row is read anyway: a plain join is the cheapest
        cond = where_sql(where)
        base += [s.experiment_id == experiment_id, r.lifecycle == "active", r.run_id == s.run_id]
        if cond is not None:
            base.append(cond)
        return _grouped(conn, experiment_id, base, value, goal, group_by, limit)
    # Only metric_summaries in FROM: the planner walks its (experiment, key, value) index in
    # order and stops after ``limit`` rows, whatever statistics say; run conditions are EXISTS.
    # The ranked runs' names, states and params come in the same query; the statement is built
    # and compiled once per shape (the experiment and the limit are parameters).
    if limit is not None:
        _check_limit(limit)
    shape = ("leaderboard", metric, agg, goal, _where_key(where), limit is None, notebook)
    top = prepared(conn, shape, lambda: _leaderboard_stmt(base, value, goal, where, limit))
    found: Any = top.run(conn, experiment_id=experiment_id, limit=limit)
    ranked: dict[str, tuple[Any, Any, dict[str, Any]]] = {}
    for row in found:
        run_id, val, key, text = row[0], row[1], row[8], row[9]
        if run_id not in ranked:
            ranked[run_id] = (val, _RunState(*row[2:8]), {})
        if key is not None:
            ranked[run_id][2][key] = parse_json(text)
    return [
        LeaderboardRow(
            rank=i + 1,
            value=val,
            run_ids=(run_id,),
            names=(state.name,),
            params=run_params,
            status=_status(state),
        )
        for i, (run_id, (val, state, run_params)) in enumerate(ranked.items())
    ]


class _RunState:
    """What ``_status`` reads of a ranked run."""

    __slots__ = ("heartbeat_at", "host", "name", "pid", "pid_started", "status")

    def __init__(
        self, name: str, status: str, host: str, pid: int, pid_started: str, heartbeat_at: float
    ) -> None:
        self.name, self.status, self.host = name, status, host
        self.pid, self.pid_started, self.heartbeat_at = pid, pid_started, heartbeat_at


def _leaderboard_stmt(
    base: list[Any], value: Any, goal: str, where: Where, limit: int | None
) -> Select[Any]:
    r, s = runs.c, metric_summaries.c
    conds: list[ColumnElement[bool]] = [
        exists(select(1).where(r.run_id == s.run_id, r.lifecycle == "active"))
    ]
    cond = where_sql(where, owner=s.run_id)
    if cond is not None:
        conds.append(cond)
    order = value.desc() if goal == "max" else value.asc()
    mine = s.experiment_id == bindparam("experiment_id")
    inner = select(s.run_id.label("run_id"), value.label("value")).where(mine, *base, *conds)
    inner = inner.order_by(order, s.run_id)
    if limit is not None:
        inner = inner.limit(bindparam("limit", type_=Integer))
    top = inner.subquery("top")
    p = params.alias("p")
    ranked_order = top.c.value.desc() if goal == "max" else top.c.value.asc()
    return (
        select(
            top.c.run_id,
            top.c.value,
            r.name,
            r.status,
            r.host,
            r.pid,
            r.pid_started,
            r.heartbeat_at,
            p.c.key,
            p.c.value,
        )
        .select_from(
            top.join(runs, r.run_id == top.c.run_id).outerjoin(p, p.c.run_id == top.c.run_id)
        )
        .order_by(ranked_order, top.c.run_id)
    )


def _where_key(where: Where) -> Any:
    """A hashable form of a filter: its text, or its mapping's items."""
    if where is None or isinstance(where, str):
        return where
    return tuple(sorted((str(k), repr(v)) for k, v in where.items()))


def _status(row: Any) -> str:
    if row.status == "running" and liveness.is_dead(
        row.host, row.pid, row.pid_started, row.heartbeat_at
    ):
        return "crashed"
    return str(row.status)


def _grouped(conn, experiment_id, base, value, goal, group_by, limit) -> list[LeaderboardRow]:
    s = metric_summaries.c
    joined: Any = runs.join(metric_summaries, runs.c.run_id == s.run_id)
    cols = []
    for key in group_by:
        p = params.alias()
        joined = joined.outerjoin(p, and_(p.c.run_id == s.run_id, p.c.key == key))
        cols.append(p.c.value)
    mean = func.avg(value)
    stmt = (
        select(
            *cols,
            mean.label("mean"),
            func.avg(value * value).label("sq"),
            func.count().label("n"),
            _concat(conn, s.run_id).label("ids"),
        )
        .select_from(joined)
        .where(*base)
        .group_by(*cols)
        .order_by(mean.desc() if goal == "max" else mean.asc())
    )
    if limit is not None:
        stmt = stmt.limit(_check_limit(limit))
    rows = conn.execute(stmt).all()
    names = _names(conn, [i for row in rows for i in row.ids.split("\x1f")], experiment_id)
    out = []
    for i, row in enumerate(rows):
        n = row.n
        ids = tuple(row.ids.split("\x1f"))
        var = max(row.sq - row.mean * row.mean, 0.0) * n / (n - 1) if n > 1 else 0.0
        out.append(
            LeaderboardRow(
                rank=i + 1,
                value=row.mean,
                run_ids=ids,
                names=tuple(names[r] for r in ids),
                params={
                    k: parse_json(v) for k, v in zip(group_by, row[: len(group_by)], strict=True)
                },
                count=n,
                std=math.sqrt(var),
            )
        )
    return out


def _names(conn: Connection, run_ids: list[str], experiment_id: str) -> dict[str, str]:
    if len(run_ids) > 5000:  # one scan beats many IN lists
        stmt = select(runs.c.run_id, runs.c.name).where(runs.c.experiment_id == experiment_id)
        return {row.run_id: row.name for row in conn.execute(stmt)}
    out: dict[str, str] = {}
    for chunk in chunks(run_ids):
        out.update(
            conn.execute(select(runs.c.run_id, runs.c.name).where(runs.c.run_id.in_(chunk))).all()
        )
    return out


def _concat(conn: Connection, col: ColumnElement) -> Any:
    if conn.dialect.name == "postgresql":
        return func.string_agg(col, literal("\x1f"))
    return func.group_concat(col, "\x1f")


def _check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit must be a non-negative int, got {limit!r}")
    return limit
