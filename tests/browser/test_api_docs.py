"""The API's docs page (/api/v1/docs) in Chromium under the site's Content-Security-Policy:
Swagger UI, served by the archive itself, shows every operation of the schema, breaks no
policy, and nothing it loads leaves the archive; "Try it out" calls the API from the page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from fichive.api.v1 import api
from tests.factories import UserFactory, WorkFactory

# Collects every violation the page reports (an init script runs outside the page's policy).
WATCH = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));"""


@pytest.fixture
def posted(transactional_db):
    return WorkFactory(author=UserFactory(username="docsauthor"), title="Documented Tide")


def test_the_docs_page_shows_every_operation_within_the_policy(browser, live_server, posted):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.add_init_script(WATCH)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))

    response = page.goto("/api/v1/docs")

    assert response.status == 200
    policy = {d.split()[0]: d.split()[1:]
              for d in response.headers["content-security-policy"].split("; ")}
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Fichive API")
    operations = page.locator(".opblock")
    paths = api.get_openapi_schema()["paths"]
    expected = sum(len(methods) for methods in paths.values())
    expect(operations).to_have_count(expected)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/works/{work_id}")
           .first).to_be_visible()

    # Open one and call it from the page: the answer comes back into the page.
    block = page.locator("#operations-works-fichive_api_endpoints_works_work_detail")
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    block.locator("input[placeholder='work_id']").fill(str(posted.pk))
    block.get_by_role("button", name="Execute").click()
    expect(block.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    expect(block.locator(".live-responses-table")).to_contain_text("Documented Tide")

    assert page.evaluate("window.__violations") == []
    assert not [line for line in console if "Content Security Policy" in line], console
    here = urlsplit(live_server.url).netloc
    elsewhere = [url for url in requested
                 if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != here]
    assert elsewhere == []
    assert all(urlsplit(url).scheme in ("http", "https", "data", "blob") for url in requested)
    context.close()


def test_only_the_docs_page_may_show_data_images(client, db):
    docs = client.get("/api/v1/docs")["Content-Security-Policy"]
    home = client.get("/")["Content-Security-Policy"]

    assert "img-src 'self' https: http: data:" in docs
    assert "data:" not in home
    assert sorted(docs.replace(" data:", "").split("; ")) == sorted(home.split("; "))
