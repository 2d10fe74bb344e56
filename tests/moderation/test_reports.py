"""Reporting: a "Report" link on works, chapters, comments, bookmarks, series and profiles;
the form (reason and description; guests give an email address); the rate limit per account
and per address; suspended users can't report; nothing invisible can be reported."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.services import comment_post
from fichive.moderation.models import Report
from fichive.series.services import series_add_work, series_create
from tests.factories import WorkFactory

FORM = {"reason": "spam", "description": "It is an advert for shoes."}


def _page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def things(author, reader, no_comment_limit):
    work = WorkFactory(author=author, title="Harbour Lights",
                       chapters=["<p>One.</p>", "<p>Two.</p>"])
    chapter = work.chapters.order_by("position").last()
    comment = comment_post(work=work, user=reader, content="Buy shoes at example.org")
    bookmark = bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                               data=BookmarkData(notes="Shoes!"))
    series = series_create(user=author, title="Lights")
    series_add_work(user=author, series=series, work=work)
    return {"work": work, "chapter": chapter, "comment": comment, "bookmark": bookmark,
            "series": series, "user": reader}


# (kind, the page that links to its report form)
LINKS = [
    ("work", "/works/{work}"),
    ("chapter", "/works/{work}/chapters/{chapter}"),
    ("comment", "/works/{work}/comments"),
    ("bookmark", "/works/{work}/bookmarks"),
    ("series", "/series/{series}"),
    ("user", "/users/carol/profile"),
]


@pytest.mark.parametrize(("kind", "page"), LINKS, ids=[k for k, _ in LINKS])
@pytest.mark.parametrize("who", ["guest", "reader"])
def test_every_reportable_thing_links_to_its_report_form(things, login, stranger, kind, page,
                                                         who):
    ids = {k: v.pk for k, v in things.items()}
    client = login(stranger if who == "reader" else None)
    response = client.get(page.format(**ids))
    assert response.status_code == 200
    assert f'/report/{kind}/{ids[kind]}"' in response.content.decode()
    form = client.get(f"/report/{kind}/{ids[kind]}")
    assert form.status_code == 200
    assert "Send report" in _page(form)


@pytest.mark.parametrize("kind", ["work", "chapter", "comment", "bookmark", "series", "user"])
def test_a_reader_reports_each_kind(things, login, stranger, kind):
    target = things[kind]
    response = login(stranger).post(f"/report/{kind}/{target.pk}", FORM)
    assert response.status_code == 200
    assert "Thank you for your report" in _page(response)
    report = Report.objects.get()
    assert (report.kind, report.reporter, report.status) == (kind, stranger, "open")
    assert report.description == FORM["description"]
    assert getattr(report, "reported_user" if kind == "user" else kind) == target
    assert report.email == stranger.email


def test_a_guest_must_give_an_email_address(things):
    guest = Client()
    url = f"/report/work/{things['work'].pk}"
    response = guest.post(url, FORM)
    assert response.status_code == 200
    assert "Guests give an email address" in _page(response)
    assert not Report.objects.exists()
    response = guest.post(url, {**FORM, "email": "not an address"})
    assert "Enter a valid email address" in _page(response)
    response = guest.post(url, {**FORM, "email": "worried@example.org"})
    assert "Thank you" in _page(response)
    report = Report.objects.get()
    assert report.reporter is None and report.email == "worried@example.org"
    assert len(report.address_hash) == 64 and "127.0.0.1" not in report.address_hash


@pytest.mark.parametrize(("data", "message"), [
    ({"description": "Shoes."}, "Choose a reason from the list."),
    ({"reason": "nonsense", "description": "Shoes."}, "Choose a reason from the list."),
    ({"reason": "spam", "description": "   "}, "Tell the moderators what is wrong."),
    ({"reason": "spam", "description": "x" * 5001}, "at most 5000"),
])
def test_the_form_says_what_is_missing(things, reader_client, data, message):
    response = reader_client.post(f"/report/work/{things['work'].pk}", data)
    assert response.status_code == 200
    assert message in _page(response)
    assert not Report.objects.exists()


def test_reports_are_limited_per_account(things, login, stranger):
    client = login(stranger)
    url = f"/report/work/{things['work'].pk}"
    for _ in range(5):
        assert "Thank you" in _page(client.post(url, FORM))
    response = client.post(url, FORM)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "You have sent 5 reports in the last hour" in _page(response)
    assert Report.objects.count() == 5


def test_reports_are_limited_per_address_for_guests_and_users(things, stranger):
    url = f"/report/work/{things['work'].pk}"
    here = Client(REMOTE_ADDR="192.0.2.5")
    for n in range(5):
        here.post(url, {**FORM, "email": f"g{n}@example.org"})
    assert here.post(url, {**FORM, "email": "x@example.org"}).status_code == 429
    # A logged-in user at the same address counts against it too.
    there = Client(REMOTE_ADDR="192.0.2.5")
    there.force_login(stranger)
    assert there.post(url, FORM).status_code == 429
    elsewhere = Client(REMOTE_ADDR="192.0.2.6")
    assert elsewhere.post(url, {**FORM, "email": "y@example.org"}).status_code == 200
    assert Report.objects.count() == 6


@pytest.mark.parametrize("fixture", ["suspended", "banned"])
def test_suspended_users_cannot_report(things, login, request, fixture):
    user = request.getfixturevalue(fixture)
    client = login(user)
    url = f"/report/work/{things['work'].pk}"
    if fixture == "banned":  # a banned user's session no longer logs them in
        response = client.post(url, FORM)
        assert "Guests give an email address" in _page(response)
    else:
        page = _page(client.get(url))
        assert "suspended until" in page and "Spamming comment threads" in page
        response = client.post(url, FORM)
        assert response.status_code == 403
        assert "Spamming comment threads" in _page(response)
    assert not Report.objects.exists()


def test_what_a_visitor_may_not_see_cannot_be_reported(author, reader_client):
    draft = WorkFactory(author=author, post=False)
    restricted = WorkFactory(author=author, restricted=True)
    assert reader_client.get(f"/report/work/{draft.pk}").status_code == 404
    # A guest is sent to log in, as on every page of a restricted work.
    response = Client().get(f"/report/work/{restricted.pk}")
    assert response.status_code == 302 and response.url.startswith("/login?next=")
    assert reader_client.get(f"/report/work/{restricted.pk}").status_code == 200
    assert reader_client.get("/report/planet/1").status_code == 404
    assert reader_client.get("/report/work/999999").status_code == 404
