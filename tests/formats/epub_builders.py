"""EPUB and zip files built in memory for the importer tests: FanFicFare-style, AO3/Calibre-style
and plain EPUB 3 books, and hostile zips (bombs, path tricks, entity expansion, damage)."""

from __future__ import annotations

import datetime
import html
import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from tests.formats.builders import Ao3Chapter, Ao3Work, ao3_chapter, ao3_xhtml_documents

MIMETYPE = b"application/epub+zip"
XHTML_NS = "http://www.w3.org/1999/xhtml"
MB = 1024 * 1024
Files = list[tuple[str, bytes | str]]

# --------------------------------------------------------------------------------------------
# Prose (written for these tests)

LANTERN_CHAPTERS = [
    (
        "The Lamp Room",
        "<p>Wren climbed the last of the hundred and twelve steps with the oil can knocking "
        "against her knee.</p>\n"
        "<p>The lamp room smelled of brass polish and old rain. She set the can down, wiped "
        "her hands on her coat, and looked out at a sea the colour of <em>wet slate</em>.</p>\n"
        "<hr />\n"
        "<p>By nightfall the fog had come in, thick enough to lean on.</p>",
    ),
    (
        "Fog Signals",
        "<p>The horn had a voice like a cow in mourning, and Wren loved it anyway.</p>\n"
        "<p>“Two long, one short,” Ansel said from the doorway. “Every ninety seconds until "
        "it lifts.”</p>\n"
        "<p>She counted under her breath: <strong>one</strong>, two, three…</p>",
    ),
    (
        "What the Tide Left",
        "<p>In the morning the beach was strewn with rope, a boot, and a wooden crate "
        "stencilled with a name neither of them could read.</p>\n"
        "<p>Ansel pried it open with the hammer &amp; a great deal of swearing.</p>",
    ),
]
LANTERN_SUMMARY = (
    "<p>A lighthouse keeper's apprentice, a fog that will not lift, and a crate that "
    "should not have floated.</p>"
)


_VOCABULARY = (
    "the a keeper lamp stair salt rope wind harbour gull boat night tide she he they "
    "climbed watched waited listened and but while under over beside quietly slowly "
    "grey bright cold warm old small lantern shore fog bell horn window door ladder"
)


def words(count: int, *, seed: int = 7) -> Iterator[str]:
    """Pseudo-random prose words (reproducible), for big books."""
    vocabulary = _VOCABULARY.split()
    chooser = random.Random(seed)
    for _ in range(count):
        yield chooser.choice(vocabulary)


def prose_html(count: int, *, seed: int = 7, per_paragraph: int = 80) -> str:
    """About ``count`` words of <p> paragraphs."""
    out = []
    stream = list(words(count, seed=seed))
    for start in range(0, len(stream), per_paragraph):
        sentence = " ".join(stream[start : start + per_paragraph])
        out.append(f"<p>{sentence.capitalize()}.</p>")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Zips


