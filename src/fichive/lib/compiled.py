"""Queries built by the ORM once per process (per database and per `shape`) and run again
as plain SQL with the next values in place: building a query with several visibility
conditions costs a few ms of CPU, and some (the header's unread inbox count, the reading
pages' work, the logged-in user, a listing's) run on every page.

kept_statement builds a query on stand-in values (Slots) and keeps its SQL; each run binds
the real values. `shape` must name everything that changes the SQL's text (for a user, their
roles; for a listing, which conditions and how many values in each IN list); every other value
must come from the slots. user_object, user_count and object_by_ids are the common cases: a
user's id and one object's id.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet

# The largest id a 64-bit integer column holds.
LARGEST_ID = 2**63 - 1


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
        """The model instances of a statement, with what it select_related and its
        annotations, as the ORM's ModelIterable makes them."""
        from django.db.models.query import (  # type: ignore[attr-defined]
            get_related_populators,
        )

        compiler, rows = self._results(alias, values)
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, alias)
        annotations = compiler.annotation_col_map.items()
        found = []
        for row in rows:
            instance = klass_info["model"].from_db(alias, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, column in annotations:
                setattr(instance, name, row[column])
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
_lock = threading.Lock()
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


def _someone(user: Any, slots: Slots) -> Any:
    """A copy of `user` whose id is the statement's `user` slot."""
    someone = copy.copy(user)
    someone.pk = someone.id = slots.one("user")
    return someone


def user_object(shape: Hashable, user: Any, object_id: int,
                build: Callable[[Any, int], QuerySet[Any]]) -> Any:
    """The model instance `build(user, object_id)` finds, or None. On the first call for a
    shape, `build` gets a copy of `user` and an id that are stand-ins (Slots); after that it
    isn't called."""
    if not -LARGEST_ID <= object_id <= LARGEST_ID:  # no such row, and no database takes it
        return None
    alias = router.db_for_read(user.__class__)
    statement = kept_statement(alias, shape, lambda slots: build(_someone(user, slots),
                                                                 slots.one("object")))
    return next(iter(statement.objects(alias, {"user": user.pk, "object": object_id})), None)


def user_count(shape: Hashable, user: Any, build: Callable[[Any], QuerySet[Any]]) -> int:
    """How many rows `build(user)` finds (its ordering and selection left aside). On the
    first call for a shape, `build` gets a copy of `user` with a stand-in id; after that it
    isn't called."""
    alias = router.db_for_read(user.__class__)
    statement = kept_statement(alias, shape, lambda slots: build(
        _someone(user, slots)).order_by().values("pk"))
    # The ORM's own SQL, its values kept as parameters.
    sql = f"SELECT COUNT(*) FROM ({statement.sql}) counted"  # noqa: S608
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, statement.bind({"user": user.pk}))
        return int(cursor.fetchone()[0])


def object_by_ids(shape: Hashable, model: Any, first_id: int, second_id: int,
                  build: Callable[[int, int], QuerySet[Any]]) -> Any:
    """The instance `build(first_id, second_id)` finds (e.g. a work's chapter by its id), or
    None; the query is built by the ORM on the first call for a shape only, as above."""
    if not all(-LARGEST_ID <= i <= LARGEST_ID for i in (first_id, second_id)):
        return None
    alias = router.db_for_read(model)
    statement = kept_statement(alias, shape, lambda slots: build(slots.one("first"),
                                                                 slots.one("second")))
    if statement.model is not model:
        raise ValueError("the statement reads another model than the one asked for")
    return next(iter(statement.objects(alias, {"first": first_id, "second": second_id})),
                None)
