"""Notification mail through a real SMTP server on loopback: subject, recipient and a link
to the thing, read back from the server."""

from __future__ import annotations

from fichive.inbox.mail import names_and_guests, site_url
from fichive.subscriptions.models import Subscription
from tests.factories import WorkFactory


def test_a_new_chapter_mail_arrives_over_smtp_with_its_link(settings, smtp_server, reader,
                                                            work, post_chapter, run_tasks):
    settings.FICHIVE_SITE_URL = "https://fics.example.org/"
    Subscription.objects.create(user=reader, work=work)

    post_chapter(work, title="The Storm")
    run_tasks()

    (message,) = smtp_server.to("carol@example.org")
    chapter = work.chapters.get(position=2)
    assert message["Subject"].strip() == f"[Fichive] “{work.title}”: Chapter 2: The Storm"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    body = message.get_content()
    assert f"https://fics.example.org/works/{work.pk}/chapters/{chapter.pk}" in body
    assert "alice posted a new chapter" in body
    assert "https://fics.example.org/users/carol/preferences" in body


def test_a_new_work_mail_arrives_over_smtp(smtp_server, author, reader, run_tasks):
    Subscription.objects.create(user=reader, creator=author)
    work = WorkFactory(author=author, title="Lanterns", summary="<p>A <b>quiet</b> tale.</p>")
    run_tasks()
    (message,) = smtp_server.messages
    assert message["To"] == "carol@example.org"
    assert message["Subject"].strip() == "[Fichive] alice posted “Lanterns”"
    assert f"/works/{work.pk}" in message.get_content()


def test_links_use_the_first_allowed_host_without_a_site_url(settings):
    settings.ALLOWED_HOSTS = [".example.net", "other"]
    if hasattr(settings, "FICHIVE_SITE_URL"):
        del settings.FICHIVE_SITE_URL
    assert site_url() == "http://example.net"


def test_names_and_guests_reads_like_a_sentence():
    assert names_and_guests(["alice"], 0) == "alice"
    assert names_and_guests([], 1) == "1 guest"
    assert names_and_guests(["alice", "bob"], 3) == "alice, bob and 3 guests"
    assert names_and_guests(["alice", "bob", "eve"], 0) == "alice, bob and eve"
