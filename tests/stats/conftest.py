"""Fixtures and helpers of the stats tests: what the author's stats page shows, read back
from its HTML."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from fichive.stats.services import today

ROW = re.compile(r'<a href="/works/(\d+)">(.*?)</a>.*?</tr>', re.S)
CELL = re.compile(r'<td class="(\w+)">([^<]*)</td>')
TOTAL = re.compile(r'<tr class="total">(.*?)</tr>', re.S)


def number(text: str) -> int:
    return int(text.replace(",", ""))


def shown(client: Any, username: str, **query: Any) -> dict[str, Any]:
    """The stats page as a reader of it sees it: {"works": {work id: {column: n, "title"}},
    "order": [work ids top to bottom], "total": {column: n}, "html": the page}."""
    response = client.get(f"/users/{username}/stats", query)
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('<table class="stats works">'):] if (
        '<table class="stats works">' in html) else ""
    works: dict[int, dict[str, Any]] = {}
    order = []
    for match in ROW.finditer(table):
        work_id = int(match.group(1))
        cells = {name: number(value) for name, value in CELL.findall(match.group(0))
                 if name != "date"}
        works[work_id] = {"title": unescape(match.group(2)), **cells}
        order.append(work_id)
    total_match = TOTAL.search(table)
    total = ({name: number(value) for name, value in CELL.findall(total_match.group(1))}
             if total_match else {})
    return {"works": works, "order": order, "total": total, "html": html}


def this_year() -> int:
    return today().year
