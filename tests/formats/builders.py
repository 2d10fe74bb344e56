"""Fixture files built from parameters: AO3 "Download as HTML" files (and their EPUB XHTML
pieces) laid out as REFERENCE.md describes, and plain story pages. The prose is our own."""

from __future__ import annotations

import datetime
import html
import itertools
from dataclasses import dataclass, field, replace
from typing import Literal

# Our own prose, reused to fill chapters of any length.
PROSE = [
    "The lighthouse on Gull Rock had not been lit for eleven years, and still Ilse climbed "
    "its stairs every evening to wind the clock nobody else remembered.",
    "\u201cYou\u2019ll wear the steps through,\u201d her brother said from the doorway, "
    "shaking rain out of his cap.",
    "She counted the turns of the key under her breath: nine, ten, eleven. The clock gave its "
    "small dry cough and began again.",
    "Below them the tide was coming in over the causeway, grey and patient, filling the ruts "
    "the cart wheels had left that morning.",
    "Jonah set a paper parcel on the table. Inside were two oranges, a spool of copper wire "
    "and a letter with a harbour-master\u2019s seal.",
    "\u201cThey want the light back,\u201d he said. \u201cA ship went aground at Tarrow "
    "Point. They say it wouldn\u2019t have, if the Rock had been burning.\u201d",
    "Ilse peeled an orange in one long ribbon, the way their mother used to, and did not "
    "answer for a while.",
    "The lamp room smelled of old oil and salt. Dust lay on the great lens like frost on a "
    "window, and her fingers left bright tracks in it.",
    "By midnight they had the wick trimmed and the reservoir filled, and the wind had turned "
    "round to the north.",
    "When the flame caught, the whole glass woke at once, and a blade of light went out across "
    "the water further than either of them could see.",
    "Somewhere past the point a foghorn answered, low and long, as if something out there had "
    "been waiting all this time to be seen.",
    "In the morning the gulls were back on the gallery rail, quarrelling over nothing, and "
    "the clock was still keeping time.",
]

SECOND_PROSE = [
    "Marguerite kept the map shop on Vell Street, between a locksmith and a bakery that "
    "only ever sold one kind of bread.",
    "Most of her customers wanted roads. A few wanted rivers. Once a year someone came in "
    "asking for a place that wasn\u2019t on any map at all.",
    "This year it was a boy with ink on his cuffs and a compass that pointed, stubbornly, "
    "at the bakery.",
    "\u201cIt isn\u2019t broken,\u201d he insisted. \u201cIt\u2019s just honest about what "
    "it wants.\u201d",
]


def words_in(texts: list[str]) -> int:
    return sum(len(text.split()) for text in texts)


def prose(count: int, *, start: int = 0, source: list[str] = PROSE) -> list[str]:
    """``count`` paragraphs of our prose, cycling from paragraph ``start``."""
    cycle = itertools.islice(itertools.cycle(source), start, start + count)
    return list(cycle)


# --------------------------------------------------------------------------------------------
# AO3 downloads


@dataclass
class Ao3Chapter:
    """One chapter: paragraphs of plain text (escaped into <p>s), or ``html`` as it is."""

    paragraphs: list[str] = field(default_factory=lambda: prose(4))
    title: str = ""
    summary: str = ""  # HTML, as AO3 stores it
    notes: str = ""
    end_notes: str = ""
    html: str | None = None

    @property
    def body(self) -> str:
        if self.html is not None:
            return self.html
        return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in self.paragraphs)


