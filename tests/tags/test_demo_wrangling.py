"""The demo archive arrives wrangled: canonical tags, fandoms in media, parent fandoms, a meta
tag and a synonym, all done through the wrangling services (so the log shows them)."""

from __future__ import annotations

import pytest

from fichive.demo.content import DEMO_WORKS
from fichive.demo.loader import demo_load
from fichive.tags.models import Tag, WranglingLog
from tests.tags.helpers import found_under, page, tag


@pytest.fixture
def loaded(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert demo_load(out=lambda line: None)


def test_every_tag_the_demo_works_use_is_canonical(loaded):
    names = {name for item in DEMO_WORKS
             for key in ("fandoms", "relationships", "characters", "freeforms")
             for name in item[key]}

    assert not Tag.objects.filter(name__in=names, canonical=False).exists()


def test_demo_fandoms_are_sorted_into_media(loaded):
    assert tag("Naruto").media == "Anime & Manga"
    assert tag("Sherlock Holmes - Arthur Conan Doyle").media == "Books & Literature"
    assert tag("Pride and Prejudice - Jane Austen").media == "Books & Literature"
    assert tag("Original Work").media == "Other Media"


def test_demo_tags_belong_to_their_works_fandoms(loaded):
    assert [t.name for t in tag("Uzumaki Naruto").parents.all()] == ["Naruto"]
    # Used only in the crossover, so it belongs to both of its fandoms.
    assert {t.name for t in tag("Crossover").parents.all()} == {
        "Sherlock Holmes - Arthur Conan Doyle", "Pride and Prejudice - Jane Austen"}
    # Used in a crossover and elsewhere: only its own fandom.
    assert [t.name for t in tag("Sherlock Holmes").parents.all()] == [
        "Sherlock Holmes - Arthur Conan Doyle"]


def test_the_demo_shows_a_meta_tag_and_a_synonym(loaded, client):
    assert found_under("Alternate Universe") == found_under(
        "Alternate Universe - Modern Setting") | found_under("Alternate Universe - Bookshop")
    assert found_under("Alternate Universe")
    assert tag("Sasuke Uchiha").merger == tag("Uchiha Sasuke")
    assert "<strong>synonym</strong>" in page(client.get("/tags/Sasuke%20Uchiha"))


def test_the_demo_wrangling_is_in_the_log_and_leaves_something_to_wrangle(loaded):
    assert WranglingLog.objects.filter(action="made synonym", tag_name="Sasuke Uchiha").exists()
    # "Hatake Kakashi & Team 7" names a character no work uses yet.
    assert tag("Team 7").is_unwrangled
    assert [t.name for t in tag("Team 7").parents.all()] == ["Naruto"]


def test_the_demo_media_pages_count_what_guests_may_see(loaded, client):
    html = page(client.get("/media/books-literature/fandoms"))

    assert "Pride and Prejudice - Jane Austen</a> (3)" in html
