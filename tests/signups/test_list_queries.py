"""The lists of the sign-up pages (a user's invitations, the admins' waiting requests) take
a fixed number of queries however long they are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fichive.signups.models import Invitation, InvitationRequest
from tests.factories import UserFactory


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _used_invitations(owner, n: int, start: int) -> None:
    now = timezone.now()
    for i in range(start, start + n):
        friend = UserFactory(username=f"friend{i}")
        Invitation.objects.create(code=f"c{i}", source="user", owner=owner,
                                  email=f"f{i}@example.org", sent_at=now, expires_at=now,
                                  used_at=now, used_by=friend)


@pytest.mark.parametrize("path", ["/users/carol/invitations"])
def test_a_users_invitations_page_has_a_fixed_query_count(client, reader, invite_only,
                                                          django_assert_num_queries, path):
    client.force_login(reader)
    _used_invitations(reader, 1, 0)
    one = _queries(client, path)
    _used_invitations(reader, 6, 1)

    with django_assert_num_queries(one):
        page = client.get(path).content.decode()
    assert page.count("Used by") == 7


def test_the_admins_waiting_requests_have_a_fixed_query_count(client, admin,
                                                              django_assert_num_queries):
    client.force_login(admin)
    InvitationRequest.objects.create(user=UserFactory(username="asker0"), quantity=1,
                                     reason="r")
    one = _queries(client, "/admin/signups")
    for i in range(1, 7):
        InvitationRequest.objects.create(user=UserFactory(username=f"asker{i}"), quantity=2,
                                         reason="r")

    with django_assert_num_queries(one):
        page = client.get("/admin/signups").content.decode()
    assert page.count('value="approve"') == 7
