"""gifts_set and gift_refuse: names resolved to archive users, plain names kept, duplicates
dropped, refusals kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fichive.accounts.models import Pseud
from fichive.gifts.models import Gift
from fichive.gifts.services import gift_refuse, gifts_set


def _shown(work) -> list[tuple[str, str | None]]:
    return [(g.recipient_name, g.pseud.user.username if g.pseud else None)
            for g in Gift.objects.filter(work=work, refused=False).select_related("pseud__user")]


def test_user_names_become_their_default_pseud(work, reader):
    gifts_set(work=work, names="carol")

    assert _shown(work) == [("carol", "carol")]


def test_pseud_and_user_names_resolve_to_that_pseud(work, reader):
    Pseud.objects.create(user=reader, name="Nightjar")

    gifts_set(work=work, names="Nightjar (carol)")

    gift = Gift.objects.get(work=work)
    assert gift.pseud is not None and gift.pseud.name == "Nightjar"
    assert gift.display_name == "Nightjar (carol)"


def test_unknown_names_are_kept_as_plain_names(work, reader):
    gifts_set(work=work, names="carol, My Best Friend, Nobody (nobody)")

    assert _shown(work) == [("carol", "carol"), ("My Best Friend", None),
                            ("Nobody (nobody)", None)]


def test_duplicates_are_given_once(work, reader):
    gifts_set(work=work, names="carol, CAROL, Sam, sam ,  Sam")

    assert _shown(work) == [("carol", "carol"), ("Sam", None)]


def test_setting_again_adds_new_names_and_removes_those_left_out(work, reader, stranger):
    gifts_set(work=work, names="carol, Sam")
    first = Gift.objects.get(pseud__user=reader)

    gifts_set(work=work, names="carol, dave")

    assert _shown(work) == [("carol", "carol"), ("dave", "dave")]
    assert Gift.objects.get(pseud__user=reader).pk == first.pk  # kept, not re-made


def test_empty_names_remove_every_gift(work, reader):
    gifts_set(work=work, names="carol, Sam")
    gifts_set(work=work, names="")

    assert not Gift.objects.exists()


def test_too_many_recipients_or_long_names_are_refused_and_nothing_saved(work):
    with pytest.raises(ValidationError, match="at most 20 recipients"):
        gifts_set(work=work, names=", ".join(f"Friend {n}" for n in range(21)))
    with pytest.raises(ValidationError, match="at most 100 characters"):
        gifts_set(work=work, names="Sam, " + "x" * 101)

    assert not Gift.objects.exists()


def test_the_recipient_can_refuse_and_is_not_given_it_again(work, reader):
    gifts_set(work=work, names="carol, Sam")
    gift = Gift.objects.get(pseud__user=reader)

    gift_refuse(user=reader, gift=gift)
    gifts_set(work=work, names="carol, Sam")

    assert _shown(work) == [("Sam", None)]
    assert Gift.objects.filter(pseud__user=reader).count() == 1


def test_someone_else_cannot_refuse(work, reader, stranger):
    gifts_set(work=work, names="carol")
    gift = Gift.objects.get()

    with pytest.raises(PermissionDenied):
        gift_refuse(user=stranger, gift=gift)

    gift.refresh_from_db()
    assert not gift.refused