@dataclass
class Ao3Work:
    """Everything an AO3 download shows about a work."""

    title: str = "The Keeper of Gull Rock"
    work_id: int = 4815162
    url: str = ""  # the work URL in the message; default https://archiveofourown.org/works/<id>
    creators: list[str] = field(default_factory=lambda: ["saltwick"])
    logins: dict[str, str] = field(default_factory=dict)  # pseud → login, shown "pseud (login)"
    rating: str = "Teen And Up Audiences"
    warnings: list[str] = field(default_factory=lambda: ["No Archive Warnings Apply"])
    categories: list[str] = field(default_factory=lambda: ["Gen"])
    fandoms: list[str] = field(default_factory=lambda: ["The Tidewater Chronicles"])
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=lambda: ["Ilse Brandt", "Jonah Brandt"])
    freeforms: list[str] = field(default_factory=lambda: ["Lighthouses", "Siblings"])
    language: str = "English"
    series: list[tuple[str, int]] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    published: datetime.date = datetime.date(2021, 3, 14)
    updated: datetime.date | None = None
    complete: bool = True
    # "posted": as many as there are chapters; None shows "?".
    expected_chapters: int | None | Literal["posted"] = "posted"
    summary: str = "<p>A lighthouse, a clock, and a letter nobody wanted.</p>"
    notes: str = ""
    end_notes: str = ""
    chapters: list[Ao3Chapter] = field(default_factory=lambda: [Ao3Chapter(prose(6))])
    singular_labels: bool = False  # "Fandom:" rather than "Fandoms:" and so on
    show_chapter_count: bool = True  # older downloads of one-shots showed no "Chapters:"

    @property
    def work_url(self) -> str:
        return self.url or f"https://archiveofourown.org/works/{self.work_id}"

    @property
    def expected(self) -> int | None:
        if self.expected_chapters == "posted":
            return len(self.chapters)
        return self.expected_chapters

    @property
    def words(self) -> int:
        return sum(words_in(c.paragraphs) for c in self.chapters)


def ao3_work(**changes: object) -> Ao3Work:
    return replace(Ao3Work(), **changes)  # type: ignore[arg-type]


def ao3_chapters(count: int, *, paragraphs: int = 5, notes: bool = False) -> list[Ao3Chapter]:
    """``count`` titled chapters of our prose; with ``notes``, each has summary and notes."""
    chapters = []
    for n in range(1, count + 1):
        extra = {}
        if notes:
            extra = {
                "summary": f"<p>In which chapter {n} happens.</p>",
                "notes": f"<p>Notes before chapter {n}.</p>",
                "end_notes": f"<p>Notes after chapter {n}.</p>",
            }
        chapters.append(
            Ao3Chapter(prose(paragraphs, start=n), title=f"Tide {n}", **extra)  # type: ignore[arg-type]
        )
    return chapters


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _tag_link(name: str) -> str:
    slug = name.replace("/", "*s*").replace("&", "*a*")
    return f'<a href="https://archiveofourown.org/tags/{_e(slug)}">{_e(name)}</a>'


def _label(work: Ao3Work, singular: str, plural: str, count: int) -> str:
    return singular if work.singular_labels or count == 1 else plural


def _stats(work: Ao3Work) -> str:
    parts = [f"Published: {work.published.isoformat()}"]
    if work.updated is not None:
        parts.append(f"{'Completed' if work.complete else 'Updated'}: {work.updated.isoformat()}")
    parts.append(f"Words: {work.words:,}")
    if work.show_chapter_count:
        expected = "?" if work.expected is None else str(work.expected)
        parts.append(f"Chapters: {len(work.chapters)}/{expected}")
    return "\n        ".join(parts)


def _creator_link(work: Ao3Work, pseud: str) -> str:
    login = work.logins.get(pseud, pseud)
    shown = pseud if login == pseud else f"{pseud} ({login})"
    href = f"https://archiveofourown.org/users/{_e(login)}/pseuds/{_e(pseud)}"
    return f'<a rel="author" href="{href}">{_e(shown)}</a>'


