""""More like this" on work pages: ranked by rare shared tags, readers in common and similar
words, each with its reason; never a work the viewer may not see or doesn't want listed;
anonymous works' reasons never name their creators; off for the archive or one reader; kept
up to date by the refresh task as kudos and tags change; rebuilt whole by the command."""

from __future__ import annotations

import re

import pytest

from fichive import cli
from fichive.accounts.services import preferences_update
from fichive.blocking.services import user_mute
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.kudos.services import kudos_leave
from fichive.moderation.services import work_hide
from fichive.recommendations.models import SimilarWork, StaleWork
from fichive.recommendations.services import recommendations_rebuild
from fichive.tags.models import Tag
from fichive.tags.services import tag_exclusion_add
from fichive.works.services import WorkMeta, work_update
from tests.factories import UserFactory, WorkFactory

CLOUDS = ("<p>Shikamaru lay on the roof and counted the clouds above the shogi board. "
          "Clouds drifted; the shogi pieces waited. Clouds, shogi, clouds.</p>")


def _section(html: str) -> str:
    """The "More like this" section of a page ("" when there is none)."""
    found = re.search(r'<section class="more-like-this.*?</section>', html, re.S)
    return found.group(0) if found else ""


def _titles(client, work) -> list[str]:
    response = client.get(f"/works/{work.pk}")
    assert response.status_code == 200
    return re.findall(r'<li><a href="/works/\d+">([^<]+)</a>',
                      _section(response.content.decode()))


def _canonical() -> None:
    Tag.objects.update(canonical=True)


@pytest.fixture
def archive(author, co_author, stranger):
    """A small archive around "Source" (Naruto; Nara Shikamaru, a rare character; Uzumaki
    Naruto and Fluff, common ones; its text about clouds and shogi):
    - "Rare Match" shares the rare character (by dave),
    - "Common Match" shares only the common tags,
    - "Co-read" is another fandom whose three readers also left kudos on Source,
    - "Cloud Words" is another fandom with the same words (anonymous, by bob),
    - "Filler N": Naruto works with the common tags, read by nobody."""
    works = {}
    works["source"] = WorkFactory(
        author=author, title="Source", fandoms=["Naruto"],
        characters=["Nara Shikamaru", "Uzumaki Naruto"], freeforms=["Fluff"], chapters=[CLOUDS])
    works["rare"] = WorkFactory(author=stranger, title="Rare Match", fandoms=["Naruto"],
                                characters=["Nara Shikamaru"],
                                chapters=["<p>A quiet afternoon at the academy.</p>"])
    works["common"] = WorkFactory(author=author, title="Common Match", fandoms=["Naruto"],
                                  characters=["Uzumaki Naruto"], freeforms=["Fluff"],
                                  chapters=["<p>Ramen again, and the market.</p>"])
    works["coread"] = WorkFactory(author=author, title="Co-read", fandoms=["Bleach"],
                                  chapters=["<p>Soul reapers in the rain.</p>"])
    works["words"] = WorkFactory(
        author=co_author, title="Cloud Words", fandoms=["Star Trek"], anonymous=True,
        chapters=["<p>Bob watched the clouds; clouds over the shogi table, bob thought, "
                  "and bob moved a shogi piece under the clouds.</p>"])
    for n in range(6):
        WorkFactory(author=author, title=f"Filler {n}", fandoms=["Naruto"],
                    characters=["Uzumaki Naruto"], freeforms=["Fluff"],
                    chapters=[f"<p>Training day number {n} by the river.</p>"])
    for n in range(3):
        fan = UserFactory(username=f"fan{n}")
        kudos_leave(work=works["source"], user=fan)
        kudos_leave(work=works["coread"], user=fan)
    _canonical()
    recommendations_rebuild()
    return works


def test_a_rare_shared_tag_ranks_above_common_ones(client, archive):
    titles = _titles(client, archive["source"])
    assert titles.index("Rare Match") < titles.index("Common Match")
    html = _section(client.get(f"/works/{archive['source'].pk}").content.decode())
    assert "Shares 2 tags, rarest first: Nara Shikamaru, Naruto" in html


