"""The caller's own things in the API: /me (who, pseuds, roles, the token's scopes, counts),
/me/history (as the History page: only works the reader may still see) and /me/preferences
(read with `read` or a session, changed with `write`, checked as the Preferences page)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fichive.accounts.selectors import preferences_of
from fichive.accounts.services import preferences_update
from fichive.moderation.services import work_hide
from fichive.readings.models import Reading
from fichive.readings.selectors import PER_PAGE
from fichive.works.services import ChapterText, chapter_add
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def visited(user, work, *, days_ago: int = 0, visits: int = 1, to_read: bool = False):
    """A history entry as the read buffer's flush leaves it."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return Reading.objects.create(user=user, work=work, visits=visits, first_visited=when,
                                  last_visited=when, work_updated_seen=work.modified_at,
                                  to_read=to_read, marked_at=when if to_read else None)


# --- /me ------------------------------------------------------------------------------------


def test_me_names_the_caller_their_pseuds_roles_and_the_tokens_scopes(client, bearer_for,
                                                                     moderator):
    headers = bearer_for(moderator, "read", "moderate")

    response = client.get("/api/v1/me", **headers)

    assert response.status_code == 200
    data = response.json()
    assert data["username"] == "mona"
    assert data["pseuds"] == [{"name": "mona", "byline": "mona", "is_default": True}]
    assert data["roles"] == ["moderator"]
    assert data["scopes"] == ["moderate", "read"]
    assert data["token"] == "test token 1"
    assert data["history_enabled"] is True


def test_me_counts_what_the_callers_pages_count(client, bearer_for, author, reader):
    WorkFactory(author=author, title="Posted one")
    WorkFactory(author=author, title="Posted two", restricted=True)
    WorkFactory(author=author, title="Still a draft", post=False)
    read = WorkFactory(author=reader)
    visited(author, read)
    visited(author, WorkFactory(author=reader), visits=0, to_read=True)

    counts = client.get("/api/v1/me", **bearer_for(author, "read")).json()["counts"]

    assert counts["works"] == 2
    assert counts["drafts"] == 1
    assert counts["hidden"] == 0
    assert counts["history"] == 1
    assert counts["marked_for_later"] == 1
    assert counts["inbox_unread"] == 0


def test_me_with_a_browser_session_has_no_scopes(reader_client):
    data = reader_client.get("/api/v1/me").json()

    assert data["username"] == "carol"
    assert data["scopes"] == [] and data["token"] is None


def test_me_needs_a_token_or_a_session(client, db):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_me_needs_the_read_scope(client, bearer_for, reader):
    response = client.get("/api/v1/me", **bearer_for(reader, "write"))

    assert response.status_code == 403
    assert "“read” scope" in response.json()["detail"]


# --- /me/history ----------------------------------------------------------------------------


def test_history_lists_the_readers_works_latest_visit_first(client, bearer_for, author, reader):
    older = WorkFactory(author=author, title="Older Read")
    newer = WorkFactory(author=author, title="Newer Read")
    visited(reader, older, days_ago=3, visits=4)
    visited(reader, newer, days_ago=1)

    data = client.get("/api/v1/me/history", **bearer_for(reader, "read")).json()

    assert data["total"] == 2 and data["page"] == 1 and data["per_page"] == PER_PAGE
    assert [r["work"]["title"] for r in data["readings"]] == ["Newer Read", "Older Read"]
    first = data["readings"][1]
    assert first["visits"] == 4 and first["update_available"] is False
    assert first["work"]["creators"][0]["user"] == "alice"
    assert data["paused"] is False


def test_history_says_when_a_work_was_updated_since_the_visit(client, bearer_for, author,
                                                             reader):
    tale = WorkFactory(author=author, title="Tale")
    visited(reader, tale)
    chapter_add(user=author, work=tale, text=ChapterText(content="<p>More.</p>"))

    data = client.get("/api/v1/me/history", **bearer_for(reader, "read")).json()

    assert data["readings"][0]["update_available"] is True