def ao3_preface(work: Ao3Work) -> str:
    """div#preface: the message, the tag list, title, byline, summary and notes."""
    rows = []
    tag_fields = [
        ("Rating", "Rating", [work.rating] if work.rating else []),
        ("Archive Warning", "Archive Warnings", work.warnings),
        ("Category", "Categories", work.categories),
        ("Fandom", "Fandoms", work.fandoms),
        ("Relationship", "Relationships", work.relationships),
        ("Character", "Characters", work.characters),
        ("Additional Tags", "Additional Tags", work.freeforms),
    ]
    for singular, plural, names in tag_fields:
        if names:
            label = _label(work, singular, plural, len(names))
            links = ", ".join(_tag_link(n) for n in names)
            rows.append(f"<dt>{label}:</dt>\n      <dd>{links}</dd>")
    if work.language:
        rows.append(f"<dt>Language:</dt>\n      <dd>{_e(work.language)}</dd>")
    if work.series:
        parts = ", ".join(
            f'Part {part} of\n<a href="https://archiveofourown.org/series/{9000 + i}">'
            f"{_e(name)}</a>"
            for i, (name, part) in enumerate(work.series)
        )
        rows.append(f"<dt>Series:</dt>\n      <dd>{parts}</dd>")
    if work.collections:
        links = ",\n".join(
            f'<a href="https://archiveofourown.org/collections/c{i}">{_e(c)}</a>'
            for i, c in enumerate(work.collections)
        )
        rows.append(f"<dt>Collections:</dt>\n      <dd>{links}</dd>")
    rows.append(f"<dt>Stats:</dt>\n      <dd>\n        {_stats(work)}\n      </dd>")
    byline = ", ".join(_creator_link(work, c) for c in work.creators) or "Anonymous"
    notes = ""
    if work.notes or work.end_notes:
        notes = "\n    <p>Notes</p>"
        if work.notes:
            notes += f'\n    <blockquote class="userstuff">{work.notes}</blockquote>'
        if work.end_notes:
            more = "more " if work.notes else ""
            notes += (
                f'\n    <div class="endnote-link">\n      See the end of the work for {more}'
                f'<a href="#endnotes">notes</a>\n    </div>'
            )
    summary = ""
    if work.summary:
        quote = f'<blockquote class="userstuff">{work.summary}</blockquote>'
        summary = f"\n    <p>Summary</p>\n    {quote}"
    dl = "\n      ".join(rows)
    return f"""<div id="preface">
  <h2 class="toc-heading">Preface</h2>
  <p class="message">
    <b>{_e(work.title)}</b><br/>
    Posted originally on the <a href="https://archiveofourown.org/">Archive of Our Own</a> at <a href="{_e(work.work_url)}">{_e(work.work_url)}</a>.
  </p>
  <div class="meta">
    <dl class="tags">
      {dl}
    </dl>
    <h1>{_e(work.title)}</h1>
    <div class="byline">by {byline}</div>{summary}{notes}
  </div>
</div>"""  # noqa: E501


def ao3_chapter(work: Ao3Work, position: int) -> str:
    """One chapter of a multi-chapter work: meta group, text, end notes."""
    chapter = work.chapters[position - 1]
    heading = f"Chapter {position}" + (f": {_e(chapter.title)}" if chapter.title else "")
    meta = [f'<h2 class="heading">{heading}</h2>']
    if chapter.summary:
        meta.append(
            f'<p>Chapter Summary</p>\n  <blockquote class="userstuff">{chapter.summary}'
            "</blockquote>"
        )
    if chapter.notes or chapter.end_notes:
        meta.append("<p>Chapter Notes</p>")
        if chapter.notes:
            meta.append(f'<blockquote class="userstuff">{chapter.notes}</blockquote>')
        if chapter.end_notes:
            meta.append(
                f'<div class="endnote-link">\n    See the end of the chapter for '
                f'<a href="#endnotes{position}">notes</a>\n  </div>'
            )
    end = ""
    if chapter.end_notes:
        end = (
            f'\n<div class="meta" id="endnotes{position}">\n  <p>Chapter End Notes</p>\n'
            f'  <blockquote class="userstuff">{chapter.end_notes}</blockquote>\n</div>'
        )
    meta_html = "\n  ".join(meta)
    return f"""<div class="meta group">
  {meta_html}
</div>

<!--chapter content-->
<div class="userstuff">
  {chapter.body}
</div>
<!--/chapter content-->{end}
"""


def ao3_chapters_div(work: Ao3Work) -> str:
    if len(work.chapters) == 1:
        inner = f'<div class="userstuff">\n  {work.chapters[0].body}\n</div>'
    else:
        inner = "\n".join(ao3_chapter(work, n) for n in range(1, len(work.chapters) + 1))
    return f'<div id="chapters" class="userstuff">\n{inner}\n</div>'


