"""Invitations to be a co-creator in the inbox and by mail (a real SMTP server on loopback),
as the invitee's preferences say."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from fichive.accounts.services import preferences_update
from fichive.inbox.models import InboxItem
from tests.factories import WorkFactory


@pytest.fixture
def invited_work(author, co_author):
    return WorkFactory(author=author, title="Two Hands",
                       creators=[author.default_pseud, co_author.default_pseud], invite=True)


@pytest.fixture
def bob_client(client, co_author):
    client.force_login(co_author)
    return client


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_invitee_gets_an_inbox_item_and_a_mail(smtp_server, invited_work, bob_client,
                                                   run_tasks):
    run_tasks()

    (item,) = InboxItem.objects.filter(user__username="bob")
    assert item.kind == InboxItem.Kind.CREATOR_INVITATION
    inbox = _page(bob_client.get("/users/bob/inbox"))
    assert escape("alice invited bob to be a co-creator of “Two Hands”") in inbox
    assert 'href="/users/bob/creatorships"' in inbox
    (message,) = smtp_server.to("bob@example.org")
    assert message["Subject"].strip() == (
        "[Fichive] alice invited you to be a co-creator of “Two Hands”")
    assert "/users/bob/creatorships" in message.get_content()
    assert not smtp_server.to("alice@example.org")


def test_no_invitation_mail_when_the_invitee_turned_it_off(smtp_server, author, co_author,
                                                           run_tasks):
    preferences_update(user=co_author, email_creator_invitations=False)

    WorkFactory(author=author, creators=[author.default_pseud, co_author.default_pseud],
                invite=True)
    run_tasks()

    assert InboxItem.objects.filter(user=co_author).count() == 1
    assert smtp_server.messages == []
