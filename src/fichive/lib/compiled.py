"""Counts whose query is the same for every user but for the user's id, built by the ORM once
per process (per database and per `shape`) and run again as plain SQL with the next user's
id in place: building a query with several visibility conditions costs a few ms of CPU, and
some (the header's unread inbox count) run on every logged-in page.

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

# An id no user has (ids are positive): the query is built for it, and every parameter that
# is this value stands for the user's id.
_SOMEONE = -7_301_946_285

_built: dict[tuple[str, Hashable], tuple[str, list[Any], list[int]]] = {}
_lock = threading.Lock()


def user_count(shape: Hashable, user: Any, build: Callable[[Any], QuerySet[Any]]) -> int:
    """How many rows `build(user)` finds (its ordering and selection left aside). On the
    first call for a shape, `build` gets a copy of `user` with an id no one has; after that
    it isn't called."""
    key = (router.db_for_read(user.__class__), shape)
    found = _built.get(key)
    if found is None:
        someone = copy.copy(user)
        someone.pk = someone.id = _SOMEONE
        query = build(someone).order_by().values("pk")
        if router.db_for_read(query.model) != key[0]:
            raise ValueError("user_count: the counted rows are read from another database")
        sql, params = query.query.get_compiler(using=key[0]).as_sql()
        slots = [i for i, value in enumerate(params) if type(value) is int and value == _SOMEONE]
        # The ORM's own SQL, its values kept as parameters.
        found = (f"SELECT COUNT(*) FROM ({sql}) counted",  # noqa: S608
                 list(params), slots)
        with _lock:
            _built[key] = found
    sql, template, slots = found
    params = list(template)
    for slot in slots:
        params[slot] = user.pk
    with connections[key[0]].cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])
