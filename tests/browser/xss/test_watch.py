"""The watcher of the hostile-HTML test notices each kind of failure it promises to: a page
made unsafe on purpose (served in place of an archive page) is reported for every one."""

from __future__ import annotations

import pytest

from tests.browser.xss.vectors import VECTORS, load
from tests.browser.xss.watch import watch

pytestmark = pytest.mark.database_independent(
    "what a browser renders is the same on PostgreSQL")

UNSAFE = """<!doctype html><html><head><title>Unsafe</title></head><body>
<header id="header"><a href="/">Fichive</a></header>
<div class="userstuff">
<img src="/x.png" onerror="__xss(1)">
<script>alert(2)</script>
<a href="javascript:__xss(3)">a link</a>
<iframe src="about:blank"></iframe>
<div style="position:fixed;top:0;left:0;width:100vw;height:60px;background:red">over</div>
<table width="5000"><tr><td>wide</td></tr></table>
</div>
<script src="https://xss.invalid/4.js"></script>
<form action="https://xss.invalid/5"><input name="q"></form>
</body></html>"""


def test_a_page_made_unsafe_on_purpose_is_reported_for_each_thing(browser, live_server):
    watcher = watch(browser, live_server.url)
    watcher.show(UNSAFE.encode(), at="/unsafe.html")
    watcher.context.close()
    found = "\n".join(watcher.problems)
    for expected in ["__xss(1)", "alert dialog opened: '2'", "script URL in href",
                     "<iframe> element", "position fixed in user content",
                     "something is drawn over the site header", "wide in a container",
                     "a script request left for https://xss.invalid/4.js",
                     "form posting to another origin", "event handler onerror",
                     "style attribute in user content", "drawn outside its container"]:
        assert expected in found, f"{expected!r} not reported in:\n{found}"


def test_the_corpus_has_300_distinct_vectors_in_every_category_the_issue_names():
    categories = {vector.category for vector in VECTORS}
    assert len(VECTORS) >= 300
    assert {"event handlers", "javascript: URLs", "data: URLs", "SVG", "MathML",
            "mutation XSS", "broken and nested markup", "encodings", "CSS tricks",
            "base element", "meta refresh", "form hijacking"} <= categories
    assert len({vector.text for vector in VECTORS}) == len(VECTORS)
    assert load() == VECTORS  # numbering is stable: file order