def zip_bytes(
    files: Iterable[tuple[str, bytes | str]], *, mimetype: bool = True, stored: bool = False
) -> bytes:
    """A zip of these files in order; EPUB's "mimetype" first and uncompressed when asked."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, zipfile.ZIP_STORED)
        for name, content in files:
            data = content.encode("utf-8") if isinstance(content, str) else content
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 12, 0, 0))
            archive.writestr(info, data, method)
    return buffer.getvalue()


@dataclass
class RawMember:
    """A zip member written byte by byte, so its header can say whatever a test needs."""

    name: bytes
    payload: bytes  # what follows the local header: compressed data as stored
    method: int = zipfile.ZIP_DEFLATED
    crc: int = 0
    size: int = 0  # the declared unpacked size
    flags: int = 0x800  # UTF-8 names
    offset: int | None = None  # a forced local-header offset in the central directory


def deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def raw_member(name: str | bytes, data: bytes, **overrides: int) -> RawMember:
    """A honest deflated member; ``overrides`` change header fields (size, crc, flags…)."""
    member = RawMember(
        name=name.encode("utf-8") if isinstance(name, str) else name,
        payload=deflated(data),
        crc=zlib.crc32(data),
        size=len(data),
    )
    for key, value in overrides.items():
        setattr(member, key, value)
    return member


def raw_zip(members: list[RawMember]) -> bytes:
    """A zip from raw members: local headers, data, central directory, end record."""
    out = io.BytesIO()
    offsets = []
    for member in members:
        offsets.append(out.tell())
        out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                member.flags,
                member.method,
                0,
                0x5A21,
                member.crc,
                len(member.payload),
                member.size,
                len(member.name),
                0,
            )
        )
        out.write(member.name)
        out.write(member.payload)
    directory_start = out.tell()
    for member, offset in zip(members, offsets, strict=True):
        out.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                member.flags,
                member.method,
                0,
                0x5A21,
                member.crc,
                len(member.payload),
                member.size,
                len(member.name),
                0,
                0,
                0,
                0,
                0,
                offset if member.offset is None else member.offset,
            )
        )
        out.write(member.name)
    directory_size = out.tell() - directory_start
    count = len(members)
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, directory_size, directory_start, 0
        )
    )
    return out.getvalue()


def zeros_member(name: str, size: int, *, declared: int | None = None) -> RawMember:
    """A member of ``size`` zero bytes (a whole number of megabytes), deflated without ever
    holding them: one fully flushed megabyte of deflate repeated, then a final empty block.
    ``declared`` makes the header lie about the unpacked size."""
    assert size % MB == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = 0
    megabyte = bytes(MB)
    for _ in range(size // MB):
        crc = zlib.crc32(megabyte, crc)
    return RawMember(
        name=name.encode(),
        payload=segment * (size // MB) + final,
        crc=crc,
        size=size if declared is None else declared,
    )


# --------------------------------------------------------------------------------------------
# EPUB pieces


def container_xml(opf_path: str = "content.opf") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
        "  <rootfiles>\n"
        f'    <rootfile full-path="{opf_path}" media-type="application/oebps-package+xml"/>\n'
        "  </rootfiles>\n"
        "</container>\n"
    )


def xhtml(
    title: str, body: str, *, head: str = "", body_attrs: str = "", epub3: bool = False
) -> str:
    ns = ' xmlns:epub="http://www.idpf.org/2007/ops"' if epub3 else ""
    doctype = (
        "<!DOCTYPE html>\n"
        if epub3
        else (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
            '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">\n'
        )
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + doctype
        + f'<html xmlns="{XHTML_NS}"{ns}>\n<head>\n<title>{html.escape(title)}</title>\n'
        + head
        + f"</head>\n<body{body_attrs}>\n{body}\n</body>\n</html>\n"
    )


def ncx(uid: str, title: str, points: list[tuple[str, str]]) -> str:
    nav_points = "\n".join(
        f'    <navPoint id="np{i}" playOrder="{i}">\n'
        f"      <navLabel><text>{html.escape(label)}</text></navLabel>\n"
        f'      <content src="{src}"/>\n'
        "    </navPoint>"
        for i, (label, src) in enumerate(points, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n'
        "  <head>\n"
        f'    <meta name="dtb:uid" content="{html.escape(uid)}"/>\n'
        '    <meta name="dtb:depth" content="1"/>\n'
        '    <meta name="dtb:totalPageCount" content="0"/>\n'
        '    <meta name="dtb:maxPageNumber" content="0"/>\n'
        "  </head>\n"
        f"  <docTitle><text>{html.escape(title)}</text></docTitle>\n"
        f"  <navMap>\n{nav_points}\n  </navMap>\n"
        "</ncx>\n"
    )


CSS = "body { font-family: serif; }\n"


# --------------------------------------------------------------------------------------------
# FanFicFare


@dataclass
class FanFicFareBook:
    """What a FanFicFare EPUB says; the defaults describe a finished FanFiction.net story."""

    title: str = "The Lantern Keeper"
    author: str = "saltwater_wren"
    story_url: str = "https://www.fanfiction.net/s/10203040/1/The-Lantern-Keeper"
    author_url: str = "https://www.fanfiction.net/u/556677/saltwater-wren"
    uid: str = "fanficfare-uid:www.fanfiction.net-u556677-s10203040"
    chapters: list[tuple[str, str]] = field(default_factory=lambda: list(LANTERN_CHAPTERS))
    summary: str = LANTERN_SUMMARY
    # (label, value HTML) in FanFicFare's default order; None drops a line.
    entries: list[tuple[str, str]] = field(
        default_factory=lambda: [
            ("Category", "Original Lighthouse Stories"),
            ("Genre", "Adventure, Mystery"),
            ("Language", "English"),
            ("Characters", "Wren, Ansel"),
            ("Relationships", "Wren/Ansel"),
            ("Status", "Completed"),
            ("Published", "2015-03-02"),
            ("Updated", "2016-04-05"),
            ("Packaged", "2024-05-01 12:00:00"),
            ("Rating", "T"),
            ("Chapters", "3"),
            ("Words", "4,321"),
            ("Publisher", "www.fanfiction.net"),
        ]
    )
    subjects: list[str] = field(
        default_factory=lambda: [
            "FanFiction",
            "Original Lighthouse Stories",
            "Adventure",
            "Mystery",
            "Wren",
            "Ansel",
            "Wren/Ansel",
            "Completed",
        ]
    )
    language: str = "en"
    published: str = "2015-03-02"
    updated: str = "2016-04-05"
    series: tuple[str, int] | None = None
    table: bool = False  # the title page as a table (FanFicFare's titlepage_use_table)
    title_page: bool = True
    toc_page: bool = True
    log_page: bool = False
    chapter_notes: dict[int, dict[str, str]] = field(default_factory=dict)  # AO3 sources


def _fff_title_page(book: FanFicFareBook) -> str:
    heading = (
        f'<h3><a href="{html.escape(book.story_url)}">{html.escape(book.title)}</a> by '
        f'<a class="authorlink" href="{html.escape(book.author_url)}">'
        f"{html.escape(book.author)}</a></h3>\n"
    )
    entries = [*book.entries, ("Summary", book.summary)]
    if book.table:
        rows = []
        for label, value in entries:
            if label == "Summary":
                rows.append(f'<tr><td colspan="2"><b>{label}:</b> {value}</td></tr>')
            else:
                rows.append(f"<tr><td><b>{label}:</b></td><td>{value}</td></tr>")
        lines = '<table class="full">\n' + "\n".join(rows) + "\n</table>"
    else:
        lines = "<div>\n" + "\n".join(f"<b>{label}:</b> {value}<br />" for label, value in entries)
        lines += "\n</div>"
    head = '<link href="stylesheet.css" type="text/css" rel="stylesheet"/>\n'
    return xhtml(
        f"{book.title} by {book.author}",
        heading + lines,
        head=head,
        body_attrs=' class="fff_titlepage"',
    )


def _fff_chapter(book: FanFicFareBook, number: int, title: str, body: str) -> str:
    head = (
        '<link href="stylesheet.css" type="text/css" rel="stylesheet"/>\n'
        f'<meta name="chapterurl" content="{html.escape(book.story_url)}"/>\n'
        f'<meta name="chapterorigtitle" content="{html.escape(title)}"/>\n'
        f'<meta name="chaptertoctitle" content="{html.escape(title)}"/>\n'
        f'<meta name="chaptertitle" content="{html.escape(title)}"/>\n'
    )
    notes = book.chapter_notes.get(number, {})
    before = ""
    if "summary" in notes:
        before += (
            '<div class="fff_chapter_notes fff_head_summary"><b>Summary:</b>'
            f"<blockquote>{notes['summary']}</blockquote></div>\n"
        )
    if "notes" in notes:
        before += (
            '<div class="fff_chapter_notes fff_head_notes"><b>Notes:</b>'
            f"<blockquote>{notes['notes']}</blockquote></div>\n"
        )
    after = ""
    if "end_notes" in notes:
        after = (
            '\n<div class="fff_chapter_notes fff_foot_notes"><b>Notes:</b>'
            f"<blockquote>{notes['end_notes']}</blockquote></div>"
        )
    return xhtml(
        title,
        f'<h3 class="fff_chapter_title">{html.escape(title)}</h3>\n{before}{body}{after}',
        head=head,
        body_attrs=' class="fff_chapter"',
    )


def fanficfare_files(book: FanFicFareBook | None = None) -> Files:
    """The files of an EPUB 2 laid out as FanFicFare writes it (writer_epub.py)."""
    book = book or FanFicFareBook()
    files: list[tuple[str, str]] = [("META-INF/container.xml", container_xml("content.opf"))]
    manifest = [
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
        '<item id="style" href="OEBPS/stylesheet.css" media-type="text/css"/>',
    ]
    spine = []
    points = []
    if book.title_page:
        manifest.append(
            '<item id="title_page" href="OEBPS/title_page.xhtml" '
            'media-type="application/xhtml+xml"/>'
        )
        spine.append('<itemref idref="title_page" linear="yes"/>')
        files.append(("OEBPS/title_page.xhtml", _fff_title_page(book)))
        points.append(("Title Page", "OEBPS/title_page.xhtml"))
    if book.toc_page:
        manifest.append(
            '<item id="toc_page" href="OEBPS/toc_page.xhtml" media-type="application/xhtml+xml"/>'
        )
        spine.append('<itemref idref="toc_page" linear="yes"/>')
        links = "\n".join(
            f'<a href="file{i:04d}.xhtml">{html.escape(t)}</a><br />'
            for i, (t, _) in enumerate(book.chapters, start=1)
        )
        files.append(
            (
                "OEBPS/toc_page.xhtml",
                xhtml(
                    "Table of Contents",
                    f"<div>\n<h3>Table of Contents</h3>\n{links}\n</div>",
                    body_attrs=' class="fff_tocpage"',
                ),
            )
        )
        points.append(("Table of Contents", "OEBPS/toc_page.xhtml"))
    if book.log_page:
        manifest.append(
            '<item id="log_page" href="OEBPS/log_page.xhtml" media-type="application/xhtml+xml"/>'
        )
        spine.append('<itemref idref="log_page" linear="yes"/>')
        files.append(
            (
                "OEBPS/log_page.xhtml",
                xhtml(
                    "Update Log",
                    "<h3>Update Log</h3>\n<p>2024-05-01: 3 chapters</p>",
                    body_attrs=' class="fff_logpage"',
                ),
            )
        )
        points.append(("Update Log", "OEBPS/log_page.xhtml"))
    for i, (title, body) in enumerate(book.chapters, start=1):
        name = f"file{i:04d}"
        manifest.append(
            f'<item id="{name}" href="OEBPS/{name}.xhtml" media-type="application/xhtml+xml"/>'
        )
        spine.append(f'<itemref idref="{name}" linear="yes"/>')
        files.append((f"OEBPS/{name}.xhtml", _fff_chapter(book, i, title, body)))
        points.append((title, f"OEBPS/{name}.xhtml"))
    files.append(("OEBPS/stylesheet.css", CSS))
    files.append(("toc.ncx", ncx(book.uid, book.title, points)))
    subjects = "\n".join(f"<dc:subject>{html.escape(s)}</dc:subject>" for s in book.subjects)
    series = ""
    if book.series:
        series = (
            f'<meta name="calibre:series" content="{html.escape(book.series[0])}"/>\n'
            f'<meta name="calibre:series_index" content="{book.series[1]}"/>\n'
        )
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package version="2.0" xmlns="http://www.idpf.org/2007/opf" '
        'unique-identifier="fanficfare-uid">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:opf="http://www.idpf.org/2007/opf">\n'
        f'<dc:identifier id="fanficfare-uid">{html.escape(book.uid)}</dc:identifier>\n'
        f"<dc:title>{html.escape(book.title)}</dc:title>\n"
        f'<dc:creator opf:role="aut">{html.escape(book.author)}</dc:creator>\n'
        '<dc:contributor opf:role="bkp">FanFicFare [https://github.com/JimmXinu/FanFicFare]'
        "</dc:contributor>\n"
        f"<dc:language>{book.language}</dc:language>\n"
        f'<dc:date opf:event="publication">{book.published}</dc:date>\n'
        '<dc:date opf:event="creation">2024-05-01</dc:date>\n'
        f'<dc:date opf:event="modification">{book.updated}</dc:date>\n'
        f"<dc:description>{html.escape(book.summary)}</dc:description>\n"
        f"{subjects}\n"
        "<dc:publisher>www.fanfiction.net</dc:publisher>\n"
        f'<dc:identifier opf:scheme="URL">{html.escape(book.story_url)}</dc:identifier>\n'
        f"<dc:source>{html.escape(book.story_url)}</dc:source>\n"
        "<dc:type>FanFiction</dc:type>\n"
        f"{series}"
        "</metadata>\n"
        "<manifest>\n" + "\n".join(manifest) + "\n</manifest>\n"
        '<spine toc="ncx">\n' + "\n".join(spine) + "\n</spine>\n"
        "</package>\n"
    )
    files.insert(1, ("content.opf", opf))
    return files


def fanficfare_epub(book: FanFicFareBook | None = None) -> bytes:
    return zip_bytes(fanficfare_files(book))


# --------------------------------------------------------------------------------------------
# AO3 (the HTML download, converted by Calibre)


def lantern_ao3_work(**changes: object) -> Ao3Work:
    """A three-chapter work in progress with every field AO3 shows filled in."""
    work = Ao3Work(
        title="Salt and Brass",
        work_id=48151623,
        creators=["saltwater_wren", "ansel_writes"],
        rating="Teen And Up Audiences",
        warnings=["No Archive Warnings Apply"],
        categories=["F/M"],
        fandoms=["Original Lighthouse Stories"],
        relationships=["Wren/Ansel"],
        characters=["Wren", "Ansel"],
        freeforms=["Fog", "Found Family", "Slow Burn"],
        language="English",
        series=[("The Lantern Cycle", 2)],
        published=datetime.date(2021, 6, 1),
        updated=datetime.date(2021, 7, 15),
        complete=False,
        expected_chapters=5,
        summary="<p>Two keepers, one lamp, and a winter that does not end.</p>",
        notes="<p>Written for the Lighthouse Exchange.</p>",
        end_notes="<p>Thank you for reading; the sequel is in the works.</p>",
        chapters=[
            Ao3Chapter(
                title="The Lamp Room",
                html=LANTERN_CHAPTERS[0][1],
                notes="<p>Some chapters are short.</p>",
            ),
            Ao3Chapter(
                title="Fog Signals",
                html=LANTERN_CHAPTERS[1][1],
                summary="<p>The horn, and what it is for.</p>",
            ),
            Ao3Chapter(
                title="What the Tide Left",
                html=LANTERN_CHAPTERS[2][1],
                end_notes="<p>The crate returns later.</p>",
            ),
        ],
    )
    return replace(work, **changes)  # type: ignore[arg-type]


def _split_chapter_documents(work: Ao3Work, position: int) -> list[str]:
    """Chapter ``position`` cut at its first <hr /> into two files, as Calibre cuts a long
    chapter: the second file repeats the elements that were open (div#chapters, the text)."""
    chapter = ao3_chapter(work, position)
    cut = chapter.index("<hr />")
    first = f'<div id="chapters" class="userstuff">\n{chapter[:cut]}\n</div>\n</div>'
    second = (
        f'<div id="chapters" class="userstuff">\n<div class="userstuff">\n{chapter[cut:]}\n</div>'
    )
    return [xhtml(work.title, first), xhtml(work.title, second)]


_HREF = re.compile(r'href="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')


def _as_calibre_links(documents: list[str], names: list[str]) -> list[str]:
    """Links as Calibre rewrites them when it splits a book: "#endnotes" pointing into
    another file becomes "file.xhtml#endnotes", and URLs are escaped."""
    where = {
        ident: name
        for name, doc in zip(names, documents, strict=True)
        for ident in _ID.findall(doc)
    }

    out = []
    for doc in documents:
        own = set(_ID.findall(doc))

        def fix(match: re.Match[str], own: set[str] = own) -> str:
            href = match.group(1)
            if href.startswith("#") and href[1:] not in own and href[1:] in where:
                href = where[href[1:]] + href
            return f'href="{quote(href, safe=":/#%?=&;~*@!$,+")}"'

        out.append(_HREF.sub(fix, doc))
    return out


def ao3_files(work: Ao3Work | None = None, *, split_chapter: int | None = None) -> Files:
    """An EPUB 2 as AO3 makes it (Calibre converting the HTML download): the XHTML files of
    builders.ao3_xhtml_documents, an OPF published by "Archive of Our Own" with the tags as
    subjects, and an NCX. ``split_chapter`` cuts that chapter across two files."""
    work = work or lantern_ao3_work()
    documents = ao3_xhtml_documents(work)
    if split_chapter is not None:
        documents[split_chapter : split_chapter + 1] = _split_chapter_documents(work, split_chapter)
    stem = "Salt_and_Brass"
    names = [f"{stem}_split_{i:03d}.xhtml" for i in range(len(documents))]
    documents = _as_calibre_links(documents, names)
    files: Files = [("META-INF/container.xml", container_xml("content.opf"))]
    manifest = []
    spine = []
    points = [("Preface", f"{stem}_split_000.xhtml")]
    for i, (name, document) in enumerate(zip(names, documents, strict=True)):
        files.append((name, document))
        manifest.append(f'<item id="id{i}" href="{name}" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="id{i}"/>')
    for number, chapter in enumerate(work.chapters, start=1):
        index = number + (1 if split_chapter is not None and number > split_chapter else 0)
        points.append((chapter.title or f"Chapter {number}", f"{stem}_split_{index:03d}.xhtml"))
    points.append(("Afterword", f"{stem}_split_{len(documents) - 1:03d}.xhtml"))
    uid = f"urn:uuid:3a1c0e7e-1b2c-4d5e-8f90-{work.work_id:012d}"
    files.append(("toc.ncx", ncx(uid, work.title, points)))
    subjects = [
        "Fanworks",
        work.rating,
        *work.warnings,
        *work.categories,
        *work.fandoms,
        *work.relationships,
        *work.characters,
        *work.freeforms,
    ]
    series = ""
    if work.series:
        series = (
            f'<meta name="calibre:series" content="{html.escape(work.series[0][0])}"/>\n'
            f'<meta name="calibre:series_index" content="{work.series[0][1]}"/>\n'
        )
    opf = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" unique-identifier="uuid_id" '
        'version="2.0">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:opf="http://www.idpf.org/2007/opf" '
        'xmlns:calibre="http://calibre.kovidgoyal.net/2009/metadata">\n'
        f"<dc:title>{html.escape(work.title)}</dc:title>\n"
        + "".join(
            f'<dc:creator opf:role="aut" opf:file-as="{a}">{a}</dc:creator>\n'
            for a in work.creators
        )
        + f"<dc:description>{html.escape(work.summary)}</dc:description>\n"
        "<dc:publisher>Archive of Our Own</dc:publisher>\n"
        f'<dc:identifier id="uuid_id" opf:scheme="uuid">{uid}</dc:identifier>\n'
        f'<dc:identifier opf:scheme="URI">{work.work_url}</dc:identifier>\n'
        f"<dc:date>{work.published.isoformat()}T00:00:00+00:00</dc:date>\n"
        "<dc:language>en</dc:language>\n"
        + "".join(f"<dc:subject>{html.escape(s)}</dc:subject>\n" for s in subjects if s)
        + series
        + '<meta name="calibre:timestamp" content="2024-05-01T12:00:00+00:00"/>\n'
        "</metadata>\n"
        "<manifest>\n" + "\n".join(manifest) + "\n"
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>\n'
        "</manifest>\n"
        '<spine toc="ncx">\n' + "\n".join(spine) + "\n</spine>\n"
        "</package>\n"
    )
    files.insert(1, ("content.opf", opf))
    return files


