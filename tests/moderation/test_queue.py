"""The moderation queue, a report's page and its actions, the audit log and the moderator
role: who may open them (guests → log in, readers and creators → 403, moderators and admins
→ the page), and what each action does (each one writes the audit log)."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from fichive.bookmarks.models import Bookmark
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.models import Comment
from fichive.comments.services import comment_post
from fichive.inbox.models import InboxItem
from fichive.moderation.models import ModerationAction, Report
from fichive.moderation.services import report_create
from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _report(kind: str, target, *, by=None, reason: str = "spam",
            text: str = "Please look at this.") -> Report:
    return report_create(user=by, kind=kind, target=target, reason=reason, description=text,
                         email="" if by else "guest@example.org")


@pytest.fixture
def reported(author, reader):
    work = WorkFactory(author=author, title="Harbour Lights", summary="Boats at dusk.")
    return _report("work", work, by=reader, text="This is copied from a published novel.")


PAGES = ["/moderation/", "/moderation/log", "/moderation/reports/{r}",
         "/moderation/works/{w}", "/moderation/users/carol"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("who", "status"), [
    ("guest", 302), ("reader", 403), ("creator", 403), ("suspended", 403),
    ("moderator", 200), ("admin", 200)])
def test_who_may_open_the_moderation_pages(reported, login, request, author, page, who,
                                           status):
    user = {"guest": None, "reader": request.getfixturevalue("stranger"), "creator": author,
            }.get(who) if who in ("guest", "reader", "creator") else request.getfixturevalue(who)
    response = login(user).get(page.format(r=reported.pk, w=reported.work_id))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login")
    if status == 403:
        assert "Only moderators can use this page" in _page(response)


def test_banned_users_are_sent_to_log_in(reported, login, banned):
    assert login(banned).get("/moderation/").status_code == 302


def test_the_queue_lists_open_reports_newest_first_with_the_content(reported, login,
                                                                     moderator, reader, author):
    comment = comment_post(work=reported.work, user=author, content="<p>Rude words here</p>")
    second = _report("comment", comment, by=None, reason="harassment")
    closed = _report("user", reader, by=author)
    closed.status = Report.Status.DISMISSED
    closed.save()
    page = _page(login(moderator).get("/moderation/"))
    assert page.index(f'id="report-{second.pk}"') < page.index(f'id="report-{reported.pk}"')
    assert "Rude words here" in page and "Harbour Lights" in page  # in context
    assert "Boats at dusk." in page  # the work's blurb
    assert "a guest (guest@example.org)" in page
    assert f'id="report-{closed.pk}"' not in page
    assert "2 open reports" in page
    dismissed = _page(login(moderator).get("/moderation/?status=dismissed"))
    assert f'id="report-{closed.pk}"' in dismissed and f'id="report-{second.pk}"' not in dismissed


def test_the_queue_reads_a_fixed_number_of_queries(reported, login, moderator, author,
                                                   reader, django_assert_num_queries,
                                                   no_comment_limit):
    from django.core.cache import cache

    client = login(moderator)
    client.get("/moderation/")  # sessions, preferences: settled
    cache.clear()  # nothing kept (the blurbs' tags and creators) on either visit measured
    with django_assert_num_queries(8) as first:
        client.get("/moderation/")
    for n in range(6):
        work = WorkFactory(author=author, title=f"Another {n}")
        _report("work", work, by=None)
        comment = comment_post(work=work, user=reader, content=f"c{n}")
        _report("comment", comment, by=None)
    cache.clear()
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get("/moderation/")
    assert "Another 5" in _page(response)


def _act(client: Client, report: Report, action: str, reason: str = "Checked it.", **extra):
    return client.post(f"/moderation/reports/{report.pk}",
                       {"action": action, "reason": reason, **extra})


def test_hiding_a_work_from_its_report(reported, login, moderator, author, run_tasks):
    response = _act(login(moderator), reported, "hide", "Plagiarised from a novel.")
    assert response.status_code == 302
    work = Work.objects.get(pk=reported.work_id)
    assert work.is_hidden and work.hidden_reason == "Plagiarised from a novel."
    report = Report.objects.get(pk=reported.pk)
    assert report.status == "resolved" and report.closed_by == moderator
    entry = ModerationAction.objects.get()
    assert (entry.actor, entry.action, entry.reason, entry.report_id) == (
        moderator, "hide_work", "Plagiarised from a novel.", reported.pk)
    item = InboxItem.objects.get(user=author)
    assert item.kind == InboxItem.Kind.WORK_HIDDEN and item.summary == "Plagiarised from a novel."
    run_tasks()
    from django.core import mail

    assert any("hid your work" in m.subject and "Plagiarised" in m.body for m in mail.outbox)
    inbox = _page(login(author).get(f"/users/{author.username}/inbox"))
    assert "A moderator hid your work" in inbox and "Plagiarised from a novel." in inbox
    page = _page(login(author).get(f"/works/{work.pk}"))
    assert "This work has been hidden by a moderator" in page
    assert "Plagiarised from a novel." in page


def test_unhiding_brings_the_work_back_and_tells_the_creators(reported, login, moderator,
                                                              author):
    client = login(moderator)
    _act(client, reported, "hide", "Checking.")
    response = client.post(f"/moderation/works/{reported.work_id}",
                           {"action": "unhide", "reason": "It was the author's own novel."})
    assert response.status_code == 302
    work = Work.objects.get(pk=reported.work_id)
    assert work.state == "posted" and work.hidden_reason == ""
    assert InboxItem.objects.filter(user=author, kind="unhidden").exists()
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "hide_work", "unhide_work"]
    assert "Harbour Lights" in _page(Client().get("/works"))


def test_every_action_needs_a_reason(reported, login, moderator):
    response = _act(login(moderator), reported, "hide", reason="  ")
    assert response.status_code == 400
    assert "Give a reason" in _page(response)
    assert Work.objects.get(pk=reported.work_id).state == "posted"
    assert not ModerationAction.objects.exists()


def test_deleting_a_reported_comment(login, moderator, work, reader):
    comment = comment_post(work=work, user=reader, content="Nasty words")
    report = _report("comment", comment, by=None, reason="harassment")
    assert _act(login(moderator), report, "delete_comment", "Harassment.").status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert Report.objects.get(pk=report.pk).status == "resolved"
    entry = ModerationAction.objects.get()
    assert entry.action == "delete_comment" and entry.target_user == reader
    assert "Nasty words" not in _page(Client().get(f"/works/{work.pk}/comments"))


def test_deleting_a_reported_bookmark(login, moderator, work, reader):
    bookmark = bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                               data=BookmarkData(notes="Spam link"))
    report = _report("bookmark", bookmark, by=None)
    assert _act(login(moderator), report, "delete_bookmark", "Spam.").status_code == 302
    assert not Bookmark.objects.filter(pk=bookmark.pk).exists()
    assert Work.objects.get(pk=work.pk).bookmarks_count == 0
    assert ModerationAction.objects.get().action == "delete_bookmark"


def test_suspending_lifting_banning_and_unbanning_a_user(login, moderator, reader, author):
    report = _report("user", reader, by=author, reason="harassment")
    client = login(moderator)
    response = _act(client, report, "suspend", "Harassing authors.")
    assert response.status_code == 400 and "Say for how many days" in _page(response)
    assert _act(client, report, "suspend", "Harassing authors.", days="7").status_code == 302
    reader.refresh_from_db()
    assert reader.is_suspended and reader.suspension_reason == "Harassing authors."
    assert _act(client, report, "unsuspend", "Apologised.").status_code == 302
    reader.refresh_from_db()
    assert not reader.is_suspended
    reader_session = login(reader)
    assert _act(client, report, "ban", "Came back harassing.").status_code == 302
    reader.refresh_from_db()
    assert reader.banned and reader.ban_reason == "Came back harassing."
    # Their open session ended.
    assert reader_session.get("/works/new").status_code == 302
    assert _act(client, report, "unban", "Appeal granted.").status_code == 302
    reader.refresh_from_db()
    assert not reader.banned
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "suspend", "unsuspend", "ban", "unban"]


def test_moderators_cannot_suspend_admins_or_other_moderators(login, moderator, admin):
    other = UserFactory(username="modtwo", is_staff=False)
    other.is_moderator = True
    other.save()
    client = login(moderator)
    response = client.post("/moderation/users/root", {"action": "ban", "reason": "x"})
    assert response.status_code == 400 and "Admins can't be suspended or banned" in _page(
        response)
    response = client.post("/moderation/users/modtwo", {"action": "ban", "reason": "x"})
    assert response.status_code == 403
    assert login(admin).post("/moderation/users/modtwo",
                             {"action": "ban", "reason": "x"}).status_code == 302
    response = client.post("/moderation/users/mona", {"action": "suspend", "days": "2",
                                                      "reason": "x"})
    assert "your own account" in _page(response)


@pytest.mark.parametrize("action", ["resolve", "dismiss"])
def test_resolving_and_dismissing(reported, login, moderator, action):
    client = login(moderator)
    assert _act(client, reported, action, "Nothing to do.").status_code == 302
    report = Report.objects.get(pk=reported.pk)
    assert report.status == {"resolve": "resolved", "dismiss": "dismissed"}[action]
    assert ModerationAction.objects.get().action == action
    response = _act(client, reported, action, "Again.")
    assert response.status_code == 400
    assert "already" in _page(response)
    assert f'id="report-{reported.pk}"' not in _page(client.get("/moderation/"))


def test_the_audit_log_shows_who_what_when_and_why(reported, login, moderator, admin):
    _act(login(moderator), reported, "hide", "Plagiarised.")
    page = _page(login(admin).get("/moderation/log"))
    assert "mona" in page and "Hid a work" in page and "Plagiarised." in page
    assert "Harbour Lights" in page


@pytest.mark.parametrize(("who", "status"), [
    ("guest", 302), ("reader", 403), ("moderator", 403), ("admin", 200)])
def test_only_admins_grant_the_moderator_role(login, request, who, status):
    user = None if who == "guest" else request.getfixturevalue(
        "stranger" if who == "reader" else who)
    assert login(user).get("/admin/moderators").status_code == status


def test_admins_grant_and_revoke_the_role_and_it_is_logged(login, admin, reader):
    client = login(admin)
    response = client.post("/admin/moderators", {"username": "carol", "action": "grant"})
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.is_moderator
    assert login(reader).get("/moderation/").status_code == 200
    client.post("/admin/moderators", {"username": "carol", "action": "revoke"})
    reader.refresh_from_db()
    assert not reader.is_moderator
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "grant_mod", "revoke_mod"]
    response = client.post("/admin/moderators", {"username": "nobody", "action": "grant"})
    assert "There is no user named “nobody”" in _page(response)


def test_the_audit_log_reads_a_fixed_number_of_queries(login, moderator, author,
                                                       django_assert_num_queries):
    client = login(moderator)
    work = WorkFactory(author=author)
    from fichive.moderation.services import work_hide, work_unhide

    work_hide(actor=moderator, work=work, reason="one")
    client.get("/moderation/log")
    with django_assert_num_queries(5) as first:
        client.get("/moderation/log")
    for n in range(5):
        work_unhide(actor=moderator, work=work, reason=f"back {n}")
        work_hide(actor=moderator, work=work, reason=f"again {n}")
    with django_assert_num_queries(len(first.captured_queries)):
        page = _page(client.get("/moderation/log"))
    assert "again 4" in page


def test_drafts_have_no_moderation_page(login, moderator, author):
    draft = WorkFactory(author=author, post=False)
    assert login(moderator).get(f"/moderation/works/{draft.pk}").status_code == 404
