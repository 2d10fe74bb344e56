"""Reading a work listing page as a visitor sees it: the titles in order, the heading, the
notices and the sidebar's tag counts; and setting the counters the sorts use."""

from __future__ import annotations

import html as html_lib
import re

from fichive.works.models import Work


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def page_html(response) -> str:
    return response.content.decode()


def titles(response) -> list[str]:
    """The titles of the listed works, top to bottom."""
    return [html_lib.unescape(t) for t in re.findall(
        r'<h4 class="heading"><a href="/works/\d+">(.*?)</a>', page_html(response))]


def heading(response) -> str:
    """The listing heading, e.g. "1 - 20 of 4,213 Works in Fluff"."""
    match = re.search(r'<h1 class="heading" id="listing-heading">(.*?)</h1>',
                      page_html(response), re.S)
    assert match, "no listing heading on the page"
    return " ".join(_text(match.group(1)).split())


def notices(response) -> list[str]:
    """Messages shown above the works (unknown tags, filters that need fixing)."""
    page = page_html(response)
    found = [_text(m) for m in re.findall(r'<p class="notice" role="status">(.*?)</p>', page,
                                          re.S)]
    alert = re.search(r'<div class="notice errors" role="alert">(.*?)</div>', page, re.S)
    if alert:
        found += [_text(m) for m in re.findall(r"<li>(.*?)</li>", alert.group(1), re.S)]
    return found


def sidebar(response) -> dict[str, list[tuple[str, int | None]]]:
    """Each sidebar group ("Fandoms", "Characters", …) → [(tag name, count shown)]."""
    groups: dict[str, list[tuple[str, int | None]]] = {}
    for legend, body in re.findall(r'<fieldset class="facet [a-z]+"><legend>(.*?)</legend>'
                                   r"(.*?)</fieldset>", page_html(response), re.S):
        entries = []
        for name, count in re.findall(r'<span class="name">(.*?)</span>'
                                      r'(?: <span class="count">\(([\d,]+)\)</span>)?', body):
            entries.append((html_lib.unescape(name),
                            int(count.replace(",", "")) if count else None))
        groups[legend] = entries
    return groups


def checked(response, kind: str) -> list[str]:
    """Tag names whose include (or exclude) box in the sidebar is ticked."""
    page = page_html(response)
    boxes = re.findall(rf'<input type="checkbox" name="{kind}" value="([^"]*)"[^>]*?>', page)
    ticked = re.findall(rf'<input type="checkbox" name="{kind}" value="([^"]*)"[^>]*? checked>',
                        page)
    assert set(ticked) <= set(boxes)
    return [html_lib.unescape(name) for name in ticked]


def set_counts(work: Work, **fields) -> Work:
    """Give a work engagement counters or dates directly (hits, kudos_count, updated, …)."""
    Work.objects.filter(pk=work.pk).update(**fields)
    return work
