"""Works to export: a full multi-chapter work, a one-shot, one in other scripts, and one
using every kind of HTML the sanitizer allows; and epubcheck, when it is installed."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import RequestFactory

from fichive.formats import exporters
from fichive.formats.exporters import Book
from fichive.works import selectors
from fichive.works.models import Work
from fichive.works.services import ChapterText, WorkMeta, work_create

EPUBCHECK_JAR = Path(os.environ.get("FICHIVE_EPUBCHECK_JAR", "/usr/share/java/epubcheck.jar"))
SITE = "https://fics.example.org/"

CHAPTER_ONE = ("<p>The lighthouse keeper counted the ships twice.</p>"
               "<p>Once for the sea, and once for herself.</p>")
CHAPTER_TWO = "<p>Morning came grey and <em>slow</em> over the harbour.</p><hr /><p>Later.</p>"
CHAPTER_THREE = "<p>The last ship came home on the third night.</p>"

# Everything lib/sanitize.py lets through, including HTML 4 that EPUB 3 refuses.
ALLOWED_HTML = """
<p align="center">Centred <big>big</big> <tt>typewriter</tt> <strike>struck</strike>
<acronym title="as soon as possible">ASAP</acronym> <abbr title="doctor">Dr</abbr>
<a name="top">anchor</a> <a href="#top">back to the top</a> <a href="#nowhere">dangling</a>
<a href="/works/1">a relative link</a> <a href="mailto:a@example.org">mail</a></p>
<center>An old centre tag</center>
<table border="1" summary="A table" width="80%"><caption>Ships</caption>
<thead><tr><th scope="col" abbr="N">Name</th><th>Tons</th></tr></thead>
<tbody><tr><td width="50" axis="x">Gull</td><td colspan="1">30</td></tr></tbody></table>
<p><img src="https://images.example.org/gull.png" alt="A gull" width="40" border="1" align="left" />
<a href="https://example.org/"><img src="https://images.example.org/linked.png" alt="Linked" /></a>
<img src="https://images.example.org/noalt.png" /></p>
<em><p>Emphasis around paragraphs.</p><p>Twice.</p></em>
<ul><p>A paragraph in a list</p><li>an item</li></ul>
<li>A stray item</li>
<dl><dt>Term</dt><dd>Definition</dd></dl>
<details open="open"><summary>Spoiler</summary><p>The gull was a king.</p></details>
<figure><p>A figure</p><figcaption>Its caption</figcaption></figure>
<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>
<ol start="3" type="i"><li>three</li><li>four</li></ol>
<blockquote cite="/somewhere"><p>Quoted</p></blockquote>
<p dir="rtl" lang="he">שלום</p><p lang="not a language!">Odd lang</p>
<pre>  pre   formatted
text</pre>
<p>x<sub>2</sub> y<sup>3</sup> <span class="custom-class">classed</span>
<q cite="https://example.org/q">quoted</q> <del>gone</del> <ins>new</ins> <kbd>Ctrl</kbd>
<samp>out</samp> <var>v</var> <small>small</small> <u>under</u> <s>strike</s> <cite>Cited</cite>
<dfn>term</dfn> <code>code()</code> Ampersands &amp; angles &lt;&gt;</p>
"""


def make_work(author, *, title: str, chapters: list[ChapterText], **meta) -> Work:
    meta.setdefault("fandoms", ["Original Work"])
    meta.setdefault("creators", [author.default_pseud])
    post = meta.pop("post", True)
    # Co-creators are on the work at once, as after they accepted their invitations.
    return work_create(user=author, meta=WorkMeta(title=title, **meta), chapters=chapters,
                       post=post, invite=False)


@pytest.fixture
def full_work(author, co_author):
    """Three chapters, every field filled, two creators (one under another pseud)."""
    from fichive.accounts.services import pseud_create

    pseud = pseud_create(user=co_author, name="Harbourmaster")
    return make_work(
        author, title="The Lighthouse Ledger", creators=[author.default_pseud, pseud],
        rating="Teen And Up Audiences", warnings=["No Archive Warnings Apply"],
        categories=["F/F", "Gen"], fandoms=["Original Work", "Lighthouses (Anthology)"],
        relationships=["Keeper/Harbourmaster"], characters=["The Keeper", "Harbourmaster"],
        freeforms=["Slow Burn", "Found Family", "Ships"],
        summary="<p>A keeper counts ships.</p><p>A second summary paragraph.</p>",
        notes="<p>Beginning notes.</p>", end_notes="<p>Thanks for reading!</p>",
        expected_chapters=4, published=datetime.date(2024, 3, 2),
        updated=datetime.date(2024, 5, 6),
        chapters=[
            ChapterText(content=CHAPTER_ONE, title="Counting", summary="<p>She counts.</p>",
                        notes="<p>Chapter one notes.</p>",
                        end_notes="<p>Chapter one end notes.</p>"),
            ChapterText(content=CHAPTER_TWO, title="Morning: Grey"),
            ChapterText(content=CHAPTER_THREE, notes="<p>Only notes here.</p>"),
        ],
    )


@pytest.fixture
def one_shot(author):
    return make_work(author, title="A Single Night", summary="<p>Short.</p>",
                     complete=True, expected_chapters=1,
                     chapters=[ChapterText(content="<p>Just the one chapter, all night.</p>")])


@pytest.fixture
def unusual_work(author):
    """Other scripts, right to left, and characters XML and file names trip over."""
    return make_work(
        author, title="灯台の夜 & <The> “Keeper’s” שלום Ünïcode/Name?", language="he",
        fandoms=["原创 Original Work"], freeforms=["Tag with a question?", "Émoji 🌊"],
        summary="<p>灯台守は船を数えた。 שלום עולם</p>",
        chapters=[ChapterText(content="<p>灯台守は船を数えた。</p><p dir=\"rtl\">שומר המגדלור"
                                      " ספר את הספינות.</p><p>Emoji 🌊 and a zero-width"
                                      " joiner: 👩‍👩‍👧</p>", title="第一章 «Début»"),
                  ChapterText(content="<p>مرحبا بالعالم</p>", title="الفصل الثاني")],
    )


@pytest.fixture
def html_work(author):
    return make_work(author, title="Every Allowed Tag",
                     chapters=[ChapterText(content=ALLOWED_HTML, title="Markup"),
                               ChapterText(content="<p>Second.</p><p><a name=\"top\">"
                                                   "same anchor</a></p>")])


def book_of(work: Work, *, viewer=None) -> Book:
    work = selectors.work_for_viewer(viewer or work.creatorships.first().pseud.user, work.pk)
    return exporters.book_from_work(work, selectors.chapters_in_order(work), site_url=SITE,
                                    site_name="Lantern Archive")


@pytest.fixture
def rf():
    return RequestFactory()


def epubcheck(path: Path) -> str:
    """Run epubcheck on an EPUB; fail the test with its messages when it finds a problem."""
    java = shutil.which("java")
    if not EPUBCHECK_JAR.exists() or java is None:
        pytest.skip(f"epubcheck is not installed ({EPUBCHECK_JAR}): apt-get install epubcheck;"
                    " .ci/run installs it")
    # C1 only and the serial collector: epubcheck is a short run, where they halve the time.
    run = subprocess.run([java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                          str(EPUBCHECK_JAR), "--quiet", str(path)],
                         capture_output=True, text=True, timeout=300)
    output = (run.stdout + run.stderr).strip()
    assert run.returncode == 0, f"epubcheck found problems in {path.name}:\n{output}"
    return output
