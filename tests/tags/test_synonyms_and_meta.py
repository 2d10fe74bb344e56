"""Synonym and meta resolution: every wrangling change keeps existing works findable under
the right tags (their filter taggings), and meta tags can never loop."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fichive.tags.services import (
    tag_add_meta,
    tag_make_canonical,
    tag_make_synonym,
    tag_remove_meta,
    tag_rename,
    tag_unmake_canonical,
    tag_unmake_synonym,
)
from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.tags.helpers import filter_names, found_under, tag


@pytest.fixture
def au(wrangler, make_tag):
    """Alternate Universe ⊃ AU - Modern Setting ⊃ AU - Coffee Shops, all canonical."""
    top = make_tag("Alternate Universe", "freeform", canonical=True)
    modern = make_tag("Alternate Universe - Modern Setting", "freeform", canonical=True)
    coffee = make_tag("Alternate Universe - Coffee Shops", "freeform", canonical=True)
    tag_add_meta(actor=wrangler, sub=modern, meta=top)
    tag_add_meta(actor=wrangler, sub=coffee, meta=modern)
    return top, modern, coffee


def test_a_work_tagged_with_a_synonym_is_found_under_the_canonical(author, wrangler, make_tag):
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    work = WorkFactory(author=author, title="Rain", characters=["Sasuke Uchiha"])

    tag_make_synonym(actor=wrangler, tag=tag("Sasuke Uchiha"), of=canonical)

    assert found_under("Uchiha Sasuke") == {"Rain"}
    assert "Sasuke Uchiha" not in filter_names(work)


def test_a_work_posted_with_a_synonym_later_is_found_under_the_canonical(author, wrangler,
                                                                         make_tag):
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    tag_make_synonym(actor=wrangler, tag=make_tag("Sasuke Uchiha", "character"), of=canonical)

    WorkFactory(author=author, title="Later", characters=["Sasuke Uchiha"])

    assert found_under("Uchiha Sasuke") == {"Later"}


def test_a_sub_tags_works_are_found_under_every_meta_tag_above_it(author, au):
    WorkFactory(author=author, title="Latte", freeforms=["Alternate Universe - Coffee Shops"])

    assert found_under("Alternate Universe - Coffee Shops") == {"Latte"}
    assert found_under("Alternate Universe - Modern Setting") == {"Latte"}
    assert found_under("Alternate Universe") == {"Latte"}


def test_a_synonym_of_a_sub_tag_is_found_under_its_meta_tags(author, wrangler, au):
    WorkFactory(author=author, title="Cafe", freeforms=["Coffee Shop AU"])

    tag_make_synonym(actor=wrangler, tag=tag("Coffee Shop AU"), of=au[2])

    assert found_under("Alternate Universe") == {"Cafe"}


def test_adding_a_meta_tag_finds_existing_works_under_it(author, wrangler, make_tag):
    WorkFactory(author=author, title="Old Work", freeforms=["Space AU"])
    space = tag("Space AU")
    tag_make_canonical(actor=wrangler, tag=space)
    meta = make_tag("Alternate Universe", "freeform", canonical=True)

    tag_add_meta(actor=wrangler, sub=space, meta=meta)

    assert found_under("Alternate Universe") == {"Old Work"}


def test_removing_a_meta_tag_stops_finding_works_under_it(author, wrangler, au):
    WorkFactory(author=author, title="Latte", freeforms=["Alternate Universe - Coffee Shops"])

    tag_remove_meta(actor=wrangler, sub=au[1], meta=au[0])

    assert found_under("Alternate Universe") == set()
    assert found_under("Alternate Universe - Modern Setting") == {"Latte"}


def test_renaming_a_canonical_keeps_its_works_findable_under_the_new_name(author, wrangler,
                                                                          make_tag, guest):
    WorkFactory(author=author, title="Harbour", fandoms=["Naurto"])
    naruto = tag("Naurto")
    tag_make_canonical(actor=wrangler, tag=naruto)

    tag_rename(actor=wrangler, tag=naruto, new_name="Naruto")

    assert found_under("Naruto") == {"Harbour"}
    response = guest.get("/tags/Naruto")
    assert response.status_code == 200
    assert "Works (1)" in response.content.decode()


def test_merging_a_canonical_with_synonyms_moves_all_their_works(author, wrangler, make_tag):
    WorkFactory(author=author, title="Old Canonical", characters=["Sasuke"])
    WorkFactory(author=author, title="Old Synonym", characters=["Sasuke-kun"])
    WorkFactory(author=author, title="New Canonical", characters=["Uchiha Sasuke"])
    old, new = tag("Sasuke"), tag("Uchiha Sasuke")
    tag_make_canonical(actor=wrangler, tag=old)
    tag_make_canonical(actor=wrangler, tag=new)
    tag_make_synonym(actor=wrangler, tag=tag("Sasuke-kun"), of=old)

    tag_make_synonym(actor=wrangler, tag=old, of=new)

    assert found_under("Uchiha Sasuke") == {"Old Canonical", "Old Synonym", "New Canonical"}
    assert found_under("Sasuke") == set()


def test_merging_a_canonical_moves_its_sub_tags_works_to_the_new_meta(author, wrangler, au,
                                                                      make_tag):
    WorkFactory(author=author, title="Latte", freeforms=["Alternate Universe - Coffee Shops"])
    au_new = make_tag("AU", "freeform", canonical=True)

    tag_make_synonym(actor=wrangler, tag=au[0], of=au_new)

    assert found_under("AU") == {"Latte"}
    assert found_under("Alternate Universe") == set()


def test_unsynoning_finds_the_works_under_the_former_synonym_again(author, wrangler, make_tag):
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    WorkFactory(author=author, title="Tagged Synonym", characters=["Sasuke Uchiha"])
    WorkFactory(author=author, title="Tagged Canonical", characters=["Uchiha Sasuke"])
    tag_make_synonym(actor=wrangler, tag=tag("Sasuke Uchiha"), of=canonical)

    tag_unmake_synonym(actor=wrangler, tag=tag("Sasuke Uchiha"))

    assert found_under("Sasuke Uchiha") == {"Tagged Synonym"}
    assert found_under("Uchiha Sasuke") == {"Tagged Canonical"}


def test_unmaking_canonical_stops_finding_its_works_under_its_meta_tags(author, wrangler, au):
    WorkFactory(author=author, title="Latte", freeforms=["Alternate Universe - Coffee Shops"])

    tag_unmake_canonical(actor=wrangler, tag=au[2])

    assert found_under("Alternate Universe - Coffee Shops") == {"Latte"}
    assert found_under("Alternate Universe - Modern Setting") == set()


def test_drafts_and_restricted_works_are_rebuilt_too(author, wrangler, make_tag):
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    WorkFactory(author=author, title="Draft", characters=["Sasuke Uchiha"], post=False)
    WorkFactory(author=author, title="Locked", characters=["Sasuke Uchiha"], restricted=True)

    tag_make_synonym(actor=wrangler, tag=tag("Sasuke Uchiha"), of=canonical)

    assert found_under("Uchiha Sasuke") == {"Draft", "Locked"}


def test_a_fandom_under_a_meta_fandom_is_no_crossover(author, wrangler, make_tag):
    WorkFactory(author=author, title="Both", fandoms=["Iron Man (Movies)", "Marvel"])
    movie, marvel = tag("Iron Man (Movies)"), tag("Marvel")
    assert Work.objects.get(title="Both").crossover
    tag_make_canonical(actor=wrangler, tag=movie)
    tag_make_canonical(actor=wrangler, tag=marvel)

    tag_add_meta(actor=wrangler, sub=movie, meta=marvel)

    assert not Work.objects.get(title="Both").crossover


# Cycles -------------------------------------------------------------------------------------


def test_a_meta_tag_cannot_be_made_a_sub_tag_of_its_own_sub_tag(wrangler, au):
    top, modern, coffee = au

    with pytest.raises(ValidationError, match="loop"):
        tag_add_meta(actor=wrangler, sub=top, meta=modern)
    with pytest.raises(ValidationError, match="loop"):
        tag_add_meta(actor=wrangler, sub=top, meta=coffee)


def test_merging_a_tag_into_its_own_meta_chain_is_refused_when_it_would_loop(wrangler, au,
                                                                          make_tag):
    _, modern, coffee = au
    below = make_tag("AU - Coffee Shops - Night Shift", "freeform", canonical=True)
    tag_add_meta(actor=wrangler, sub=below, meta=coffee)
    # top ⊃ modern ⊃ coffee ⊃ below: merging `modern` into `below` hands `below` the sub tag
    # `coffee`, which is already above it.

    with pytest.raises(ValidationError, match="meta tag of itself"):
        tag_make_synonym(actor=wrangler, tag=modern, of=below)


def test_refused_wrangling_changes_nothing(author, wrangler, au):
    WorkFactory(author=author, title="Latte", freeforms=["Alternate Universe - Coffee Shops"])
    top, modern, _ = au

    with pytest.raises(ValidationError):
        tag_add_meta(actor=wrangler, sub=top, meta=modern)

    assert list(tag("Alternate Universe").meta_tags.all()) == []
    assert found_under("Alternate Universe") == {"Latte"}
