"""Series writes: making a series, adding, ordering and removing parts, who may."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fichive.series.models import SeriesPart
from fichive.series.services import (
    series_add_work,
    series_create,
    series_delete,
    series_remove_work,
    series_reorder,
)
from tests.factories import WorkFactory


def test_parts_are_numbered_in_the_order_added_and_can_be_reordered(author):
    series = series_create(user=author, title="  Team   Seven ")
    first, second = WorkFactory(author=author), WorkFactory(author=author)
    series_add_work(user=author, series=series, work=first)
    series_add_work(user=author, series=series, work=second)
    series_add_work(user=author, series=series, work=first)  # already a part: no change
    assert series.title == "Team Seven"
    assert list(series.parts.values_list("work_id", flat=True)) == [first.pk, second.pk]
    series_reorder(user=author, series=series, work_ids=[second.pk, first.pk])
    assert list(series.parts.values_list("work_id", flat=True)) == [second.pk, first.pk]
    with pytest.raises(ValidationError):
        series_reorder(user=author, series=series, work_ids=[second.pk])
    series_remove_work(user=author, series=series, work=second)
    assert list(series.parts.values_list("work_id", flat=True)) == [first.pk]
    series_delete(user=author, series=series)
    assert SeriesPart.objects.count() == 0
    first.refresh_from_db()


def test_only_creators_of_both_may_add_a_work(author, stranger):
    series = series_create(user=author, title="Mine")
    theirs = WorkFactory(author=stranger)
    with pytest.raises(PermissionDenied):
        series_add_work(user=author, series=series, work=theirs)
    with pytest.raises(PermissionDenied):
        series_add_work(user=stranger, series=series, work=theirs)


def test_a_title_is_required(author):
    with pytest.raises(ValidationError) as error:
        series_create(user=author, title="   ")
    assert "title" in error.value.message_dict
