"""The characters a relationship tag names ("A/B" romantic, "A & B" platonic), resolved to
their canonical tags, created unwrangled when missing, and looked up in bulk for filter tags."""

from __future__ import annotations

from fichive.tags.models import Tag, WranglingLog
from fichive.tags.relationships import relationship_character_ids, relationship_character_names
from fichive.tags.services import (
    relationship_characters,
    tag_make_canonical,
    tag_make_synonym,
    tag_set_parents,
)
from tests.tags.helpers import tag


def test_names_split_on_slash_and_ampersand():
    assert relationship_character_names("Elizabeth Bennet/Fitzwilliam Darcy") == [
        "Elizabeth Bennet", "Fitzwilliam Darcy"]
    assert relationship_character_names("Sherlock Holmes & John Watson") == [
        "Sherlock Holmes", "John Watson"]
    assert relationship_character_names("A/B/C") == ["A", "B", "C"]
    assert relationship_character_names("Team 7") == []


def test_existing_characters_are_used_and_missing_ones_created_unwrangled(make_tag):
    holmes = make_tag("Sherlock Holmes", "character", canonical=True)
    rel = make_tag("Sherlock Holmes & John Watson", "relationship")

    characters = relationship_characters(rel)

    assert characters[0] == holmes
    assert characters[1].name == "John Watson"
    assert characters[1].type == Tag.Type.CHARACTER
    assert characters[1].is_unwrangled


def test_a_synonym_character_stands_for_its_canonical(wrangler, make_tag):
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    tag_make_synonym(actor=wrangler, tag=make_tag("Sasuke Uchiha", "character"), of=canonical)
    rel = make_tag("Sasuke Uchiha/Haruno Sakura", "relationship")

    names = [t.name for t in relationship_characters(rel)]

    assert names == ["Uchiha Sasuke", "Haruno Sakura"]


def test_a_synonym_relationship_reads_its_canonicals_name(wrangler, make_tag):
    canonical = make_tag("Uchiha Sasuke/Haruno Sakura", "relationship", canonical=True)
    tag_make_synonym(actor=wrangler, tag=make_tag("SasuSaku", "relationship"), of=canonical)

    names = [t.name for t in relationship_characters(tag("SasuSaku"))]

    assert names == ["Uchiha Sasuke", "Haruno Sakura"]


def test_names_taken_by_another_type_are_skipped(make_tag):
    make_tag("Naruto", "fandom", canonical=True)
    rel = make_tag("Naruto & Sasuke", "relationship")

    assert [t.name for t in relationship_characters(rel)] == ["Sasuke"]


def test_lookup_without_creating(make_tag):
    rel = make_tag("A/B", "relationship")

    assert relationship_characters(rel, create=False) == []
    assert not Tag.objects.filter(name="A").exists()


def test_making_a_relationship_canonical_creates_its_characters_in_its_fandoms(wrangler,
                                                                               make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)
    rel = make_tag("Hatake Kakashi & Team 7", "relationship")
    tag_set_parents(actor=wrangler, tag=rel, fandoms=[naruto])

    tag_make_canonical(actor=wrangler, tag=rel)

    assert list(tag("Team 7").parents.all()) == [naruto]
    assert tag("Team 7").is_unwrangled
    assert WranglingLog.objects.first().detail == "characters: Hatake Kakashi, Team 7"


def test_bulk_lookup_maps_relationships_to_canonical_characters(wrangler, make_tag,
                                                                 django_assert_num_queries):
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    tag_make_synonym(actor=wrangler, tag=make_tag("Sasuke Uchiha", "character"), of=canonical)
    sakura = make_tag("Haruno Sakura", "character")
    first = make_tag("Sasuke Uchiha/Haruno Sakura", "relationship")
    second = make_tag("Uchiha Sasuke & Nobody Known", "relationship")

    with django_assert_num_queries(2):
        found = relationship_character_ids([first.pk, second.pk])

    assert found == {first.pk: {canonical.pk, sakura.pk}, second.pk: {canonical.pk}}


def test_a_wrangled_relationship_makes_its_characters_findable_on_the_work(author):
    from fichive.tags.models import Tag
    from fichive.works.filter_tags import filter_tags_rebuild
    from tests.factories import WorkFactory

    work = WorkFactory(author=author, fandoms=["Naruto"], characters=["Uchiha Sasuke"],
                       relationships=["Uchiha Sasuke/Haruno Sakura"])
    sakura = Tag.objects.create(type=Tag.Type.CHARACTER, name="Haruno Sakura", canonical=True)
    relationship = Tag.objects.get(name="Uchiha Sasuke/Haruno Sakura")

    filter_tags_rebuild(work_ids=[work.pk])
    assert not work.filter_taggings.filter(tag=sakura).exists()  # unwrangled: nothing implied

    relationship.canonical = True
    relationship.save(update_fields=["canonical"])
    filter_tags_rebuild(work_ids=[work.pk])
    assert work.filter_taggings.filter(tag=sakura).exists()
    assert not work.taggings.filter(tag=sakura).exists()  # the work's own tags are unchanged
