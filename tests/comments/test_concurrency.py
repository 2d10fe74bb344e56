"""Comments posted and deleted at the same time through the real server: the work's counter
still equals its rows afterwards."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from fichive.comments import ratelimit
from fichive.comments.models import Comment
from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory

WRITERS = 6
EACH = 4


def _session(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    return opener


def _token(opener, url: str) -> str:
    page = opener.open(url, timeout=30).read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the comments page has a form with a CSRF token"
    return match.group(1)


def _post(opener, url: str, data: dict, referer: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - the live server's own address
        url, data=urllib.parse.urlencode(data).encode(), headers={"Referer": referer})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the SQLite test database lives in memory, where threads lock whole tables instead "
           "of waiting (the archive's SQLite file waits: WAL, busy timeout, IMMEDIATE "
           "transactions); run with FICHIVE_TEST_DB=postgres")
@pytest.mark.django_db(transaction=True)
def test_concurrent_comments_and_deletes_keep_the_counter_equal_to_the_rows(
    live_server, monkeypatch
):
    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)
    author = UserFactory(username="alice")
    work = WorkFactory(author=author)
    base = live_server.url
    comments_url = f"{base}/works/{work.pk}/comments"

    def write(number: int) -> list[int]:
        opener = _session(base)
        token = _token(opener, comments_url)
        statuses = []
        for each in range(EACH):
            statuses.append(_post(opener, comments_url, {
                "csrfmiddlewaretoken": token, "content": f"Writer {number} comment {each}",
                "name": f"Writer {number}", "email": f"w{number}@example.org",
            }, referer=comments_url))
        return statuses

    with ThreadPoolExecutor(WRITERS) as pool:
        results = [status for batch in pool.map(write, range(WRITERS)) for status in batch]
    assert all(status in (200, 302) for status in results), results
    assert Comment.objects.count() == WRITERS * EACH

    # Now the creator deletes half of them while readers add more.
    victims = list(Comment.objects.order_by("id").values_list("id", flat=True)[::2])

    from django.test import Client

    creator = Client()
    creator.force_login(author)
    session_cookie = creator.cookies["sessionid"].value

    def delete_one(comment_id: int) -> int:
        opener = urllib.request.build_opener()
        url = f"{base}/comments/{comment_id}/delete"
        cookie = f"sessionid={session_cookie}"
        with opener.open(urllib.request.Request(url, headers={"Cookie": cookie}),  # noqa: S310
                         timeout=30) as response:
            page = response.read().decode()
            csrf = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", ""))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        if csrf:
            cookie += f"; csrftoken={csrf.group(1)}"
        request = urllib.request.Request(  # noqa: S310 - the live server's own address
            url, data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
            headers={"Cookie": cookie, "Referer": base + "/"})
        try:
            with opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(WRITERS) as pool:
        deleting = list(pool.map(delete_one, victims))
        adding = list(pool.map(write, range(WRITERS, WRITERS + 2)))
    assert all(status in (200, 302) for status in deleting), deleting
    assert all(status in (200, 302) for batch in adding for status in batch)

    rows = Comment.objects.filter(work=work, status=Comment.Status.PUBLISHED,
                                  deleted=False).count()
    assert rows == WRITERS * EACH - len(victims) + 2 * EACH
    assert Work.objects.get(pk=work.pk).comments_count == rows