def ao3_afterword(work: Ao3Work) -> str:
    end = ""
    if work.end_notes:
        end = (
            '\n  <div class="meta">\n    <div id="endnotes">\n      <p>End Notes</p>\n'
            f'      <blockquote class="userstuff">{work.end_notes}</blockquote>\n    </div>\n'
            "  </div>"
        )
    comments = f"{work.work_url}/comments/new"
    return f"""<div id="afterword">
  <h2 class="toc-heading">Afterword</h2>{end}
  <p class="message">Please <a href="{_e(comments)}">drop by the archive and comment</a> to let the creator know if you enjoyed their work!</p>
</div>"""  # noqa: E501


_HEAD = """<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
    <title>{title}</title>
    <style type="text/css">
      body {{ font-family: serif; }}
      p.message {{ text-align: center; }}
      .byline {{ text-align: center; }}
    </style>"""


def ao3_html(work: Ao3Work | None = None, /, **changes: object) -> str:
    """A whole "Download as HTML" file for ``work`` (default: a one-shot), with ``changes``."""
    work = replace(work or Ao3Work(), **changes)  # type: ignore[arg-type]
    creators = ", ".join(work.creators) or "Anonymous"
    fandom = ", ".join(work.fandoms)
    head = _HEAD.format(title=_e(f"{work.title} - {creators} - {fandom}"))
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
  <head>
    {head}
  </head>
  <body>
    <div id="main" class="works-show" role="main">
{ao3_preface(work)}
{ao3_chapters_div(work)}
{ao3_afterword(work)}
    </div>
  </body>
</html>
"""  # noqa: E501


def _xhtml(title: str, body: str) -> str:
    return f"""<?xml version='1.0' encoding='utf-8'?>
<html xmlns="http://www.w3.org/1999/xhtml">
  <head>
    <title>{_e(title)}</title>
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>
  </head>
  <body>
{body}
  </body>
</html>
"""


def ao3_xhtml_documents(work: Ao3Work | None = None, /, **changes: object) -> list[str]:
    """The XHTML files of an AO3 EPUB for ``work``, in spine order: the preface, one file per
    chapter (each inside its own div#chapters, as a converter splitting the HTML leaves
    it), and the afterword."""
    work = replace(work or Ao3Work(), **changes)  # type: ignore[arg-type]
    documents = [_xhtml(work.title, ao3_preface(work))]
    if len(work.chapters) == 1:
        documents.append(_xhtml(work.title, ao3_chapters_div(work)))
    else:
        for n in range(1, len(work.chapters) + 1):
            body = f'<div id="chapters" class="userstuff">\n{ao3_chapter(work, n)}\n</div>'
            documents.append(_xhtml(work.title, body))
    documents.append(_xhtml(work.title, ao3_afterword(work)))
    return documents


def long_ao3_work(words: int, *, chapters: int = 20) -> Ao3Work:
    """A work of about ``words`` words in ``chapters`` chapters, for size and speed checks."""
    per_paragraph = words_in(PROSE) / len(PROSE)
    paragraphs = max(1, round(words / per_paragraph / chapters))
    return ao3_work(
        chapters=[
            Ao3Chapter(prose(paragraphs, start=n), title=f"Watch {n}")
            for n in range(1, chapters + 1)
        ],
        complete=False,
        expected_chapters=None,
        updated=datetime.date(2022, 1, 2),
    )


# --------------------------------------------------------------------------------------------
# Plain story pages


def story_html(
    body: str,
    *,
    title: str | None = "The Keeper of Gull Rock",
    charset: str | None = "utf-8",
    head: str = "",
) -> str:
    """An HTML page around ``body`` with an optional <title> and <meta charset>."""
    meta = f'<meta charset="{charset}">' if charset else ""
    title_tag = f"<title>{_e(title)}</title>" if title is not None else ""
    return (
        f"<!DOCTYPE html>\n<html>\n<head>\n{meta}\n{title_tag}\n{head}\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def paragraphs_html(texts: list[str]) -> str:
    return "\n".join(f"<p>{html.escape(t, quote=False)}</p>" for t in texts)