def ao3_epub(work: Ao3Work | None = None, *, split_chapter: int | None = None) -> bytes:
    return zip_bytes(ao3_files(work, split_chapter=split_chapter))


# --------------------------------------------------------------------------------------------
# A plain EPUB 3


@dataclass
class Epub3Book:
    title: str = "Notes from the Breakwater"
    creators: list[str] = field(default_factory=lambda: ["Marisol Teague"])
    illustrator: str = "Pell Oduya"
    description: str = "<p>Letters between two <em>harbour</em> pilots.</p>"
    subjects: list[str] = field(default_factory=lambda: ["Epistolary", "Sea, Ships"])
    language: str = "en"
    date: str = "2019-11-20"
    series: tuple[str, int] | None = ("Harbour Letters", 3)
    chapters: list[tuple[str, str]] = field(
        default_factory=lambda: [
            (
                "First Letter",
                "<p>Dear Tomas, the breakwater held again last night.</p>\n"
                "<p>I counted <i>eleven</i> waves over the wall.</p>",
            ),
            (
                "Second Letter",
                "<p>Dear Ines, the pilot boat has a new engine and a new smell.</p>",
            ),
            ("Third Letter", "<p>Dear Tomas, come home before the equinox.</p>"),
        ]
    )
    heading_in_body: bool = True  # each chapter file starts with <h1>title</h1>
    in_nav: bool = True  # chapter titles listed in nav.xhtml
    footnotes: bool = True  # a linear="no" notes file