def test_readers_in_common_bring_another_fandom_with_their_reason(client, archive):
    titles = _titles(client, archive["source"])
    assert "Co-read" in titles
    html = _section(client.get(f"/works/{archive['source'].pk}").content.decode())
    assert "3 readers who left kudos or a bookmark here also liked this" in html


def test_similar_words_bring_a_work_and_are_named(client, archive):
    html = _section(client.get(f"/works/{archive['source'].pk}").content.decode())
    assert "Cloud Words" in html
    assert re.search(r"Similar words: [a-z, ]*(clouds|shogi)", html)


def test_an_anonymous_works_reason_never_names_its_creator(client, archive, co_author):
    html = _section(client.get(f"/works/{archive['source'].pk}").content.decode())
    assert "Cloud Words" in html
    assert "bob" not in html.lower()


def test_a_page_lists_at_most_ten_and_never_the_work_itself(client, archive):
    titles = _titles(client, archive["source"])
    assert 0 < len(titles) <= 10
    assert "Source" not in titles


def test_restricted_works_are_listed_for_logged_in_readers_only(client, archive, author,
                                                                reader):
    WorkFactory(author=author, title="Locked Match", fandoms=["Naruto"], restricted=True,
                characters=["Nara Shikamaru"], chapters=[CLOUDS])
    _canonical()
    recommendations_rebuild()
    assert "Locked Match" not in _titles(client, archive["source"])
    client.force_login(reader)
    assert "Locked Match" in _titles(client, archive["source"])


def _commit() -> None:
    """Run what the test transaction's commit would (the on-commit callbacks), no task."""
    from django.db import connection

    pending, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, callback, _robust in pending:
        callback()


def test_a_hidden_work_leaves_every_list_at_once_even_cached_guest_pages(
        client, archive, moderator, reader, run_tasks):
    run_tasks()  # what building the archive left to do
    assert "Rare Match" in _titles(client, archive["source"])
    assert "Rare Match" in _titles(client, archive["source"])  # from the guests' page cache
    work_hide(actor=moderator, work=archive["rare"], reason="Spam")
    _commit()  # before the refresh task has run
    assert "Rare Match" not in _titles(client, archive["source"])
    run_tasks()
    assert "Rare Match" not in _titles(client, archive["source"])
    client.force_login(moderator)
    assert "Rare Match" not in _titles(client, archive["source"])


def test_drafts_are_never_listed_not_even_to_their_creator(client, archive, stranger):
    WorkFactory(author=stranger, title="Draft Match", fandoms=["Naruto"], post=False,
                characters=["Nara Shikamaru"], chapters=[CLOUDS])
    _canonical()
    recommendations_rebuild()
    assert not SimilarWork.objects.filter(similar__title="Draft Match").exists()
    client.force_login(stranger)
    assert "Draft Match" not in _titles(client, archive["source"])


def test_a_muted_creators_works_are_not_listed(client, archive, reader, stranger):
    user_mute(user=reader, muted=stranger)
    client.force_login(reader)
    titles = _titles(client, archive["source"])
    assert "Rare Match" not in titles
    assert "Common Match" in titles


def test_muting_an_anonymous_works_creator_keeps_it_listed(client, archive, reader,
                                                          co_author):
    user_mute(user=reader, muted=co_author)
    client.force_login(reader)
    assert "Cloud Words" in _titles(client, archive["source"])  # leaving it out would tell


def test_works_under_a_saved_exclusion_are_not_listed(client, archive, reader):
    tag_exclusion_add(user=reader, name="Bleach")
    client.force_login(reader)
    titles = _titles(client, archive["source"])
    assert "Co-read" not in titles
    assert "Rare Match" in titles


def test_the_archive_switch_turns_it_off(client, archive, settings):
    settings.FICHIVE_RECOMMENDATIONS = False
    html = client.get(f"/works/{archive['source'].pk}").content.decode()
    assert "More like this" not in html


def test_a_reader_can_turn_it_off_in_their_preferences(client, archive, reader):
    client.force_login(reader)
    assert _titles(client, archive["source"])
    response = client.get(f"/users/{reader.username}/preferences")
    assert "Show “More like this” on work pages" in response.content.decode()
    preferences_update(user=reader, show_more_like_this=False)
    html = client.get(f"/works/{archive['source'].pk}").content.decode()
    assert "More like this" not in html


