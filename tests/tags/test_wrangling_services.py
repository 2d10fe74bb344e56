"""The wrangling services: canonical status, synonyms, renames, parent fandoms, meta tags,
media, bulk actions and the wrangler role, each refusing what AO3 refuses and leaving a log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fichive.accounts.services import wrangler_grant, wrangler_revoke
from fichive.tags.models import Tag, WranglingLog
from fichive.tags.services import (
    tag_add_meta,
    tag_add_parent,
    tag_make_canonical,
    tag_make_synonym,
    tag_rename,
    tag_set_media,
    tag_set_parents,
    tag_unmake_canonical,
    tag_unmake_synonym,
    tags_bulk,
)
from tests.tags.helpers import tag


def _messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# Canonical status ---------------------------------------------------------------------------


def test_making_a_tag_canonical_logs_who_did_it(wrangler, make_tag):
    fluff = make_tag("Fluff", "freeform")

    tag_make_canonical(actor=wrangler, tag=fluff)

    assert tag("Fluff").canonical
    entry = WranglingLog.objects.get()
    assert (entry.actor, entry.tag, entry.tag_name, entry.action) == (
        wrangler, tag("Fluff"), "Fluff", "made canonical")


def test_making_a_canonical_tag_canonical_again_changes_and_logs_nothing(wrangler, make_tag):
    fluff = make_tag("Fluff", "freeform", canonical=True)

    tag_make_canonical(actor=wrangler, tag=fluff)

    assert not WranglingLog.objects.exists()


def test_fixed_tags_cannot_be_wrangled(wrangler):
    explicit = tag("Explicit")

    with pytest.raises(ValidationError, match="fixed"):
        tag_unmake_canonical(actor=wrangler, tag=explicit)
    with pytest.raises(ValidationError, match="fixed"):
        tag_rename(actor=wrangler, tag=explicit, new_name="Very Explicit")


def test_a_synonym_cannot_be_made_canonical_without_unsynoning_it(wrangler, make_tag):
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    synonym = make_tag("Sasuke Uchiha", "character")
    tag_make_synonym(actor=wrangler, tag=synonym, of=canonical)

    with pytest.raises(ValidationError) as exc:
        tag_make_canonical(actor=wrangler, tag=synonym)

    assert "synonym of “Uchiha Sasuke”" in _messages(exc)


def test_unmaking_canonical_is_refused_while_the_tag_has_synonyms(wrangler, make_tag):
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    tag_make_synonym(actor=wrangler, tag=make_tag("Sasuke Uchiha", "character"), of=canonical)

    with pytest.raises(ValidationError) as exc:
        tag_unmake_canonical(actor=wrangler, tag=canonical)

    assert "still has 1 synonym" in _messages(exc)
    assert tag("Uchiha Sasuke").canonical


def test_unmaking_canonical_is_refused_while_the_tag_has_sub_tags(wrangler, make_tag):
    meta = make_tag("Alternate Universe", "freeform", canonical=True)
    sub = make_tag("Alternate Universe - Modern Setting", "freeform", canonical=True)
    tag_add_meta(actor=wrangler, sub=sub, meta=meta)

    with pytest.raises(ValidationError) as exc:
        tag_unmake_canonical(actor=wrangler, tag=meta)

    assert "1 sub tag" in _messages(exc)


def test_unmaking_a_parent_fandom_canonical_is_refused(wrangler, make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)
    tag_set_parents(actor=wrangler, tag=make_tag("Team 7", "character"), fandoms=[naruto])

    with pytest.raises(ValidationError, match="parent fandom of 1 tag"):
        tag_unmake_canonical(actor=wrangler, tag=naruto)


def test_unmaking_canonical_drops_the_tags_meta_tags(wrangler, make_tag):
    meta = make_tag("Alternate Universe", "freeform", canonical=True)
    sub = make_tag("Alternate Universe - Modern Setting", "freeform", canonical=True)
    tag_add_meta(actor=wrangler, sub=sub, meta=meta)

    tag_unmake_canonical(actor=wrangler, tag=sub)

    assert not tag("Alternate Universe - Modern Setting").canonical
    assert not tag("Alternate Universe - Modern Setting").meta_tags.exists()
    assert "Alternate Universe" in WranglingLog.objects.first().detail


# Synonyms -----------------------------------------------------------------------------------


def test_a_synonym_must_have_the_same_type_as_its_canonical(wrangler, make_tag):
    fandom = make_tag("Naruto", "fandom", canonical=True)
    character = make_tag("Naruto Uzumaki", "character")

    with pytest.raises(ValidationError, match="same type"):
        tag_make_synonym(actor=wrangler, tag=character, of=fandom)


def test_a_synonym_needs_a_canonical_target(wrangler, make_tag):
    target = make_tag("Uchiha Sasuke", "character")

    with pytest.raises(ValidationError, match="isn't canonical"):
        tag_make_synonym(actor=wrangler, tag=make_tag("Sasuke", "character"), of=target)


def test_a_tag_cannot_be_its_own_synonym(wrangler, make_tag):
    sasuke = make_tag("Uchiha Sasuke", "character", canonical=True)

    with pytest.raises(ValidationError, match="itself"):
        tag_make_synonym(actor=wrangler, tag=sasuke, of=sasuke)


def test_merging_a_canonical_tag_hands_everything_to_the_new_canonical(wrangler, make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)
    old = make_tag("Sasuke", "character", canonical=True)
    new = make_tag("Uchiha Sasuke", "character", canonical=True)
    tag_make_synonym(actor=wrangler, tag=make_tag("Sasuke-kun", "character"), of=old)
    tag_set_parents(actor=wrangler, tag=old, fandoms=[naruto])
    meta = make_tag("Uchiha Clan Member", "character", canonical=True)
    tag_add_meta(actor=wrangler, sub=old, meta=meta)

    tag_make_synonym(actor=wrangler, tag=old, of=new)

    merged = tag("Sasuke")
    assert not merged.canonical
    assert merged.merger == new
    assert tag("Sasuke-kun").merger == new
    assert list(new.parents.all()) == [naruto]
    assert list(new.meta_tags.all()) == [meta]
    assert not merged.meta_tags.exists()
    assert not merged.parents.exists()


def test_merging_a_fandom_moves_its_child_tags(wrangler, make_tag):
    old = make_tag("Naruto (Anime)", "fandom", canonical=True)
    new = make_tag("Naruto", "fandom", canonical=True)
    team = make_tag("Team 7", "character")
    tag_set_parents(actor=wrangler, tag=team, fandoms=[old])

    tag_make_synonym(actor=wrangler, tag=old, of=new)

    assert list(tag("Team 7").parents.all()) == [new]


def test_making_a_synonym_of_another_canonical_repoints_it(wrangler, make_tag):
    first = make_tag("Uchiha Sasuke", "character", canonical=True)
    second = make_tag("Sasuke (Boruto)", "character", canonical=True)
    synonym = make_tag("Sasuke", "character")
    tag_make_synonym(actor=wrangler, tag=synonym, of=first)

    tag_make_synonym(actor=wrangler, tag=synonym, of=second)

    assert tag("Sasuke").merger == second
    assert "was a synonym of “Uchiha Sasuke”" in WranglingLog.objects.first().detail


def test_unsynoning_keeps_the_canonicals_fandoms(wrangler, make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    tag_set_parents(actor=wrangler, tag=canonical, fandoms=[naruto])
    synonym = make_tag("Sasuke Uchiha", "character")
    tag_make_synonym(actor=wrangler, tag=synonym, of=canonical)

    tag_unmake_synonym(actor=wrangler, tag=synonym)

    freed = tag("Sasuke Uchiha")
    assert freed.merger is None
    assert list(freed.parents.all()) == [naruto]
    assert WranglingLog.objects.first().action == "unmade synonym"


# Renaming -----------------------------------------------------------------------------------


def test_renaming_to_another_tags_name_is_refused(wrangler, make_tag):
    make_tag("Fluff", "freeform", canonical=True)
    other = make_tag("Fluf", "freeform")

    with pytest.raises(ValidationError) as exc:
        tag_rename(actor=wrangler, tag=other, new_name="fluff")

    assert "There is already an additional tag called “Fluff”" in _messages(exc)
    assert "synonym" in _messages(exc)


def test_changing_only_the_case_of_a_name_is_allowed(wrangler, make_tag):
    fluff = make_tag("fluff", "freeform", canonical=True)

    tag_rename(actor=wrangler, tag=fluff, new_name="Fluff")

    assert tag("Fluff").pk == fluff.pk
    assert WranglingLog.objects.get().detail == "from “fluff”"


def test_a_new_name_must_be_a_valid_tag_name(wrangler, make_tag):
    fluff = make_tag("Fluff", "freeform")

    with pytest.raises(ValidationError, match="character tags can't use"):
        tag_rename(actor=wrangler, tag=fluff, new_name="Fluff, Angst")


# Parent fandoms -----------------------------------------------------------------------------


def test_parents_must_be_canonical_fandoms(wrangler, make_tag):
    team = make_tag("Team 7", "character")
    unwrangled = make_tag("Narutoo", "fandom")
    character = make_tag("Uzumaki Naruto", "character", canonical=True)

    with pytest.raises(ValidationError, match="only canonical tags can be parent fandoms"):
        tag_set_parents(actor=wrangler, tag=team, fandoms=[unwrangled])
    with pytest.raises(ValidationError, match="only fandoms can be parents"):
        tag_set_parents(actor=wrangler, tag=team, fandoms=[character])


def test_only_characters_relationships_and_freeforms_get_parents(wrangler, make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)
    crossover = make_tag("Boruto", "fandom", canonical=True)

    with pytest.raises(ValidationError, match="Only characters, relationships and additional"):
        tag_set_parents(actor=wrangler, tag=crossover, fandoms=[naruto])


def test_synonyms_share_their_canonicals_parents(wrangler, make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    synonym = make_tag("Sasuke Uchiha", "character")
    tag_set_parents(actor=wrangler, tag=synonym, fandoms=[naruto])

    tag_make_synonym(actor=wrangler, tag=synonym, of=canonical)

    assert list(tag("Uchiha Sasuke").parents.all()) == [naruto]
    with pytest.raises(ValidationError, match="shares its fandoms"):
        tag_add_parent(actor=wrangler, tag=synonym, fandom=naruto)


def test_setting_parents_replaces_them_and_logs_old_and_new(wrangler, make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)
    boruto = make_tag("Boruto", "fandom", canonical=True)
    team = make_tag("Team 7", "character")
    tag_add_parent(actor=wrangler, tag=team, fandom=naruto)

    tag_set_parents(actor=wrangler, tag=team, fandoms=[boruto])

    assert list(tag("Team 7").parents.all()) == [boruto]
    assert WranglingLog.objects.first().detail == "Boruto (were: Naruto)"


def test_adding_a_parent_twice_adds_it_once(wrangler, make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)
    team = make_tag("Team 7", "character")

    tag_add_parent(actor=wrangler, tag=team, fandom=naruto)
    tag_add_parent(actor=wrangler, tag=team, fandom=naruto)

    assert tag("Team 7").parents.count() == 1
    assert WranglingLog.objects.count() == 1


# Meta tags and media ------------------------------------------------------------------------


def test_meta_tags_must_be_canonical_and_of_the_same_type(wrangler, make_tag):
    meta = make_tag("Alternate Universe", "freeform", canonical=True)
    unwrangled = make_tag("AU", "freeform")
    fandom = make_tag("Naruto", "fandom", canonical=True)

    with pytest.raises(ValidationError, match="isn't canonical"):
        tag_add_meta(actor=wrangler, sub=unwrangled, meta=meta)
    with pytest.raises(ValidationError, match="same type"):
        tag_add_meta(actor=wrangler, sub=fandom, meta=meta)
    with pytest.raises(ValidationError, match="its own meta tag"):
        tag_add_meta(actor=wrangler, sub=meta, meta=meta)


def test_media_is_for_fandoms_and_must_be_a_known_category(wrangler, make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)

    tag_set_media(actor=wrangler, fandom=naruto, media="Anime & Manga")

    assert tag("Naruto").media == "Anime & Manga"
    with pytest.raises(ValidationError) as exc:
        tag_set_media(actor=wrangler, fandom=naruto, media="Anime")
    assert "Books & Literature" in _messages(exc)
    with pytest.raises(ValidationError, match="Only fandoms"):
        tag_set_media(actor=wrangler, fandom=make_tag("Fluff", "freeform"), media="Movies")


# Bulk actions -------------------------------------------------------------------------------


def test_bulk_make_canonical_changes_every_tag_and_logs_each(wrangler, make_tag):
    tags = [make_tag(name, "freeform") for name in ("Fluff", "Angst", "Rain")]

    result = tags_bulk(actor=wrangler, tags=tags, action="canonical")

    assert len(result.changed) == 3 and result.errors == []
    assert Tag.objects.filter(name__in=["Fluff", "Angst", "Rain"], canonical=True).count() == 3
    assert WranglingLog.objects.filter(action="made canonical", actor=wrangler).count() == 3


def test_bulk_synonyms_report_the_tags_that_could_not_be_merged(wrangler, make_tag):
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    ok = make_tag("Sasuke Uchiha", "character")
    wrong_type = make_tag("SasuSaku", "relationship")

    result = tags_bulk(actor=wrangler, tags=[ok, wrong_type], action="synonym", of=canonical)

    assert result.changed == [ok]
    assert len(result.errors) == 1 and "same type" in result.errors[0]
    assert tag("Sasuke Uchiha").merger == canonical
    assert tag("SasuSaku").merger is None


def test_bulk_assigns_fandoms_and_adds_meta_tags(wrangler, make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)
    boruto = make_tag("Boruto", "fandom", canonical=True)
    meta = make_tag("Alternate Universe", "freeform", canonical=True)
    subs = [make_tag(n, "freeform", canonical=True) for n in ("AU - Modern", "AU - Space")]

    tags_bulk(actor=wrangler, tags=subs, action="fandoms", fandoms=[naruto, boruto])
    tags_bulk(actor=wrangler, tags=subs, action="meta", meta=meta)

    for name in ("AU - Modern", "AU - Space"):
        assert set(tag(name).parents.all()) == {naruto, boruto}
        assert list(tag(name).meta_tags.all()) == [meta]


def test_bulk_needs_what_its_action_needs(wrangler, make_tag):
    fluff = make_tag("Fluff", "freeform")

    with pytest.raises(ValidationError, match="canonical tag to make"):
        tags_bulk(actor=wrangler, tags=[fluff], action="synonym")
    with pytest.raises(ValidationError, match="isn't a wrangling action"):
        tags_bulk(actor=wrangler, tags=[fluff], action="delete")


# Who may wrangle ----------------------------------------------------------------------------


def test_only_wranglers_and_admins_may_wrangle(reader, admin, make_tag):
    fluff = make_tag("Fluff", "freeform")

    with pytest.raises(PermissionDenied):
        tag_make_canonical(actor=reader, tag=fluff)
    tag_make_canonical(actor=admin, tag=fluff)

    assert tag("Fluff").canonical


def test_the_command_line_wrangles_as_nobody(make_tag):
    tag_make_canonical(actor=None, tag=make_tag("Fluff", "freeform"))

    assert WranglingLog.objects.get().actor is None


def test_admins_grant_and_revoke_the_wrangler_role_and_it_is_logged(admin, reader):
    wrangler_grant(actor=admin, user=reader)
    reader.refresh_from_db()
    assert reader.is_wrangler and reader.can_wrangle

    wrangler_revoke(actor=admin, user=reader)
    reader.refresh_from_db()
    assert not reader.can_wrangle
    assert [e.action for e in WranglingLog.objects.all()] == [
        "revoked wrangler role", "granted wrangler role"]
    assert WranglingLog.objects.first().detail == "carol"


def test_wranglers_cannot_grant_the_role(wrangler, reader):
    with pytest.raises(PermissionDenied):
        wrangler_grant(actor=wrangler, user=reader)


def test_admins_are_wranglers_without_the_role(admin):
    assert not admin.is_wrangler
    assert admin.can_wrangle
