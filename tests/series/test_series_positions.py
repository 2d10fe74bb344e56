"""series_add_work's `position`: the part's sort key, for importers that know a work's part
number; without it the work goes last, as before."""

import pytest
from django.core.exceptions import ValidationError

from fichive.series.services import series_add_work, series_create
from tests.factories import WorkFactory


def _titles(series) -> list[str]:
    return list(series.parts.values_list("work__title", flat=True))


def test_parts_given_numbers_stand_in_their_order_whatever_the_order_added(author):
    series = series_create(user=author, title="Numbered")
    works = {n: WorkFactory(author=author, title=f"Part {n}") for n in (1, 2, 3, 7)}
    for n in (7, 2, 3, 1):
        series_add_work(user=author, series=series, work=works[n], position=n)
    assert _titles(series) == ["Part 1", "Part 2", "Part 3", "Part 7"]
    # Without a position the work goes after the last, as before.
    series_add_work(user=author, series=series, work=WorkFactory(author=author, title="Tail"))
    assert _titles(series)[-1] == "Tail"
    # Adding a part again with a new number moves it; with none it stays.
    series_add_work(user=author, series=series, work=works[7], position=0)
    series_add_work(user=author, series=series, work=works[2])
    assert _titles(series) == ["Part 7", "Part 1", "Part 2", "Part 3", "Tail"]


def test_a_negative_position_is_refused(author):
    series = series_create(user=author, title="Numbered")
    with pytest.raises(ValidationError) as error:
        series_add_work(user=author, series=series, work=WorkFactory(author=author),
                        position=-1)
    assert "position" in error.value.message_dict
    assert not series.parts.exists()
