"""The Content-Security-Policy in Chromium: a reader's work page with a work skin, their own
reading settings and kudos (script) works without a single violation, while an inline script
put into the page is refused; the author's `class="notice"` is styled by their skin and not
by the site's notice style."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fichive.accounts.services import preferences_update
from tests.browser.helpers import log_in
from tests.factories import UserFactory, WorkFactory

SKIN = ".notice { color: rgb(200, 0, 0); }"
# Collects every violation the page reports (an init script runs outside the page's policy).
WATCH = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));"""


@pytest.fixture
def skinned(transactional_db):
    author = UserFactory(username="skinner")
    reader = UserFactory(username="fontfan")
    preferences_update(user=reader, font_size=150)
    return WorkFactory(author=author, title="Notices", work_skin=SKIN,
                       chapters=['<p class="notice">An author\'s notice.</p><p>Text.</p>'])


def test_a_skinned_work_with_reading_settings_and_kudos_breaks_no_policy(browser, live_server,
                                                                          skinned):
    context, page = log_in(browser, live_server.url, "fontfan")
    page.add_init_script(WATCH)
    page.goto(f"/works/{skinned.pk}")

    notice = page.locator("#workskin p.ws-notice")
    expect(notice).to_have_text("An author's notice.")
    assert notice.evaluate("e => getComputedStyle(e).color") == "rgb(200, 0, 0)"
    assert page.evaluate(
        "getComputedStyle(document.body).getPropertyValue('--read-scale').trim()") == "1.5"
    page.get_by_role("button", name="Kudos ♥").click()
    expect(page.locator("#kudos")).to_have_text("fontfan left kudos on this work!")
    assert page.evaluate("window.__violations") == []

    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__ran = true'; document.body.append(s); }""")
    assert page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
    context.close()