def test_history_leaves_out_works_the_reader_may_no_longer_see(client, bearer_for, author,
                                                               reader, moderator):
    kept = WorkFactory(author=author, title="Still Here")
    draft = WorkFactory(author=author, title="Back To Draft", post=False)
    hidden = WorkFactory(author=author, title="Hidden By Mods")
    deleted = WorkFactory(author=author, title="Deleted")
    for work in (kept, draft, hidden, deleted):
        visited(reader, work)
    work_hide(actor=moderator, work=hidden, reason="Spam")
    deleted.delete()

    data = client.get("/api/v1/me/history", **bearer_for(reader, "read")).json()

    assert [r["work"]["title"] for r in data["readings"]] == ["Still Here"]
    assert data["total"] == 1


def test_history_of_an_anonymous_work_names_no_creator(client, bearer_for, author, reader):
    visited(reader, WorkFactory(author=author, title="Masked", anonymous=True))

    body = client.get("/api/v1/me/history", **bearer_for(reader, "read")).content.decode()

    assert "Masked" in body
    assert "alice" not in body


def test_history_pages_by_cursor(client, bearer_for, author, reader):
    for n in range(PER_PAGE + 3):
        visited(reader, WorkFactory(author=author, title=f"Read {n:02}"), days_ago=n)
    headers = bearer_for(reader, "read")

    first = client.get("/api/v1/me/history", **headers).json()
    second = client.get(first["next"], **headers).json()

    assert len(first["readings"]) == PER_PAGE and first["pages"] == 2
    assert [r["work"]["title"] for r in second["readings"]] == ["Read 20", "Read 21", "Read 22"]
    assert second["next"] is None and second["previous"]
    assert client.get("/api/v1/me/history?page=3", **headers).status_code == 404
    assert client.get("/api/v1/me/history?page=0", **headers).status_code == 400
    huge = client.get("/api/v1/me/history?page=99999999999999999999999", **headers)
    assert huge.status_code in (400, 404)


def test_history_when_paused(client, bearer_for, reader):
    preferences_update(user=reader, history_enabled=False)

    data = client.get("/api/v1/me/history", **bearer_for(reader, "read")).json()

    assert data["paused"] is True and data["readings"] == []


def test_history_is_only_the_callers(client, bearer_for, author, reader, stranger):
    visited(reader, WorkFactory(author=author, title="Carol's Read"))

    body = client.get("/api/v1/me/history", **bearer_for(stranger, "read")).json()

    assert body["readings"] == []
    assert client.get("/api/v1/me/history").status_code == 401


def test_deleting_a_history_entry_needs_write_and_keeps_marked_for_later(client, bearer_for,
                                                                         author, reader,
                                                                         stranger):
    entry = visited(reader, WorkFactory(author=author, title="Marked"), visits=2, to_read=True)
    url = f"/api/v1/me/history/{entry.pk}"

    assert client.delete(url, **bearer_for(reader, "read")).status_code == 403
    assert client.delete(url, **bearer_for(stranger, "write")).status_code == 404
    assert client.delete(url, **bearer_for(reader, "write")).status_code == 204

    entry.refresh_from_db()
    assert entry.visits == 0 and entry.to_read is True
    data = client.get("/api/v1/me/history", **bearer_for(reader, "read")).json()
    assert data["readings"] == []


def test_a_session_cannot_delete_history(reader_client, author, reader):
    entry = visited(reader, WorkFactory(author=author))

    assert reader_client.delete(f"/api/v1/me/history/{entry.pk}").status_code == 401
    assert Reading.objects.get(pk=entry.pk).visits == 1


# --- /me/preferences ------------------------------------------------------------------------


def test_preferences_show_every_preference_of_the_page(client, bearer_for, reader):
    from fichive.accounts.forms import PreferenceForm

    data = client.get("/api/v1/me/preferences", **bearer_for(reader, "read")).json()

    assert set(data) == set(PreferenceForm.base_fields)
    assert data["skin"] == "auto" and data["font_size"] == 100
    assert data["history_enabled"] is True and data["time_zone"] == "UTC"


