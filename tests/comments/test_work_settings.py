"""The work's comment settings on the posting and edit forms."""

from __future__ import annotations

import re

import pytest

from fichive.works.models import Work
from tests.works.helpers import edit_form, work_form


def test_the_posting_form_offers_both_settings(author_client):
    page = author_client.get("/works/new").content.decode()
    assert "Who can comment on this work" in page
    assert 'value="everyone"' in page and 'value="users"' in page and 'value="none"' in page
    assert "Enable comment moderation" in page


def test_a_new_work_saves_the_settings(author, author_client):
    response = author_client.post("/works/new", work_form(
        author, comment_permission="users", moderated_comments="on"))
    assert response.status_code == 302
    work = Work.objects.get()
    assert work.comment_permission == "users" and work.moderated_comments


def test_a_new_work_without_the_settings_takes_everyone_unmoderated(author, author_client):
    author_client.post("/works/new", work_form(author))
    work = Work.objects.get()
    assert work.comment_permission == "everyone" and not work.moderated_comments


def test_a_bad_choice_is_a_message_on_the_form(author, author_client):
    response = author_client.post("/works/new", work_form(author, comment_permission="cats"))
    assert response.status_code == 200
    assert "Choose who may comment on the work." in response.content.decode()
    assert not Work.objects.exists()


def test_editing_shows_and_changes_the_settings(author, author_client, work):
    work.comment_permission = "none"
    work.save(update_fields=["comment_permission"])
    page = author_client.get(f"/works/{work.pk}/edit").content.decode()
    assert re.search(r'name="comment_permission" value="none"[^>]*checked', page)
    assert not re.search(r'name="comment_permission" value="everyone"[^>]*checked', page)
    response = author_client.post(f"/works/{work.pk}/edit", edit_form(
        work, author, comment_permission="everyone", moderated_comments="on"))
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.comment_permission == "everyone" and work.moderated_comments


@pytest.mark.parametrize("kept", ["users", "none"])
def test_an_edit_without_the_setting_keeps_it(author, author_client, work, kept):
    Work.objects.filter(pk=work.pk).update(comment_permission=kept)
    work.refresh_from_db()
    data = edit_form(work, author)
    data.pop("comment_permission", None)
    author_client.post(f"/works/{work.pk}/edit", data)
    work.refresh_from_db()
    assert work.comment_permission == kept
