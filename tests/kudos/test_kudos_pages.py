"""What the work's pages show of kudos: "alice, bob and 12 guests left kudos on this work!"
(newest first; long lists collapse behind "N more users", a link to the full, paginated list),
the same for every guest so their pages stay cached, the new kudos on a guest's next request,
listings left cached, and a fixed number of queries however many kudos a work has.

Page-cache tests run with the local-memory cache and with a real Redis (`cache_backend`)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.kudos import services
from fichive.kudos.selectors import NAMES_SHOWN
from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.works.helpers import html, sent_to_log_in


def _sentence(page: str) -> str:
    """The kudos sentence as a reader reads it (tags dropped)."""
    found = re.search(r'<div id="kudos"[^>]*>(.*?)</div>', page, re.S)
    assert found, "no kudos section on the page"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def _kudos_html(page: str) -> str:
    """The button and the sentence, as HTML."""
    button = re.search(r'<li id="kudos-action".*?</li>', page, re.S)
    sentence = re.search(r'<div id="kudos".*?</div>', page, re.S)
    assert button and sentence
    return button.group(0) + sentence.group(0)


def _users(count: int, prefix: str = "fan") -> list:
    return [UserFactory(username=f"{prefix}{n:02d}") for n in range(count)]


def _guests(work: Work, count: int) -> None:
    for n in range(count):
        services.kudos_leave(work=work, guest_hash=f"{n:064x}")


# --- the sentence ----------------------------------------------------------------------------


def test_a_work_without_kudos_says_nothing_about_them(client, work):
    assert _sentence(html(client.get(f"/works/{work.pk}"))) == ""


def test_users_newest_first_then_guests(client, work):
    for reader in _users(2, prefix="reader"):
        services.kudos_leave(work=work, user=reader)
    _guests(work, 12)
    assert _sentence(html(client.get(f"/works/{work.pk}"))) \
        == "reader01, reader00 and 12 guests left kudos on this work!"


@pytest.mark.parametrize(("users", "guests", "said"), [
    (1, 0, "fan00 left kudos on this work!"),
    (0, 1, "1 guest left kudos on this work!"),
    (3, 0, "fan02, fan01 and fan00 left kudos on this work!"),
    (1, 2, "fan00 and 2 guests left kudos on this work!"),
])
def test_the_sentence_reads_well_for_any_mix(client, work, users, guests, said):
    for reader in _users(users):
        services.kudos_leave(work=work, user=reader)
    _guests(work, guests)
    assert _sentence(html(client.get(f"/works/{work.pk}"))) == said


def test_names_link_to_the_givers(client, work, reader):
    services.kudos_leave(work=work, user=reader)
    assert '<a href="/users/carol">carol</a> left kudos' in html(client.get(f"/works/{work.pk}"))


def test_a_long_list_collapses_behind_a_link_to_everyone(client, work):
    readers = _users(NAMES_SHOWN + 3)
    for reader in readers:
        services.kudos_leave(work=work, user=reader)
    _guests(work, 2)
    page = html(client.get(f"/works/{work.pk}"))
    said = _sentence(page)
    names = [r.username for r in reversed(readers)]
    assert said.startswith(", ".join(names[:NAMES_SHOWN]) + ", 3 more users and 2 guests")
    assert names[NAMES_SHOWN] not in said
    assert f'<a href="/works/{work.pk}/kudos">3 more users</a>' in page

    without_guests = WorkFactory(author=work.creatorships.get().pseud.user)
    for reader in readers:
        services.kudos_leave(work=without_guests, user=reader)
    assert _sentence(html(client.get(f"/works/{without_guests.pk}"))).endswith(
        "fan03 and 3 more users left kudos on this work!")


# --- the full list -------------------------------------------------------------------------


def test_the_full_list_names_everyone_newest_first_over_pages(client, work):
    readers = _users(53)
    for reader in readers:
        services.kudos_leave(work=work, user=reader)
    _guests(work, 4)
    first = html(client.get(f"/works/{work.pk}/kudos"))
    assert "53 users and 4 guests left kudos on this work." in first
    names = re.findall(r'<li><a href="/users/(fan\d+)">', first)
    assert names == [r.username for r in reversed(readers)][:50]
    assert "Page 1 of 2" in first
    second = html(client.get(f"/works/{work.pk}/kudos?page=2"))
    assert re.findall(r'<li><a href="/users/(fan\d+)">', second) == ["fan02", "fan01", "fan00"]


def test_the_full_list_of_a_work_without_kudos_says_so(client, work):
    assert "No one has left kudos on this work yet." in html(client.get(f"/works/{work.pk}/kudos"))


def test_the_full_list_of_a_work_the_visitor_cannot_see_is_404(client, author, reader):
    locked = WorkFactory(author=author, restricted=True)
    assert sent_to_log_in(client.get(f"/works/{locked.pk}/kudos"))
    client.force_login(reader)
    assert client.get(f"/works/{locked.pk}/kudos").status_code == 200
    assert client.get("/works/987654/kudos").status_code == 404


@pytest.mark.parametrize("count", [3, 60])
def test_the_full_list_runs_a_fixed_number_of_queries(reader_client, work,
                                                      django_assert_num_queries, count):
    for reader in _users(count):
        services.kudos_leave(work=work, user=reader)
    # session and user, the work with its tags and creators (3), the page's count and rows,
    # the guests' count, the header's inbox count
    with django_assert_num_queries(9):
        response = reader_client.get(f"/works/{work.pk}/kudos")
    assert response.status_code == 200


# --- per-viewer state: one query, never on guests' pages ------------------------------------


def _queries(browser: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


def test_a_readers_page_costs_the_same_queries_however_many_kudos(reader_client, author):
    quiet, loved = WorkFactory(author=author), WorkFactory(author=author)
    services.kudos_leave(work=quiet, user=UserFactory())
    for fan in _users(70):
        services.kudos_leave(work=loved, user=fan)
    _guests(loved, 5)
    assert _queries(reader_client, f"/works/{quiet.pk}") \
        == _queries(reader_client, f"/works/{loved.pk}")


def _kudos_queries(browser: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return [q["sql"] for q in captured if "kudos_kudos" in q["sql"]]


def test_the_kudos_partials_read_kudos_in_at_most_three_queries(reader_client, author,
                                                                 settings):
    # What the partials read when rendered: not reused from an earlier page (lib/fragments.py).
    settings.FICHIVE_FRAGMENT_CACHE_MB = 0
    work = WorkFactory(author=author)
    # No kudos yet: only the reader's own state is looked up.
    assert len(_kudos_queries(reader_client, f"/works/{work.pk}")) == 1
    for fan in _users(70):
        services.kudos_leave(work=work, user=fan)
    # Their state, the counts, the names shown.
    assert len(_kudos_queries(reader_client, f"/works/{work.pk}")) == 3
    assert len(_kudos_queries(Client(), f"/works/{work.pk}")) == 2  # guests: no state
