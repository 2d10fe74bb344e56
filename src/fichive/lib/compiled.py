"""Queries that are the same for every user but for the user's id (and one object's id),
built by the ORM once per process (per database and per `shape`) and run again as plain SQL
with the next ids in place: building a query with several visibility conditions costs a few
ms of CPU, and some (the header's unread inbox count, the reading pages' work) run on every
page.

`shape` must name everything about the user, other than their id, that changes the query
(their roles); the query's other parameters must be constants.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet

# Ids nothing has (ids are positive): a query is built for them, and every parameter that is
# one of these values stands for the user's id or the object's.
_SOMEONE = -7_301_946_285
_SOMETHING = -5_918_274_630
# The largest id a 64-bit integer column holds.
_LARGEST_ID = 2**63 - 1


class _Built:
    def __init__(self, model: Any, sql: str, params: list[Any]) -> None:
        self.model, self.sql, self.params = model, sql, params
        self.users = [i for i, p in enumerate(params) if type(p) is int and p == _SOMEONE]
        self.objects = [i for i, p in enumerate(params) if type(p) is int and p == _SOMETHING]

    def params_for(self, user_id: int, object_id: int | None = None) -> list[Any]:
        params = list(self.params)
        for slot in self.users:
            params[slot] = user_id
        for slot in self.objects:
            params[slot] = object_id
        return params


_built: dict[tuple[str, Hashable], _Built] = {}
_lock = threading.Lock()


def _kept_sql(alias: str, shape: Hashable, build: Callable[[], QuerySet[Any]]) -> _Built:
    """The SQL of `build()` on `alias`, built by the ORM on the first call for a shape."""
    found = _built.get((alias, shape))
    if found is None:
        query = build()
        if router.db_for_read(query.model) != alias:
            raise ValueError("the rows are read from another database than the ids'")
        sql, params = query.query.get_compiler(using=alias).as_sql()
        found = _Built(query.model, sql, list(params))
        with _lock:
            _built[(alias, shape)] = found
    return found


def _compiled(shape: Hashable, user: Any, build: Callable[[Any], QuerySet[Any]]) -> _Built:
    def for_someone() -> QuerySet[Any]:
        someone = copy.copy(user)
        someone.pk = someone.id = _SOMEONE
        return build(someone)

    return _kept_sql(router.db_for_read(user.__class__), shape, for_someone)


def user_object(shape: Hashable, user: Any, object_id: int,
                build: Callable[[Any, int], QuerySet[Any]]) -> Any:
    """The model instance `build(user, object_id)` finds, or None. On the first call for a
    shape, `build` gets a copy of `user` and an id no object has; after that it isn't
    called."""
    if not -_LARGEST_ID <= object_id <= _LARGEST_ID:  # no such row, and no database takes it
        return None
    built = _compiled(shape, user, lambda someone: build(someone, _SOMETHING))
    rows = built.model.objects.raw(built.sql, built.params_for(user.pk, object_id))
    return next(iter(rows), None)


def user_count(shape: Hashable, user: Any, build: Callable[[Any], QuerySet[Any]]) -> int:
    """How many rows `build(user)` finds (its ordering and selection left aside). On the
    first call for a shape, `build` gets a copy of `user` with an id no one has; after that
    it isn't called."""
    built = _compiled(shape, user, lambda someone: build(someone).order_by().values("pk"))
    # The ORM's own SQL, its values kept as parameters.
    sql = f"SELECT COUNT(*) FROM ({built.sql}) counted"  # noqa: S608
    with connections[router.db_for_read(user.__class__)].cursor() as cursor:
        cursor.execute(sql, built.params_for(user.pk))
        return int(cursor.fetchone()[0])


def object_by_ids(shape: Hashable, model: Any, first_id: int, second_id: int,
                  build: Callable[[int, int], QuerySet[Any]]) -> Any:
    """The instance `build(first_id, second_id)` finds (e.g. a work's chapter by its id), or
    None; the query is built by the ORM on the first call for a shape only, as above. Both
    must be ids (64-bit columns): the stand-in values are out of a smaller column's range,
    for which the ORM builds no SQL."""
    if not all(-_LARGEST_ID <= i <= _LARGEST_ID for i in (first_id, second_id)):
        return None
    alias = router.db_for_read(model)
    found = _kept_sql(alias, shape, lambda: build(_SOMEONE, _SOMETHING))
    rows = found.model.objects.db_manager(alias).raw(found.sql,
                                                     found.params_for(first_id, second_id))
    return next(iter(rows), None)
