"""A series never reveals who made its anonymous parts: its byline and the creator's series
list leave out the creators of anonymous parts for everyone else."""

from __future__ import annotations

from django.test import Client

from fichive.series.services import series_add_work, series_create
from tests.factories import UserFactory, WorkFactory


def _series_with_anonymous_part(author):
    series = series_create(user=author, title="Masked Tales")
    work = WorkFactory(author=author, title="Behind the Mask", anonymous=True)
    series_add_work(user=author, series=series, work=work)
    return series


def test_the_series_byline_hides_the_creator_of_an_anonymous_part(author, reader_client):
    series = _series_with_anonymous_part(author)
    for client in (Client(), reader_client):
        page = client.get(f"/series/{series.pk}").content.decode()
        assert "Behind the Mask" in page
        assert "Anonymous" in page
        assert author.username not in page


def test_the_creators_series_list_hides_it_from_others_but_not_from_them(author,
                                                                        author_client):
    _series_with_anonymous_part(author)
    named = series_create(user=author, title="Open Tales")
    series_add_work(user=author, series=named, work=WorkFactory(author=author))
    others = Client().get(f"/users/{author.username}/series").content.decode()
    assert "Open Tales" in others and "Masked Tales" not in others
    own = author_client.get(f"/users/{author.username}/series").content.decode()
    assert "Open Tales" in own and "Masked Tales" in own


def test_a_named_co_creator_of_the_series_stays_on_its_byline(author):
    other = UserFactory(username="namedpartner")
    series = series_create(user=other, title="Shared Tales")
    series_add_work(user=other, series=series, work=WorkFactory(author=other))
    work = WorkFactory(author=author, title="Quiet Part", anonymous=True)
    series.creatorships.create(pseud=author.default_pseud, position=1)
    series_add_work(user=author, series=series, work=work)
    page = Client().get(f"/series/{series.pk}").content.decode()
    assert "namedpartner" in page and "Quiet Part" in page
    assert author.username not in page