def generic_epub3_files(book: Epub3Book | None = None) -> Files:
    """An EPUB 3 with nav.xhtml (toc and landmarks), a cover page, a title page, chapters and
    a non-linear footnotes file."""
    book = book or Epub3Book()
    files: list[tuple[str, bytes | str]] = [
        ("META-INF/container.xml", container_xml("EPUB/package.opf"))
    ]
    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="cover-image" href="images/cover.png" media-type="image/png" '
        'properties="cover-image"/>',
        '<item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>',
        '<item id="titlepage" href="titlepage.xhtml" media-type="application/xhtml+xml"/>',
    ]
    spine = ['<itemref idref="cover"/>', '<itemref idref="titlepage"/>']
    files.append(("EPUB/images/cover.png", _PNG))
    files.append(
        (
            "EPUB/cover.xhtml",
            xhtml("Cover", '<div><img src="images/cover.png" alt="Cover"/></div>', epub3=True),
        )
    )
    files.append(
        (
            "EPUB/titlepage.xhtml",
            xhtml(
                "Title page",
                f"<h1>{html.escape(book.title)}</h1>\n<p>{html.escape(book.creators[0])}</p>",
                epub3=True,
            ),
        )
    )
    toc = []
    for i, (title, body) in enumerate(book.chapters, start=1):
        name = f"chapter{i:02d}.xhtml"
        heading = f"<h1>{html.escape(title)}</h1>\n" if book.heading_in_body else ""
        files.append(
            (f"EPUB/{name}", xhtml(title, f"<section>\n{heading}{body}\n</section>", epub3=True))
        )
        manifest.append(f'<item id="c{i}" href="{name}" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="c{i}"/>')
        if book.in_nav:
            toc.append(f'<li><a href="{name}">{html.escape(title)}</a></li>')
    if book.footnotes:
        files.append(
            ("EPUB/notes.xhtml", xhtml("Notes", "<p>1. A breakwater is a wall.</p>", epub3=True))
        )
        manifest.append('<item id="notes" href="notes.xhtml" media-type="application/xhtml+xml"/>')
        spine.append('<itemref idref="notes" linear="no"/>')
    nav_body = (
        '<nav epub:type="toc" id="toc">\n<h1>Contents</h1>\n<ol>\n'
        + ("\n".join(toc) or '<li><a href="titlepage.xhtml">Title Page</a></li>')
        + "\n</ol>\n</nav>\n"
        '<nav epub:type="landmarks" hidden="">\n<ol>\n'
        '<li><a epub:type="cover" href="cover.xhtml">Cover</a></li>\n'
        '<li><a epub:type="titlepage" href="titlepage.xhtml">Title Page</a></li>\n'
        '<li><a epub:type="bodymatter" href="chapter01.xhtml">Start</a></li>\n'
        "</ol>\n</nav>"
    )
    files.append(("EPUB/nav.xhtml", xhtml("Contents", nav_body, epub3=True)))
    creators = "".join(
        f'<dc:creator id="creator{i}">{html.escape(c)}</dc:creator>\n'
        f'<meta refines="#creator{i}" property="role" scheme="marc:relators">aut</meta>\n'
        for i, c in enumerate(book.creators)
    )
    if book.illustrator:
        creators += (
            f'<dc:creator id="ill">{html.escape(book.illustrator)}</dc:creator>\n'
            '<meta refines="#ill" property="role" scheme="marc:relators">ill</meta>\n'
        )
    series = ""
    if book.series:
        series = (
            f'<meta property="belongs-to-collection" id="series">{html.escape(book.series[0])}'
            "</meta>\n"
            '<meta refines="#series" property="collection-type">series</meta>\n'
            f'<meta refines="#series" property="group-position">{book.series[1]}</meta>\n'
        )
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        '<dc:identifier id="uid">urn:uuid:0b7e1c52-6c1d-4c3e-9a55-2f1e0d9c8b7a</dc:identifier>\n'
        f"<dc:title>{html.escape(book.title)}</dc:title>\n"
        f"{creators}"
        f"<dc:description>{html.escape(book.description)}</dc:description>\n"
        + "".join(f"<dc:subject>{html.escape(s)}</dc:subject>\n" for s in book.subjects)
        + f"<dc:language>{book.language}</dc:language>\n"
        f"<dc:date>{book.date}</dc:date>\n"
        '<meta property="dcterms:modified">2024-05-01T12:00:00Z</meta>\n'
        f"{series}"
        "</metadata>\n"
        "<manifest>\n" + "\n".join(manifest) + "\n</manifest>\n"
        "<spine>\n" + "\n".join(spine) + "\n</spine>\n"
        "</package>\n"
    )
    files.insert(1, ("EPUB/package.opf", opf))
    return files