def test_kudos_bring_a_work_in_through_the_task(client, archive, author, run_tasks):
    newcomer = WorkFactory(author=author, title="Newly Loved", fandoms=["Stargate"],
                           chapters=["<p>The gate opened onto snow.</p>"])
    run_tasks()
    assert "Newly Loved" not in _titles(client, archive["source"])
    for n in range(3):
        kudos_leave(work=newcomer, user=UserFactory(username=f"newfan{n}"))
    # Kudos on the source from the same readers, one of them also bookmarking it.
    for n in range(3):
        fan = UserFactory._meta.model.objects.get(username=f"newfan{n}")
        kudos_leave(work=archive["source"], user=fan)
    bookmark_create(user=fan, work=archive["source"], pseud=fan.default_pseud,
                    data=BookmarkData())
    assert run_tasks() >= 1  # the refresh task ran
    assert not StaleWork.objects.exists()
    assert "Newly Loved" in _titles(client, archive["source"])


def test_a_tag_change_moves_a_work_through_the_task(client, archive, author, run_tasks):
    titles = _titles(client, archive["source"])
    assert titles.index("Rare Match") < titles.index("Common Match")
    common = archive["common"]
    work_update(user=author, work=common, meta=WorkMeta(
        title="Common Match", creators=[author.default_pseud], fandoms=["Naruto"],
        characters=["Uzumaki Naruto", "Nara Shikamaru"], freeforms=["Fluff"],
        rating="General Audiences"))
    _canonical()
    run_tasks()
    titles = _titles(client, archive["source"])
    # Now sharing the rare tag and the common ones.
    assert titles.index("Common Match") < titles.index("Rare Match")


def test_the_rebuild_command_compares_the_whole_archive(client, archive, capsys):
    SimilarWork.objects.all().delete()
    assert "More like this" not in client.get(f"/works/{archive['source'].pk}").content.decode()
    assert cli.main(["recommendations", "rebuild"]) == 0
    assert re.search(r"Compared 11 works in [\d.]+ s\.", capsys.readouterr().out)
    assert "Rare Match" in _titles(client, archive["source"])


def test_a_work_with_no_similar_works_shows_nothing(client, author):
    alone = WorkFactory(author=author, title="Alone", fandoms=["Original Work"])
    recommendations_rebuild()
    assert "More like this" not in client.get(f"/works/{alone.pk}").content.decode()


def test_changes_are_batched_into_one_waiting_task(archive, author, run_tasks):
    from django_tasks_db.models import DBTaskResult

    from fichive.recommendations.tasks import recommendations_refresh_task

    run_tasks()
    for n in range(4):
        kudos_leave(work=archive["common"], user=UserFactory(username=f"batch{n}"))
    _commit()  # the marks, and the task queued once for all of them
    assert StaleWork.objects.filter(work=archive["common"]).count() == 1
    waiting = DBTaskResult.objects.filter(
        status="READY", task_path=recommendations_refresh_task.module_path)
    assert waiting.count() == 1
    run_tasks()
    assert not StaleWork.objects.exists()
    assert not waiting.exists()


def test_a_deleted_work_leaves_cached_guest_pages_at_commit(client, archive, stranger,
                                                            run_tasks):
    from fichive.works.services import work_delete

    run_tasks()
    assert "Rare Match" in _titles(client, archive["source"])
    assert "Rare Match" in _titles(client, archive["source"])  # from the guests' page cache
    work_delete(user=stranger, work=archive["rare"])
    _commit()
    assert "Rare Match" not in _titles(client, archive["source"])
    run_tasks()  # the works that listed it are compared again
    assert not StaleWork.objects.exists()
    assert len(_titles(client, archive["source"])) == 9  # every other work


def test_the_refresh_command_compares_the_changed_works(client, archive, author, capsys):
    from fichive.recommendations.services import works_mark_stale

    works_mark_stale(work_ids=[archive["common"].pk, archive["rare"].pk], text=True)
    assert cli.main(["recommendations", "refresh"]) == 0
    assert "Compared 2 changed works again." in capsys.readouterr().out
    assert not StaleWork.objects.exists()
