"""Searching for people (pseuds and accounts) and for tags."""

from __future__ import annotations

from fichive.accounts.services import pseud_create
from fichive.tags.models import Tag
from fichive.tags.services import tag_make_canonical, tag_make_synonym
from tests.factories import WorkFactory


def test_people_are_found_by_pseud_or_account_name(client, author):
    pseud_create(user=author, name="Nightjar")
    WorkFactory(author=author)
    WorkFactory(author=author, restricted=True)
    html = client.get("/people/search", {"q": "night"}).content.decode()
    assert "Nightjar (alice)" in html
    html = client.get("/people/search", {"q": "ALI"}).content.decode()
    assert "alice</a> · 1 work" in html  # the restricted work isn't counted for guests
    assert "Nobody is called" in client.get("/people/search", {"q": "zzz"}).content.decode()


def test_tags_are_found_by_name_and_type_with_their_synonyms(client, author):
    WorkFactory(author=author, freeforms=["Hurt/Comfort", "h/c"], characters=["Hurt Locke"])
    canonical = Tag.objects.get(name="Hurt/Comfort")
    tag_make_canonical(actor=None, tag=canonical)
    tag_make_synonym(actor=None, tag=Tag.objects.get(name="h/c"), of=canonical)
    html = client.get("/tags/search", {"q": "hurt"}).content.decode()
    assert "Hurt/Comfort" in html and "Hurt Locke" in html
    html = client.get("/tags/search", {"q": "hurt", "type": "character"}).content.decode()
    assert "Hurt Locke" in html and "Hurt/Comfort" not in html
    html = client.get("/tags/search", {"q": "h/c"}).content.decode()
    assert "a synonym of" in html
    response = client.get("/tags/search", {"q": "hurt", "type": "weapon"})
    assert response.status_code == 400
    assert "is not a kind of tag" in response.content.decode()