def generic_epub3(book: Epub3Book | None = None) -> bytes:
    return zip_bytes(generic_epub3_files(book))


# A 1×1 transparent PNG.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)


def calibre_epub2(chapters: list[tuple[str, list[str]]], *, title: str = "Split Tides") -> bytes:
    """An EPUB 2 (NCX only, no nav) whose chapters Calibre split into several files each:
    ``chapters`` is (title, [html of each piece])."""
    files: list[tuple[str, bytes | str]] = [
        ("META-INF/container.xml", container_xml("OEBPS/content.opf"))
    ]
    manifest, spine, points = [], [], []
    index = 0
    for number, (chapter_title, pieces) in enumerate(chapters, start=1):
        for piece_number, piece in enumerate(pieces):
            name = f"chapter{number}_split_{piece_number:03d}.html"
            files.append((f"OEBPS/text/{name}", xhtml(chapter_title, piece)))
            manifest.append(
                f'<item id="x{index}" href="text/{name}" media-type="application/xhtml+xml"/>'
            )
            spine.append(f'<itemref idref="x{index}"/>')
            if piece_number == 0:
                points.append((chapter_title, f"text/{name}"))
            index += 1
    uid = "urn:uuid:7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910"
    files.append(("OEBPS/toc.ncx", ncx(uid, title, points)))
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uid">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:opf="http://www.idpf.org/2007/opf">\n'
        f'<dc:identifier id="uid">{uid}</dc:identifier>\n'
        f"<dc:title>{html.escape(title)}</dc:title>\n"
        '<dc:creator opf:role="aut">Ines Calder</dc:creator>\n'
        "<dc:language>en</dc:language>\n"
        '<dc:date opf:event="publication">0101-01-01T00:00:00+00:00</dc:date>\n'
        "</metadata>\n"
        "<manifest>\n" + "\n".join(manifest) + "\n"
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>\n'
        "</manifest>\n"
        '<spine toc="ncx">\n' + "\n".join(spine) + "\n</spine>\n"
        "</package>\n"
    )
    files.insert(1, ("OEBPS/content.opf", opf))
    return zip_bytes(files)


