"""Run filters and orderings: ``"params.lr < 0.01 and tags.model = 'cnn'"`` → SQL.

Fields: ``params.K``, ``tags.K``, ``metrics.K`` (the last value) and the attributes ``status``,
``name``, ``run_id``, ``user``, ``host``, ``start_time``, ``end_time``, ``parent_run_id``.
Conditions are joined with ``and``; operators ``= == != < <= > >= like``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, not_, select
from sqlalchemy.sql.elements import ColumnElement

from ..core.validation import param_json, param_number
from .schema import metric_summaries, params, runs, tags

ATTRIBUTES = ("status", "name", "run_id", "user", "host", "start_time", "end_time", "parent_run_id")
_KINDS = {
    "params": "params",
    "param": "params",
    "tags": "tags",
    "tag": "tags",
    "metrics": "metrics",
    "metric": "metrics",
    "attributes": "attr",
    "attr": "attr",
}
_OPS = ("==", "!=", "<=", ">=", "=", "<", ">", "like")
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<op>==|!=|<=|>=|=|<|>)"""
    r"""|(?P<word>`[^`]+`|[^\s=!<>'"`]+))"""
)


@dataclass(frozen=True)
class Field:
    kind: str  # params | tags | metrics | attr
    name: str


@dataclass(frozen=True)
class Condition:
    field: Field
    op: str
    value: Any


def parse_field(text: str) -> Field:
    """``params.lr`` → Field("params", "lr"); bare attribute names are accepted."""
    text = text.strip()
    if text in ATTRIBUTES:
        return Field("attr", text)
    prefix, _, name = text.partition(".")
    kind = _KINDS.get(prefix.lower())
    if kind is None or not name:
        raise ValueError(
            f"unknown field {text!r}: use params.NAME, tags.NAME, metrics.NAME or one of "
            f"{', '.join(ATTRIBUTES)}"
        )
    name = name.strip("`")
    if kind == "attr" and name not in ATTRIBUTES:
        raise ValueError(f"unknown run attribute {name!r}; known: {', '.join(ATTRIBUTES)}")
    return Field(kind, name)


def parse_where(where: str | Mapping[str, Any] | None) -> list[Condition]:
    """Parse a filter string (or a ``{field: value}`` dict meaning equality)."""
    if where is None:
        return []
    if isinstance(where, Mapping):
        return [Condition(parse_field(k), "=", v) for k, v in where.items()]
    if not isinstance(where, str):
        raise TypeError(f"where must be a str or dict, got {type(where).__name__}")
    tokens = _tokenize(where)
    out: list[Condition] = []
    i = 0
    while i < len(tokens):
        if len(tokens) - i < 3:
            raise ValueError(
                f"incomplete condition at {' '.join(t for _, t in tokens[i:])!r} in {where!r}"
            )
        (fk, ftext), (_ok, otext), (vk, vtext) = tokens[i : i + 3]
        op = otext.lower()
        if fk != "word" or op not in _OPS:
            raise ValueError(f"expected FIELD OP VALUE in {where!r}, got {ftext} {otext} {vtext}")
        out.append(Condition(parse_field(ftext), "=" if op == "==" else op, _literal(vk, vtext)))
        i += 3
        if i < len(tokens):
            if tokens[i][1].lower() != "and":
                raise ValueError(
                    f"conditions are joined with 'and', got {tokens[i][1]!r} in {where!r}"
                )
            i += 1
            if i == len(tokens):
                raise ValueError(f"filter ends with 'and': {where!r}")
    return out


def parse_order(order_by: str | list[str] | None) -> list[tuple[Field, bool]]:
    """``"metrics.acc desc"`` or ``"-metrics.acc"`` → [(Field, descending)]."""
    if order_by is None:
        return []
    items = [order_by] if isinstance(order_by, str) else list(order_by)
    out = []
    for item in items:
        words = item.split()
        desc = False
        if len(words) == 2 and words[1].lower() in ("asc", "desc"):
            desc = words[1].lower() == "desc"
        elif len(words) != 1:
            raise ValueError(f"cannot order by {item!r}: use 'FIELD [asc|desc]' or '-FIELD'")
        text = words[0]
        if text.startswith("-"):
            desc, text = True, text[1:]
        out.append((parse_field(text), desc))
    return out


def condition_sql(cond: Condition, owner: Any = None) -> ColumnElement[bool]:
    """A boolean SQL expression for one condition on the run whose id is the column ``owner``
    (default ``runs.run_id``; another table's run id column avoids joining ``runs``)."""
    f, op, value = cond.field, cond.op, cond.value
    if owner is None:
        owner = runs.c.run_id
    if f.kind == "attr":
        pred = _compare(runs.c[f.name], op, value)
        if owner is runs.c.run_id:
            return pred
        return exists(select(1).where(runs.c.run_id == owner, pred))
    if f.kind == "tags":
        t = tags.alias()
        pred = _compare(t.c.value, "=" if op == "!=" else op, None if value is None else str(value))
        found = exists(select(1).where(t.c.run_id == owner, t.c.key == f.name, pred))
        return not_(found) if op == "!=" else found
    if f.kind == "metrics":
        s = metric_summaries.alias()
        pred = _compare(s.c.last, op, _number(value, cond))
        return exists(select(1).where(s.c.run_id == owner, s.c.key == f.name, pred))
    p = params.alias()
    number = param_number(value)
    if op in ("<", "<=", ">", ">="):
        pred = _compare(p.c.value_num, op, _number(value, cond))
    elif op == "like":
        pred = p.c.value.like(param_json(f.name, value))
    elif number is not None:
        pred = p.c.value_num == number
    else:
        pred = p.c.value == param_json(f.name, value)
    found = exists(select(1).where(p.c.run_id == owner, p.c.key == f.name, pred))
    return not_(found) if op == "!=" else found


def where_sql(
    where: str | Mapping[str, Any] | None, owner: Any = None
) -> ColumnElement[bool] | None:
    conds = parse_where(where)
    return and_(*(condition_sql(c, owner) for c in conds)) if conds else None


def _compare(col: Any, op: str, value: Any) -> ColumnElement[bool]:
    if op == "=":
        return col.is_(None) if value is None else col == value
    if op == "!=":
        return col.is_not(None) if value is None else col != value
    if op == "like":
        return col.like(value)
    return {"<": col < value, "<=": col <= value, ">": col > value, ">=": col >= value}[op]


def _number(value: Any, cond: Condition) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(
            f"{cond.field.kind}.{cond.field.name} {cond.op} needs a number, got {value!r}"
        )
    return float(value)


def _tokenize(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"cannot parse filter near {text[pos : pos + 20]!r}")
        kind = m.lastgroup or "word"
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _literal(kind: str, text: str) -> Any:
    if kind == "str":
        return text[1:-1].encode().decode("unicode_escape") if "\\" in text else text[1:-1]
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "none"):
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
