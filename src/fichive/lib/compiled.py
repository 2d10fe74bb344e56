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
import re
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
LARGEST_ID = _LARGEST_ID = 2**63 - 1


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


# Stand-ins for a kept statement's parameters (Slots): positive, within a 32-bit column's
# range (the ORM builds no SQL for a value out of a column's range) and far above any constant
# a query holds; a page's LIMIT and OFFSET, which the ORM writes into the SQL's text.
_FIRST_SLOT = 1_900_000_001
_LIMIT, _OFFSET = 1_987_654_321, 1_876_543_219
_PLACEHOLDER = re.compile(r"%%|%s")
_TEXT_SLOT = "\x1fslot-"


class Slots:
    """Stand-in values handed out by name while a statement is built (kept_statement): each
    is a parameter of the SQL, bound to the real value at each run (Statement.bind)."""

    def __init__(self) -> None:
        self.named: dict[Any, tuple[str, int]] = {}

    def _take(self, name: str, index: int, value: Any) -> Any:
        self.named[value] = (name, index)
        return value

    def one(self, name: str) -> int:
        """An integer parameter (an id, a number)."""
        return self._take(name, 0, _FIRST_SLOT + len(self.named))

    def many(self, name: str, size: int) -> list[int]:
        """`size` integer parameters (an IN list); bind gives 1 to `size` values, the list
        filled up with its last value (the same IN list)."""
        return [self._take(name, i, _FIRST_SLOT + len(self.named)) for i in range(size)]

    def text(self, name: str) -> str:
        """A text parameter."""
        return self._take(name, 0, f"{_TEXT_SLOT}{len(self.named)}")

    @staticmethod
    def page() -> slice:
        """A slice of the query whose LIMIT and OFFSET are bound as `limit` and `offset`."""
        return slice(_OFFSET, _OFFSET + _LIMIT)


def padded_size(count: int) -> int:
    """The IN list size a statement is kept for, for `count` values: the next power of two,
    so that lists of any length share a few statements (Slots.many)."""
    return 1 << max(0, count - 1).bit_length()


class Statement:
    """A statement built by the ORM with Slots in its parameters: `sql` and, for each
    parameter, either a constant or the (name, index) of a slot."""

    def __init__(self, compiler: Any, sql: str, params: list[Any], slots: Slots) -> None:
        # The compiler that wrote the SQL knows what its columns are (converters, the models
        # select_related reads): `rows` and `objects` read the results through it.
        self.compiler, self.model, self.sql = compiler, compiler.query.model, sql
        self.params: list[Any] = list(params)
        self.slots: list[tuple[int, str, int]] = []
        # The ORM may hand a value on in a type of the driver's (psycopg's Int4 for an
        # integer column): the bound value is given the same type (Statement.kinds).
        self.kinds: dict[int, type] = {}
        for position, value in enumerate(params):
            if isinstance(value, int | str) and not isinstance(value, bool) and (
                    value in slots.named):
                self.slots.append((position, *slots.named[value]))
                if type(value) not in (int, str):
                    self.kinds[position] = type(value)
            elif isinstance(value, str) and _TEXT_SLOT in value:
                raise ValueError("a stand-in text is changed in the statement's parameters")
        self._page_slots()
        # A slot the statement doesn't use is fine (the statement doesn't depend on it), one
        # written into its text isn't (that value would be kept with the SQL).
        if any(str(value) in self.sql for value in slots.named):
            raise ValueError("a stand-in value is written in the statement's SQL")

    def _page_slots(self) -> None:
        """LIMIT and OFFSET, written into the SQL by the ORM, made parameters."""
        found = []
        for name, value in (("limit", _LIMIT), ("offset", _OFFSET)):
            text = f" {value}"
            if self.sql.count(text) > 1:
                raise ValueError("a page's stand-in LIMIT or OFFSET is found twice")
            at = self.sql.find(text)
            if at >= 0:
                found.append((at, name, text))
        for at, name, text in sorted(found, reverse=True):
            position = sum(1 for m in _PLACEHOLDER.finditer(self.sql, 0, at)
                           if m.group() == "%s")
            self.sql = f"{self.sql[:at]} %s{self.sql[at + len(text):]}"
            self.slots = [(p + 1 if p >= position else p, n, i) for p, n, i in self.slots]
            self.kinds = {p + 1 if p >= position else p: k for p, k in self.kinds.items()}
            self.params.insert(position, None)
            self.slots.append((position, name, 0))

    def _results(self, alias: str, values: dict[str, Any]) -> tuple[Any, Any]:
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[alias]
        with compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, self.bind(values))
            return compiler, compiler.results_iter([cursor.fetchall()])

    def rows(self, alias: str, values: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The rows of a values_list() statement, as the ORM reads them (its converters:
        dates and booleans on SQLite)."""
        return [tuple(row) for row in self._results(alias, values)[1]]

    def objects(self, alias: str, values: dict[str, Any]) -> list[Any]:
        """The model instances of a statement, with what it select_related, as the ORM's
        ModelIterable makes them."""
        from django.db.models.query import get_related_populators

        compiler, rows = self._results(alias, values)
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, alias)
        found = []
        for row in rows:
            instance = klass_info["model"].from_db(alias, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            found.append(instance)
        return found

    def bind(self, values: dict[str, Any]) -> list[Any]:
        """The parameters with each slot's value (a list for Slots.many)."""
        params = list(self.params)
        for position, name, index in self.slots:
            value = values[name]
            if isinstance(value, list | tuple):
                if not value:
                    raise ValueError(f"no values for {name}")
                value = value[min(index, len(value) - 1)]
            kind = self.kinds.get(position)
            params[position] = value if kind is None else kind(value)
        return params


_statements: dict[tuple[str, Hashable], Statement] = {}
# A process keeps at most this many statements (a few KB each); past it, it starts afresh.
KEPT_STATEMENTS = 1000


def kept_statement(alias: str, shape: Hashable,
                   build: Callable[[Slots], QuerySet[Any]]) -> Statement:
    """The SQL of `build(slots)` on `alias`, built by the ORM on the first call for a shape
    and kept. `shape` must name everything that changes the SQL's text (which conditions
    are there, how many values in each IN list, the sort); every value that differs between
    calls of the same shape must come from `slots`."""
    found = _statements.get((alias, shape))
    if found is None:
        slots = Slots()
        compiler = build(slots).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        found = Statement(compiler, sql, list(params), slots)
        with _lock:
            if len(_statements) >= KEPT_STATEMENTS:
                _statements.clear()
            _statements[(alias, shape)] = found
    return found
