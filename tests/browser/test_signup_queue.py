"""A person finds sign-ups by invitation, joins the queue, gets the invitation by mail (from
a real SMTP server on loopback), follows its link and signs up, accepting the terms."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from fichive.signups.services import invitations_send


def test_join_the_queue_get_mail_and_sign_up(page, live_server, mailbox, settings):
    settings.FICHIVE_SIGNUP = "invite"
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_text("Sign-ups are by invitation.")).to_be_visible()
    page.get_by_label("Email").fill("heron@example.org")
    page.get_by_role("button", name="Join the queue").click()
    expect(page.get_by_text("heron@example.org is number 1 in the queue.")).to_be_visible()

    assert invitations_send(count=5).sent == 1  # the day's sending (or an admin's "send now")
    (message,) = mailbox.to("heron@example.org")
    link = re.search(r"(http\S+/signup/\S+)", message.get_content()).group(1)

    page.goto(link)
    expect(page.get_by_label("Email")).to_have_value("heron@example.org")
    page.get_by_label("User name").fill("heron")
    page.get_by_label("Password", exact=True).fill("paper-boats-at-dusk")
    page.get_by_label("Confirm password").fill("paper-boats-at-dusk")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("You need to accept the Terms of Service")).to_be_visible()
    page.get_by_label("Password", exact=True).fill("paper-boats-at-dusk")
    page.get_by_label("Confirm password").fill("paper-boats-at-dusk")
    page.get_by_label("I have read and accept the Terms of Service").check()
    page.get_by_label("I am at least 13 years old").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome to the archive, heron!")).to_be_visible()

    page.get_by_role("button", name="Log out (heron)").click()
    page.goto(link)
    expect(page.get_by_text("This invitation doesn't work")).to_be_visible()
