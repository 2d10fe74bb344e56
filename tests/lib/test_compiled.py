"""Statements kept per shape (lib/compiled.kept_statement): built once on stand-in values, run
again with each call's own, they find what the ORM's query with those values finds."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS
from django.db.models.expressions import RawSQL

from fichive.lib import compiled
from fichive.lib.compiled import kept_statement, padded_size
from fichive.tags.models import Tag
from fichive.works.models import Work
from tests.factories import WorkFactory


@pytest.fixture
def works(author):
    return [WorkFactory(author=author, title=f"Work {i}", fandoms=[f"Fandom {i % 2}"])
            for i in range(6)]


def test_in_lists_are_kept_for_a_power_of_two_and_filled_up(works):
    ids = [w.pk for w in works]
    assert [padded_size(n) for n in (1, 2, 3, 4, 5, 9)] == [1, 2, 4, 4, 8, 16]
    compiled._statements.clear()
    for chosen in (ids[:3], ids[2:6], [ids[5]]):
        size = padded_size(len(chosen))

        def build(slots, size=size):
            return (Work.objects.filter(pk__in=slots.many("ids", size)).order_by("id")
                    .values_list("id", "title"))

        statement = kept_statement(DEFAULT_DB_ALIAS, ("ids", size), build)
        assert statement.rows(DEFAULT_DB_ALIAS, {"ids": chosen}) == list(
            Work.objects.filter(pk__in=chosen).order_by("id").values_list("id", "title"))
    assert len(compiled._statements) == 2  # sizes 4 (three ids, then four) and 1


def test_a_page_binds_its_limit_and_offset(works):
    statement = kept_statement(DEFAULT_DB_ALIAS, "page-of-works", lambda slots: (
        Work.objects.order_by("-id")[slots.page()].values_list("id")))
    everything = list(Work.objects.order_by("-id").values_list("id"))
    for offset, limit in ((0, 2), (1, 3), (4, 20), (10, 5)):
        assert statement.rows(DEFAULT_DB_ALIAS, {"limit": limit, "offset": offset}) == (
            everything[offset:offset + limit])


def test_text_and_model_instances_with_what_they_select(works):
    statement = kept_statement(DEFAULT_DB_ALIAS, "tag-by-key", lambda slots: (
        Tag.objects.select_related("merger").filter(key=slots.text("key"))))
    for key in ("fandom 0", "fandom 1", "no such tag"):
        found = statement.objects(DEFAULT_DB_ALIAS, {"key": key})
        assert found == list(Tag.objects.filter(key=key))
        assert all(tag._state.db == DEFAULT_DB_ALIAS for tag in found)


def test_a_value_written_into_the_sql_is_refused(works):
    with pytest.raises(ValueError, match="written"):
        kept_statement(DEFAULT_DB_ALIAS, "inlined", lambda slots: Work.objects.filter(
            id__gt=RawSQL(str(slots.one("least")), [])))  # noqa: S611 - a constant