def big_epub(word_count: int = 100_000, chapters: int = 25) -> bytes:
    """A plain EPUB 3 of about ``word_count`` words in ``chapters`` chapters."""
    per = word_count // chapters
    book = Epub3Book(
        chapters=[(f"Chapter {i}", prose_html(per, seed=i)) for i in range(1, chapters + 1)]
    )
    return generic_epub3(book)


def minimal_epub(chapters: list[tuple[str, str]], *, opf_extra: str = "") -> bytes:
    """The smallest useful EPUB 2: an OPF, an NCX and one XHTML file per chapter."""
    files: list[tuple[str, bytes | str]] = [("META-INF/container.xml", container_xml())]
    manifest, spine, points = [], [], []
    for i, (title, body) in enumerate(chapters, start=1):
        files.append((f"c{i}.xhtml", xhtml(title, body)))
        manifest.append(f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="c{i}"/>')
        points.append((title, f"c{i}.xhtml"))
    files.append(("toc.ncx", ncx(SMALL_UID, "Small", points)))
    files.insert(1, ("content.opf", package_opf(manifest, spine, extra=opf_extra)))
    return zip_bytes(files)


SMALL_UID = "urn:uuid:5d1c7e0a-2b3c-4d5e-9f60-718293a4b5c6"


def package_opf(manifest: list[str], spine: list[str], *, extra: str = "", prolog: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + prolog
        + '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uid">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'<dc:identifier id="uid">{SMALL_UID}</dc:identifier>\n'
        "<dc:title>Small</dc:title>\n<dc:language>en</dc:language>\n"
        f"{extra}</metadata>\n"
        "<manifest>\n" + "\n".join(manifest) + "\n"
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>\n</manifest>\n'
        '<spine toc="ncx">\n' + "\n".join(spine) + "\n</spine>\n</package>\n"
    )


# --------------------------------------------------------------------------------------------
# Hostile files

_ONE_CHAPTER = [("One", "<p>A short and harmless chapter.</p>")]


def _epub_members(
    extra: list[RawMember] | None = None, *, chapter: bytes | None = None, opf: str | None = None
) -> list[RawMember]:
    """The members of a small valid EPUB as raw members, for hostile variations."""
    manifest = ['<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>']
    spine = ['<itemref idref="c1"/>']
    members = [
        RawMember(
            b"mimetype",
            MIMETYPE,
            method=zipfile.ZIP_STORED,
            crc=zlib.crc32(MIMETYPE),
            size=len(MIMETYPE),
        ),
        raw_member("META-INF/container.xml", container_xml().encode()),
        raw_member("content.opf", (opf or package_opf(manifest, spine)).encode()),
        raw_member("toc.ncx", ncx(SMALL_UID, "Small", [("One", "c1.xhtml")]).encode()),
    ]
    if chapter is not None:
        members.append(raw_member("c1.xhtml", chapter))
    else:
        members.append(raw_member("c1.xhtml", xhtml("One", _ONE_CHAPTER[0][1]).encode()))
    return members + (extra or [])


def bomb_epub(size: int = 300 * MB) -> bytes:
    """An EPUB whose chapter is ``size`` bytes of zeros deflated to a few hundred kilobytes,
    with an honest header."""
    members = _epub_members()
    members[-1] = zeros_member("c1.xhtml", size)
    return raw_zip(members)


def lying_bomb_epub(size: int = 300 * MB, declared: int = 19 * MB) -> bytes:
    """The same bomb, its header claiming only ``declared`` bytes unpacked."""
    members = _epub_members()
    members[-1] = zeros_member("c1.xhtml", size, declared=declared)
    return raw_zip(members)


def ratio_bomb_epub(size: int = 15 * MB) -> bytes:
    """An honest member under the size limits that unpacks to a thousand times its size."""
    members = _epub_members()
    members[-1] = zeros_member("c1.xhtml", size)
    return raw_zip(members)


def many_bombs_zip(count: int = 12, size: int = 19 * MB) -> bytes:
    """Many members each under the per-file limit, over the total limit together."""
    member = zeros_member("story0.txt", size)
    members = []
    for i in range(count):
        members.append(
            RawMember(f"story{i}.txt".encode(), member.payload, crc=member.crc, size=member.size)
        )
    return raw_zip(members)


def overlapping_zip(count: int = 50) -> bytes:
    """Directory entries that all point at one member's bytes (the "overlapping files" bomb)."""
    data = b"Once upon a time. " * 2000
    kernel = raw_member("a.txt", data)
    members = [kernel] + [
        RawMember(f"copy{i}.txt".encode(), b"", crc=kernel.crc, size=kernel.size, offset=0)
        for i in range(count)
    ]
    # The copies claim the kernel's packed size too, from the kernel's offset.
    zipped = raw_zip(members)
    return _patch_packed_sizes(zipped, len(kernel.payload))


def _patch_packed_sizes(data: bytes, packed: int) -> bytes:
    out = bytearray(data)
    start = 0
    while (found := out.find(b"PK\x01\x02", start)) >= 0:
        struct.pack_into("<L", out, found + 20, packed)
        start = found + 4
    return bytes(out)


def path_epub(name: str) -> bytes:
    """A valid EPUB with one more member named ``name`` ("../../evil.sh", "/etc/cron.d/x")."""
    return raw_zip(_epub_members([raw_member(name, b"#!/bin/sh\necho pwned\n")]))


def duplicate_name_epub() -> bytes:
    return raw_zip(
        _epub_members([raw_member("c1.xhtml", xhtml("One", "<p>The other text.</p>").encode())])
    )


def encrypted_epub() -> bytes:
    """A member with the "encrypted" flag set (and data that is not really encrypted)."""
    members = _epub_members()
    members[-1].flags |= 0x1
    return raw_zip(members)


def many_members_zip(count: int = 5_000) -> bytes:
    return zip_bytes(((f"story{i:05d}.txt", f"Story {i}.") for i in range(count)), mimetype=False)


def truncated_epub(keep: float = 0.6) -> bytes:
    data = fanficfare_epub()
    return data[: int(len(data) * keep)]


def _billion_laughs(root: str, *, levels: int = 10) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    ]
    return f"<!DOCTYPE {root} [\n" + "\n".join(entities) + "\n]>\n"


