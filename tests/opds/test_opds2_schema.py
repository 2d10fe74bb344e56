"""Every OPDS 2.0 feed of the catalog holds to the specification's rules
(tests/opds/opds2_schema.py, checked with jsonschema), and the rules catch what they should."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from fichive.readings.services import reading_mark_for_later
from fichive.tags.models import Tag
from tests.factories import WorkFactory
from tests.opds.opds2_schema import FEED

pytestmark = pytest.mark.django_db
VALIDATOR = jsonschema.Draft202012Validator(FEED)


@pytest.fixture
def shelf(author, reader):
    work = WorkFactory(author=author, title="Open Sea", fandoms=["Lighthouse Keepers"],
                       characters=["Wren"], freeforms=["Fog"])
    WorkFactory(author=author, title="Hidden Name", anonymous=True)
    Tag.objects.filter(name__in=["Lighthouse Keepers", "Wren"]).update(canonical=True)
    reading_mark_for_later(user=reader, work=work)
    return work


def problems(data: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in VALIDATOR.iter_errors(data)]


@pytest.mark.parametrize("path", [
    "", "works", "works?sort=kudos&complete=yes", "works?page=2", "search?q=sea", "fandoms",
    "tags/Lighthouse%20Keepers", "tags/Lighthouse%20Keepers/works", "me/later",
])
def test_every_json_feed_holds_to_the_opds2_rules(client, reader, shelf, path):
    client.force_login(reader)
    response = client.get(f"/opds/v2/{path}")
    assert response.status_code == 200, (path, response.content[:200])
    data = json.loads(response.content)
    assert not problems(data), problems(data)


def test_the_rules_catch_a_broken_feed(client, shelf):
    data = json.loads(client.get("/opds/v2/works").content)
    assert data["publications"] and not problems(data)
    for breaking in (
        lambda d: d["metadata"].pop("title"),
        lambda d: d.update(links=[link for link in d["links"] if link["rel"] != "self"]),
        lambda d: d["publications"][0].update(links=[
            link for link in d["publications"][0]["links"]
            if "acquisition" not in str(link.get("rel"))]),
        lambda d: d["publications"][0].pop("images"),
        lambda d: d["publications"][0]["metadata"].pop("identifier"),
        lambda d: d["publications"][0]["metadata"].update(identifier="not a uri"),
        lambda d: d["publications"][0]["links"][0].pop("href"),
        lambda d: d.pop("publications"),
    ):
        broken = copy.deepcopy(data)
        breaking(broken)
        assert problems(broken)
