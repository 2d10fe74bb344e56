"""Who may leave kudos where: guest, reader, creator, co-creator and admin, on a posted, a
restricted and a draft work. Answers as kudos.js sees them: 201 left, 403 refused (with the
reason), 404 for a work the visitor may not see; and what each sees on the work's page."""

from __future__ import annotations

import pytest
from django.test import Client

from fichive.kudos.models import Kudos
from tests.factories import UserFactory, WorkFactory

LEFT, REFUSED, HIDDEN = 201, 403, 404
OWN = "You can't leave kudos on your own work."
DRAFT = "Kudos can only be left on posted works."

MATRIX = {
    #            guest,  reader,  creator,        co-creator,     admin
    "posted":     (LEFT,   LEFT,    (REFUSED, OWN),   (REFUSED, OWN),   LEFT),
    "restricted": (HIDDEN, LEFT,    (REFUSED, OWN),   (REFUSED, OWN),   LEFT),
    "draft":      (HIDDEN, HIDDEN,  (REFUSED, DRAFT), (REFUSED, DRAFT), HIDDEN),
}
ROLES = ["guest", "reader", "creator", "co-creator", "admin"]


@pytest.fixture
def people(author, co_author, reader):
    admin = UserFactory(username="root")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    return {"guest": None, "reader": reader, "creator": author, "co-creator": co_author,
            "admin": admin}


def _work(kind: str, author, co_author):
    return WorkFactory(author=author, creators=[author.default_pseud, co_author.default_pseud],
                       restricted=kind == "restricted", post=kind != "draft")


def _browser(user) -> Client:
    browser = Client(REMOTE_ADDR="198.51.100.9")
    if user is not None:
        browser.force_login(user)
    return browser


@pytest.mark.parametrize("kind", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_leave_kudos_where(people, author, co_author, kind, role):
    work = _work(kind, author, co_author)
    expected = MATRIX[kind][ROLES.index(role)]
    status, message = expected if isinstance(expected, tuple) else (expected, None)

    response = _browser(people[role]).post(f"/works/{work.pk}/kudos",
                                          HTTP_ACCEPT="application/json")

    assert response.status_code == status
    if message:
        assert response.json()["message"] == message
    work.refresh_from_db()
    assert work.kudos_count == Kudos.objects.filter(work=work).count() == (status == LEFT)


@pytest.mark.parametrize("kind", ["posted", "restricted"])
@pytest.mark.parametrize(("role", "shown"), [
    ("guest", "Kudos ♥</button>"),
    ("reader", "Kudos ♥</button>"),
    ("creator", "Kudos ♥ are for readers: this is your work."),
    ("co-creator", "Kudos ♥ are for readers: this is your work."),
    ("admin", "Kudos ♥</button>"),
])
def test_what_each_visitor_sees_of_the_kudos_button(people, author, co_author, kind, role,
                                                     shown):
    work = _work(kind, author, co_author)
    response = _browser(people[role]).get(f"/works/{work.pk}")
    if role == "guest" and kind == "restricted":
        assert response.status_code == 302  # guests never see it: log in first, no button
        assert response["Location"].startswith("/login?next=")
        return
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_a_draft_shows_no_kudos_button_even_to_its_creators(people, author, co_author):
    work = _work("draft", author, co_author)
    page = _browser(author).get(f"/works/{work.pk}").content.decode()
    assert 'id="kudos-action"' not in page
