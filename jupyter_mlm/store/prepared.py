"""Statements compiled once per shape and database dialect, then run with the driver directly:
for hot reads (a leaderboard in a live view) where building and compiling a SQLAlchemy
statement costs more than the query itself."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.sql.elements import ClauseElement

MAX_SHAPES = 256


class Prepared:
    """One compiled statement: its SQL text and how to order its parameters."""

    def __init__(self, stmt: ClauseElement, conn: Connection) -> None:
        compiled = stmt.compile(dialect=conn.dialect)
        self.sql = str(compiled)
        self.defaults = dict(compiled.params)  # the values bound while building (filters)
        # the order of "?" parameters, when the driver takes them by position
        self.positions: list[str] | None = getattr(compiled, "positiontup", None)

    def run(self, conn: Connection, **values: Any) -> CursorResult[Any]:
        params = {**self.defaults, **values}
        if self.positions is not None:
            return conn.exec_driver_sql(self.sql, tuple(params[n] for n in self.positions))
        return conn.exec_driver_sql(self.sql, params)


_lock = threading.Lock()
_shapes: OrderedDict[tuple[str, Hashable], Prepared] = OrderedDict()


def prepared(conn: Connection, shape: Hashable, build: Callable[[], ClauseElement]) -> Prepared:
    """The statement ``build()`` makes for ``shape`` (anything hashable that determines it,
    but the parameters passed to ``run``), compiled for this connection's dialect once."""
    key = (conn.dialect.name, shape)
    with _lock:
        found = _shapes.get(key)
        if found is not None:
            _shapes.move_to_end(key)
            return found
    made = Prepared(build(), conn)
    with _lock:
        _shapes[key] = made
        while len(_shapes) > MAX_SHAPES:
            _shapes.popitem(last=False)
    return made
