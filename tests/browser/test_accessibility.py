"""axe-core finds no serious or critical accessibility problem on the pages a new user meets
(home, listings, a work and its chapter, search, posting, preferences, log-in, sign-up); every
page starts with a "Skip to content" link, has one <h1>, and the Download menu opens from the
keyboard. axe-core is vendored (tests/browser/vendor/axe-core): nothing is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fichive.tags.models import Tag
from fichive.works.models import Work
from tests.browser.helpers import log_in
from tests.factories import UserFactory, WorkFactory

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture
def archive(transactional_db):
    """A writer with a two-chapter work in a canonical fandom and a one-shot."""
    writer = UserFactory(username="lampwright")
    work = WorkFactory(author=writer, title="The Lamp Room", fandoms=["Lighthouse Keepers"],
                       rating="Teen And Up Audiences", categories=["Gen"],
                       warnings=["No Archive Warnings Apply"], characters=["Wren"],
                       freeforms=["Fog"], summary="<p>Two keepers and a lamp.</p>",
                       chapters=["<p>The lamp was lit at dusk.</p>",
                                 "<p>The fog came in from the sea.</p>"])
    WorkFactory(author=writer, title="Salt", fandoms=["Lighthouse Keepers"], rating="Explicit",
                warnings=["Major Character Death"], complete=True)
    Tag.objects.filter(name__in=["Lighthouse Keepers", "Wren"]).update(canonical=True)
    return work


@pytest.fixture
def page(browser, live_server):
    """A guest's page whose Content-Security-Policy lets the test inject axe-core (an inline
    script the archive's own policy refuses; tests/lib/test_headers.py checks the policy)."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page: Page) -> list[dict]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} - {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.locator("#main")).to_be_visible()
    violations = serious_violations(page)
    assert not violations, f"axe-core on {path}:\n{describe(violations)}"
    assert page.locator("h1").count() == 1, f"{path} has {page.locator('h1').count()} h1"
    assert page.locator("body > a").first.inner_text() == "Skip to content"


GUEST_PAGES = [
    "/",
    "/works",
    "/tags/Lighthouse Keepers/works",
    "/works/search?q=lamp",
    "/login",
    "/signup",
]


@pytest.mark.parametrize("path", GUEST_PAGES)
def test_guest_pages_have_no_serious_axe_violations(page, archive, path):
    assert_accessible(page, path)


def test_work_and_chapter_pages_have_no_serious_axe_violations(page, archive):
    assert_accessible(page, f"/works/{archive.pk}")
    expect(page.locator("h1")).to_have_text("The Lamp Room")
    chapter = archive.chapters.order_by("position").last()
    assert_accessible(page, f"/works/{archive.pk}/chapters/{chapter.pk}")
    assert_accessible(page, f"/works/{archive.pk}?view_full_work=true")


def test_logged_in_pages_have_no_serious_axe_violations(browser, live_server, archive):
    context, page = log_in(browser, live_server.url, "lampwright", bypass_csp=True)
    try:
        for path in ["/works/new", "/users/lampwright/preferences", "/",
                     f"/works/{archive.pk}", "/users/lampwright/works"]:
            assert_accessible(page, path)
    finally:
        context.close()


def test_issue_18s_pages_and_the_dark_skin_have_no_serious_axe_violations(
        browser, live_server, archive):
    """The adult-content notice, the archive's own pages, a report form and the moderation
    queue; then the listing, search and work pages again in the dark skin (its contrast)."""
    salt = Work.objects.get(title="Salt")  # Explicit: a guest gets the notice first
    guest = browser.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        page = guest.new_page()
        for path in [f"/works/{salt.pk}", "/about", "/faq", f"/report/work/{archive.pk}"]:
            assert_accessible(page, path)
        guest.add_cookies([{"name": "fichive_prefs", "value": "skin=dark",
                            "url": live_server.url}])
        for path in ["/works", "/works/search?q=lamp", f"/works/{archive.pk}"]:
            assert_accessible(page, path)
            assert page.locator("html").get_attribute("data-skin") == "dark"
    finally:
        guest.close()
    keeper = UserFactory(username="keeper")
    keeper.is_moderator = True
    keeper.save(update_fields=["is_moderator"])
    context, page = log_in(browser, live_server.url, "keeper", bypass_csp=True)
    try:
        for path in ["/moderation/", "/moderation/log", f"/moderation/works/{archive.pk}"]:
            assert_accessible(page, path)
    finally:
        context.close()


def test_the_work_page_works_from_the_keyboard(page, archive):
    page.goto(f"/works/{archive.pk}")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # visible once focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('#')[0].rstrip('#')}#main")

    # Tab through the page to the Download menu and open it with the keyboard.
    summary = page.locator("li.download summary")
    for _ in range(40):
        page.keyboard.press("Tab")
        if summary.evaluate("el => el === document.activeElement"):
            break
    expect(summary).to_be_focused()
    formats = page.locator("ul.download-formats")
    expect(formats).to_be_hidden()
    page.keyboard.press("Enter")
    expect(formats).to_be_visible()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() in {"EPUB", "PDF", "HTML", "AZW3", "MOBI", "TXT"}, focused
    # Focus is visibly marked.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), outline


def test_required_tag_symbols_are_drawn_and_named(page, archive):
    page.goto("/works")
    blurb = page.locator("li.blurb", has_text="Salt")
    symbols = blurb.locator("ul.required-tags svg.symbol")
    expect(symbols).to_have_count(4)
    # The sprite loaded: each symbol has a size and the <use> resolves to a drawing.
    box = symbols.first.bounding_box()
    assert box and box["width"] >= 20 and box["height"] >= 20
    expect(blurb.get_by_role("img", name="Rating: Explicit")).to_be_visible()
    expect(blurb.get_by_role("img", name="Archive warnings: Major Character Death")
           ).to_be_visible()
    sprite = page.request.get(symbols.first.locator("use").get_attribute("href").split("#")[0])
    assert sprite.ok and "<symbol" in sprite.text()
    favicon = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    assert page.request.get(favicon).ok
    logo = page.locator("#header .brand").evaluate(
        "el => getComputedStyle(el, '::before').backgroundImage")
    assert "logo.svg" in logo
    assert page.request.get(logo.split('"')[1]).ok

