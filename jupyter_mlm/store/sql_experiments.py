"""Experiments in the SQL database, looked up by name or id (ids are cached: they never change)."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import exc, select
from sqlalchemy.engine import Engine

from ..core.entities import Experiment
from ..core.errors import NotFoundError
from ..core.validation import check_key
from . import engine as db
from .run_repositories import ExperimentRepository
from .schema import experiments


class SqlExperiments(ExperimentRepository):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._by_name: dict[str, Experiment] = {}

    def get_or_create(self, name: str) -> Experiment:
        check_key(name, "experiment name")
        cached = self._by_name.get(name)
        if cached is not None:
            return cached
        try:
            return self._remember(self.get(name))
        except NotFoundError:
            pass
        try:
            with db.write(self.engine, f"create experiment {name!r}") as conn:
                conn.execute(
                    experiments.insert().values(
                        experiment_id=uuid.uuid4().hex, name=name, created_at=time.time()
                    )
                )
        except exc.IntegrityError:
            pass  # created by another process meanwhile
        return self._remember(self.get(name))

    def _remember(self, experiment: Experiment) -> Experiment:
        """Experiments are looked up on every ``start_run``; a purge elsewhere shows up as a
        failed run insert, which calls ``forget`` and retries."""
        self._by_name[experiment.name] = experiment
        return experiment

    def name_of(self, experiment_id: str) -> str:
        """The name of an experiment, from the cache when it is there."""
        for cached in self._by_name.values():
            if cached.experiment_id == experiment_id:
                return cached.name
        return self.get(experiment_id).name

    def get(self, name_or_id: str) -> Experiment:
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

    def list(self, *, include_archived: bool = False) -> list[Experiment]:
        stmt = select(experiments).order_by(experiments.c.created_at)
        if not include_archived:
            stmt = stmt.where(experiments.c.lifecycle == "active")
        with db.read(self.engine, "list experiments") as conn:
            return [Experiment(**row._asdict()) for row in conn.execute(stmt)]

    def forget(self) -> None:
        self._by_name.clear()
