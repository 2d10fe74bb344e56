"""`fichive tag …`: wrangling from the command line through the same services, one line out,
exit status 1 with a clear one-line error on failure."""

from __future__ import annotations

import pytest

from fichive.cli import main
from fichive.tags.models import WranglingLog
from tests.factories import WorkFactory
from tests.tags.helpers import found_under, tag


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["tag", *argv])
    captured = capsys.readouterr()
    return status, captured.out.strip(), captured.err.strip()


def test_canonical(capsys, make_tag):
    make_tag("Fluff", "freeform")

    assert _run(capsys, "canonical", "fluff") == (0, "“Fluff” is canonical.", "")
    assert tag("Fluff").canonical
    entry = WranglingLog.objects.get()
    assert entry.actor is None and entry.action == "made canonical"


def test_synonym_keeps_works_findable(capsys, author, make_tag):
    make_tag("Uchiha Sasuke", "character", canonical=True)
    WorkFactory(author=author, title="Rain", characters=["Sasuke Uchiha"])

    status, out, _ = _run(capsys, "synonym", "Sasuke Uchiha", "--of", "Uchiha Sasuke")

    assert (status, out) == (0, "“Sasuke Uchiha” is a synonym of “Uchiha Sasuke”.")
    assert found_under("Uchiha Sasuke") == {"Rain"}


def test_parent_with_one_or_more_fandoms(capsys, make_tag):
    make_tag("Naruto", "fandom", canonical=True)
    make_tag("Boruto", "fandom", canonical=True)
    make_tag("Uzumaki Naruto", "character")

    status, out, _ = _run(capsys, "parent", "Uzumaki Naruto", "--fandom", "Naruto",
                          "--fandom", "Boruto")

    assert (status, out) == (0, "“Uzumaki Naruto” belongs to “Naruto”, “Boruto”.")
    assert {t.name for t in tag("Uzumaki Naruto").parents.all()} == {"Naruto", "Boruto"}


def test_meta(capsys, make_tag):
    make_tag("Alternate Universe", "freeform", canonical=True)
    make_tag("Alternate Universe - Modern Setting", "freeform", canonical=True)

    status, out, _ = _run(capsys, "meta", "Alternate Universe - Modern Setting",
                          "--of", "Alternate Universe")

    assert status == 0
    assert out == "“Alternate Universe” is a meta tag of “Alternate Universe - Modern Setting”."
    assert [t.name for t in tag("Alternate Universe - Modern Setting").meta_tags.all()] == [
        "Alternate Universe"]


@pytest.mark.parametrize("category", ["Anime & Manga", "anime & manga", "anime-manga"])
def test_media_by_name_or_slug(capsys, make_tag, category):
    make_tag("Naruto", "fandom", canonical=True)

    assert _run(capsys, "media", "Naruto", "--category", category) == (
        0, "“Naruto” is in Anime & Manga.", "")


def test_wrangler_grant_and_revoke(capsys, reader):
    # The change is also a security event (the fichive.security log, on standard error).
    code, out, err = _run(capsys, "wrangler", "carol")
    assert (code, out) == (0, "carol is a tag wrangler.")
    assert "event=role_granted" in err and "role=wrangler" in err
    reader.refresh_from_db()
    assert reader.is_wrangler

    code, out, err = _run(capsys, "wrangler", "CAROL", "--revoke")
    assert (code, out) == (0, "carol is no longer a tag wrangler.")
    assert "event=role_revoked" in err
    reader.refresh_from_db()
    assert not reader.is_wrangler


# Failures -----------------------------------------------------------------------------------


def _fails(capsys, *argv: str) -> str:
    status, out, err = _run(capsys, *argv)
    assert status == 1
    assert out == ""
    assert err.startswith("error: ")
    assert "\n" not in err
    assert "Traceback" not in err
    return err


def test_an_unknown_tag(capsys, db):
    assert _fails(capsys, "canonical", "Nope") == "error: There is no tag named “Nope”."


def test_a_parent_that_is_not_a_fandom(capsys, make_tag):
    make_tag("Ramen", "freeform", canonical=True)
    make_tag("Teuchi", "character")

    err = _fails(capsys, "parent", "Teuchi", "--fandom", "Ramen")

    assert err == "error: “Ramen” is an additional tag, not a fandom tag."


def test_a_synonym_of_a_tag_of_another_type(capsys, make_tag):
    make_tag("Naruto", "fandom", canonical=True)
    make_tag("Naruto Uzumaki", "character")

    err = _fails(capsys, "synonym", "Naruto Uzumaki", "--of", "Naruto")

    assert "same type" in err


def test_a_synonym_of_an_unwrangled_tag(capsys, make_tag):
    make_tag("Naruto", "fandom")
    make_tag("Narto", "fandom")

    assert "“Naruto” isn't canonical" in _fails(capsys, "synonym", "Narto", "--of", "Naruto")


def test_an_unknown_category_lists_the_valid_ones(capsys, make_tag):
    make_tag("Naruto", "fandom", canonical=True)

    err = _fails(capsys, "media", "Naruto", "--category", "Anime")

    assert err.startswith("error: “Anime” isn't a media category; use one of: Anime & Manga, ")
    assert "Video Games, Uncategorized Fandoms." in err


def test_media_for_a_tag_that_is_not_a_fandom(capsys, make_tag):
    make_tag("Fluff", "freeform")

    err = _fails(capsys, "media", "Fluff", "--category", "Movies")

    assert err == "error: Only fandoms have a media category; “Fluff” is an additional tag."


def test_a_meta_tag_loop(capsys, make_tag):
    make_tag("AU", "freeform", canonical=True)
    make_tag("AU - Modern", "freeform", canonical=True)
    main(["tag", "meta", "AU - Modern", "--of", "AU"])
    capsys.readouterr()

    assert "loop" in _fails(capsys, "meta", "AU", "--of", "AU - Modern")


def test_an_unknown_user(capsys, db):
    assert _fails(capsys, "wrangler", "nobody") == "error: There is no user named “nobody”."


def test_a_missing_argument_is_a_usage_error(capsys, db):
    with pytest.raises(SystemExit) as exc:
        main(["tag", "synonym", "Narto"])

    assert exc.value.code == 2
    assert "--of" in capsys.readouterr().err