def billion_laughs_epub(where: str = "opf") -> bytes:
    """Entity expansion in the OPF (or the container, the NCX or a chapter)."""
    manifest = ['<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>']
    spine = ['<itemref idref="c1"/>']
    if where == "opf":
        opf = package_opf(
            manifest,
            spine,
            prolog=_billion_laughs("package"),
            extra="<dc:description>&lol9;</dc:description>\n",
        )
        return raw_zip(_epub_members(opf=opf))
    if where == "chapter":
        chapter = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            + _billion_laughs("html")
            + f'<html xmlns="{XHTML_NS}"><head><title>x</title></head>'
            "<body><p>&lol9;</p></body></html>"
        )
        return raw_zip(_epub_members(chapter=chapter.encode()))
    members = _epub_members()
    container = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + _billion_laughs("container")
        + container_xml().split("\n", 1)[1].replace("<rootfiles>", "<rootfiles>&lol9;")
    )
    members[1] = raw_member("META-INF/container.xml", container.encode())
    return raw_zip(members)


def external_entity_epub(where: str = "opf") -> bytes:
    """An entity that would read /etc/passwd, in the OPF or a chapter."""
    prolog = '<!DOCTYPE package [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    manifest = ['<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>']
    spine = ['<itemref idref="c1"/>']
    if where == "opf":
        opf = package_opf(
            manifest, spine, prolog=prolog, extra="<dc:description>&xxe;</dc:description>\n"
        )
        return raw_zip(_epub_members(opf=opf))
    chapter = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f'<html xmlns="{XHTML_NS}"><head><title>x</title></head><body><p>&xxe;</p></body></html>'
    )
    return raw_zip(_epub_members(chapter=chapter.encode()))


def missing_container_epub() -> bytes:
    members = [m for m in _epub_members() if m.name != b"META-INF/container.xml"]
    return raw_zip(members)


def missing_spine_file_epub() -> bytes:
    members = [m for m in _epub_members() if m.name != b"c1.xhtml"]
    return raw_zip(members)
