"""Log-in throttling: django-axes locks a user name from one address after repeated wrong
passwords, the address-wide limits refuse floods of log-in posts, and every refusal is a
readable 429 with Retry-After that offers a password reset."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.core.management import call_command

from fichive.accounts import lockout
from fichive.lib.ratelimit import RateLimit
from tests.factories import PASSWORD
from tests.ports import free_port


def _login(client, password, *, username="alice", address="127.0.0.1"):
    return client.post("/login", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def _wrong_passwords(client, count, **kwargs):
    return [_login(client, f"wrong-guess-{n}", **kwargs) for n in range(count)]


def _is_refusal(response, *, within: int = 15 * 60) -> bool:
    page = response.content.decode()
    return (response.status_code == 429 and 0 < int(response["Retry-After"]) <= within
            and "Log in paused" in page and "/password/reset" in page)


def test_the_right_password_is_refused_while_the_name_is_locked_out(client, author):
    answers = _wrong_passwords(client, settings.AXES_FAILURE_LIMIT)

    assert [a.status_code for a in answers[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert _is_refusal(answers[-1])  # the failure that reaches the limit says so at once
    locked = _login(client, PASSWORD)
    assert _is_refusal(locked)
    assert "too many wrong passwords for this user name" in locked.content.decode()
    assert "Log out" not in client.get("/").content.decode()


def test_the_lock_ends_with_the_cool_off(client, author):
    _wrong_passwords(client, settings.AXES_FAILURE_LIMIT)
    assert _login(client, PASSWORD).status_code == 429

    # What the end of the cool-off does; admins can do it at once with this command.
    call_command("axes_reset_ip_username", "127.0.0.1", "alice")

    assert _login(client, PASSWORD).status_code == 302


def test_the_name_is_counted_whatever_its_case(client, author):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"wrong-guess-{n}", username="ALICE" if n % 2 else "alice")

    assert _login(client, PASSWORD, username="Alice").status_code == 429


def test_the_owner_logging_in_from_elsewhere_is_not_locked_out(client, author):
    _wrong_passwords(client, settings.AXES_FAILURE_LIMIT, address="198.51.100.7")

    assert _login(client, PASSWORD, address="203.0.113.5").status_code == 302


def test_a_right_password_starts_the_count_again(client, author):
    _wrong_passwords(client, settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, PASSWORD).status_code == 302
    client.post("/logout")

    answers = _wrong_passwords(client, settings.AXES_FAILURE_LIMIT - 1)

    assert {a.status_code for a in answers} == {200}
    assert _login(client, PASSWORD).status_code == 302


def test_wrong_passwords_under_many_names_pause_the_address(client, author, monkeypatch):
    monkeypatch.setattr(lockout, "LOGIN_FAILURES",
                        RateLimit("fichive:login:failed", limit=4, window=3600))
    for name in ("bob", "carol", "dave", "erin"):
        assert _login(client, "123456789012", username=name).status_code == 200

    refused = _login(client, PASSWORD)  # alice has had no wrong password at all

    assert _is_refusal(refused, within=3600)
    assert "4 wrong passwords from your address" in refused.content.decode()
    assert _login(client, PASSWORD, address="203.0.113.5").status_code == 302


def test_a_burst_of_log_ins_from_one_address_is_refused_even_with_good_passwords(
        client, author, monkeypatch):
    monkeypatch.setattr(lockout, "LOGIN_POSTS",
                        RateLimit("fichive:login:posts", limit=3, window=60))
    for _ in range(3):
        assert _login(client, PASSWORD).status_code == 302
        client.post("/logout")

    refused = _login(client, PASSWORD)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "3 log-in attempts from your address" in refused.content.decode()
    assert "Log out" not in client.get("/").content.decode()


def test_the_test_clients_login_and_force_login_still_work(client, author):
    assert client.login(username="alice", password=PASSWORD)
    client.logout()
    client.force_login(author)
    assert "Log out (alice)" in client.get("/").content.decode()


def test_failed_log_ins_and_lockouts_are_logged_without_the_password(client, author, caplog):
    caplog.set_level(logging.INFO, logger="fichive.security")
    _wrong_passwords(client, settings.AXES_FAILURE_LIMIT)
    _login(client, PASSWORD)

    lines = [r.getMessage() for r in caplog.records if r.name == "fichive.security"]
    failed = [line for line in lines if line.startswith("event=login_failed")]
    assert len(failed) >= settings.AXES_FAILURE_LIMIT
    assert f"user_id={author.pk}" in failed[0] and "address=" in failed[0]
    assert sum(line.startswith("event=login_locked_out") for line in lines) == 1
    text = "\n".join(lines)
    assert "wrong-guess" not in text and PASSWORD not in text and "127.0.0.1" not in text


@pytest.mark.parametrize("name", ["nobody_here", "Robert'); DROP TABLE--"])
def test_an_unknown_name_is_logged_as_unknown(client, db, caplog, name):
    caplog.set_level(logging.INFO, logger="fichive.security")
    _login(client, "whatever-it-is", username=name)

    line = next(r.getMessage() for r in caplog.records
                if r.getMessage().startswith("event=login_failed"))
    assert "known_user=False" in line and name not in line


def test_logging_in_goes_on_while_the_limits_redis_is_unreachable(client, author, settings,
                                                                  caplog):
    """With FICHIVE_REDIS_URL the counts live in Redis; while it is down the limits are off
    (logged), and nobody gets a 500 for it."""
    settings.CACHES = {**settings.CACHES, "ratelimit": {
        "BACKEND": "fichive.lib.failopen_cache.FailOpenRedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0", "KEY_PREFIX": "down"}}
    with caplog.at_level(logging.WARNING, logger="fichive.ratelimit"):
        assert _login(client, "wrong-guess").status_code == 200
        assert _login(client, PASSWORD).status_code == 302
        limit = RateLimit(prefix="test:down", limit=1, window=60)
        assert not limit.over_limit(["test:down:k"])
        limit.record(["test:down:k"])
    assert "Rate limits are off while Redis is unreachable" in caplog.text