def test_preferences_change_only_what_is_sent(client, bearer_for, reader):
    preferences_update(user=reader, hide_warnings=True)

    response = client.patch("/api/v1/me/preferences", {"font_size": 150,
                                                       "time_zone": "Europe/Berlin",
                                                       "email_kudos": True},
                            content_type="application/json", **bearer_for(reader, "write"))

    assert response.status_code == 200
    assert response.json()["font_size"] == 150
    saved = preferences_of(reader)
    assert (saved.font_size, saved.time_zone, saved.email_kudos) == (150, "Europe/Berlin",
                                                                     True)
    assert saved.hide_warnings is True


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"font_size": 500}, "font_size", "Choose a whole number from 80 to 200%."),
    ({"line_width": 10}, "line_width", "Choose a whole number from 40 to 120 characters."),
    ({"time_zone": "Mars/Olympus"}, "time_zone", "Choose a time zone from the list"),
    ({"skin": "purple"}, "skin", "Choose light, dark, or follow my device."),
    ({"font_family": "comic"}, "font_family", "Choose serif or sans-serif."),
    ({"font_size": "big"}, "font_size", ""),
    ({"view_adult": None}, "view_adult", ""),
    ({"fontsize": 120}, "fontsize", ""),
])
def test_bad_preferences_are_field_errors_and_change_nothing(client, bearer_for, reader, body,
                                                             field, message):
    response = client.patch("/api/v1/me/preferences", {**body, "hide_warnings": True},
                            content_type="application/json", **bearer_for(reader, "write"))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert field in errors
    assert message in " ".join(errors[field])
    assert preferences_of(reader).hide_warnings is False


def test_preferences_reject_a_body_that_is_not_an_object(client, bearer_for, reader):
    headers = bearer_for(reader, "write")

    for body in ("", "[1, 2]", "not json"):
        response = client.patch("/api/v1/me/preferences", body,
                                content_type="application/json", **headers)
        assert response.status_code == 400, body


def test_changing_preferences_needs_a_write_token(client, bearer_for, reader_client, reader):
    body = {"font_size": 150}

    assert client.patch("/api/v1/me/preferences", body, content_type="application/json",
                        **bearer_for(reader, "read")).status_code == 403
    assert reader_client.patch("/api/v1/me/preferences", body,
                               content_type="application/json").status_code == 401
    assert preferences_of(reader).font_size == 100


def test_preferences_are_the_callers_own(client, bearer_for, reader):
    other = UserFactory(username="erin")
    preferences_update(user=other, font_size=180)

    data = client.get("/api/v1/me/preferences", **bearer_for(reader, "read")).json()

    assert data["font_size"] == 100


def test_history_costs_the_same_queries_for_more_entries(client, bearer_for, author, reader,
                                                         django_assert_max_num_queries):
    headers = bearer_for(reader, "read")
    visited(reader, WorkFactory(author=author, title="First"))
    client.get("/api/v1/me/history", **headers)  # warm what a first request loads
    with django_assert_max_num_queries(30) as one:
        client.get("/api/v1/me/history", **headers)
    for n in range(8):
        visited(reader, WorkFactory(author=author, title=f"More {n}", anonymous=n % 2 == 0))

    with django_assert_max_num_queries(len(one.captured_queries)):
        data = client.get("/api/v1/me/history", **headers).json()
    assert data["total"] == 9


def test_history_keeps_a_muted_users_work_as_the_history_page_does(client, bearer_for,
                                                                   reader_client, author,
                                                                   reader):
    from fichive.blocking.services import user_mute

    visited(reader, WorkFactory(author=author, title="By A Muted Author"))
    user_mute(user=reader, muted=author)

    data = client.get("/api/v1/me/history", **bearer_for(reader, "read")).json()

    assert [r["work"]["title"] for r in data["readings"]] == ["By A Muted Author"]
    assert "By A Muted Author" in reader_client.get("/users/carol/readings").content.decode()


def test_history_lists_restricted_works_to_their_reader(client, bearer_for, author, reader):
    visited(reader, WorkFactory(author=author, title="Members Only", restricted=True))

    data = client.get("/api/v1/me/history", **bearer_for(reader, "read")).json()

    assert [(r["work"]["title"], r["work"]["restricted"]) for r in data["readings"]] == [
        ("Members Only", True)]
