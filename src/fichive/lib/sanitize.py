"""Turn what a user typed (plain text or HTML) into the HTML we store, and stored HTML back into
text. AO3's allowlist and its plain-text-to-paragraphs step; every form, importer and API calls
`userstuff_from_input`."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable

import nh3

from fichive.lib import plaintext

__all__ = [
    "SANITIZER_VERSION",
    "SITE_CLASS_NAMES",
    "comment_from_input",
    "current_sanitizer_version",
    "html_to_text",
    "sanitize_comment_html",
    "sanitize_html",
    "text_for_counting",
    "text_to_paragraphs",
    "user_class_name",
    "userstuff_for_counting",
    "userstuff_from_input",
    "userstuff_with_text",
]

# --- The allowlist (REFERENCE.md, "Sanitizing user HTML") -----------------------------------


def _names(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


ALLOWED_TAGS = _names(
    """a abbr acronym address b big blockquote br caption center cite code col colgroup details
    figcaption figure dd del dfn div dl dt em h1 h2 h3 h4 h5 h6 hr i img ins kbd li ol p pre q rp
    rt ruby s samp small span strike strong sub summary sup table tbody td tfoot th thead tr tt u
    ul var"""
)

# Dropped together with everything inside them.
DROPPED_WITH_CONTENT = _names(
    "iframe math noembed noframes noscript plaintext script style svg xmp"
)

GLOBAL_ATTRIBUTES = frozenset({"align", "dir", "lang", "title"})

_CELL_ATTRIBUTES = {"abbr", "axis", "colspan", "height", "rowspan", "width"}
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "name"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "col": frozenset({"span", "width"}),
    "colgroup": frozenset({"span", "width"}),
    "details": frozenset({"open"}),
    "hr": frozenset({"align", "width"}),
    "img": frozenset({"align", "alt", "border", "height", "src", "width"}),
    "ol": frozenset({"start", "type"}),
    "ul": frozenset({"type"}),
    "table": frozenset({"border", "summary", "width"}),
    "td": frozenset(_CELL_ATTRIBUTES),
    "th": frozenset(_CELL_ATTRIBUTES | {"scope"}),
}

# Every URL-bearing attribute we allow, with its schemes; None stands for a relative URL.
URL_ATTRIBUTES: dict[tuple[str, str], frozenset[str | None]] = {
    ("a", "href"): frozenset({"http", "https", "mailto", "ftp", None}),
    ("img", "src"): frozenset({"http", "https"}),
    ("blockquote", "cite"): frozenset({"http", "https", None}),
    ("q", "cite"): frozenset({"http", "https", None}),
}

LINK_REL = "nofollow"

# The archive's own class names: those its stylesheets style (static/css/*.css) and those its
# scripts look for (static/js/*.js). User HTML may not use them, so content can't dress up as
# the site's notices, flash messages or buttons, or catch a script's eye: a user's class with
# one of these names gets USER_CLASS_PREFIX in front, in the HTML and in the work skin alike
# (lib/css.py), so a skin still styles its own HTML. tests/lib/test_sanitize.py checks this
# list against the files; a new name here is a new SANITIZER_VERSION.
SITE_CLASS_NAMES = _names(
    """actions afterword autocomplete autocomplete-list blurb bookmark bookmark-own brand
    bulk-actions button byline chapter chart choices commas comment comment-actions
    comment-form comments-hook comments-loaded comments-pagination comments-placeholder
    comments-show confidence count creator current danger date datetime download
    download-formats draft-label edited error errors evidence exclude external-label fandoms
    field filterable filters filters-toggle flash found-in frozen-note has-error heading help
    help-table hidden-comment hidden-label import-confirm include index inline kudos
    kudos-givers kudos-message
    kudos-state landmark left letter letters link listing listing-filters media medium meta
    module next none notes notice number pagination parent part pending-comment
    placeholder-note posted preface preferences previous private range rec required
    required-note required-tags role search-box series skin-choice skip-link snippet spoiler
    stats stats-years status submit suggested summary symbol synonym tabs tag-links tag-meta
    tag-page tag-status tag-suggestions tags thread title totals user userstuff uses
    visually-hidden warnings work
    wrangling wrapper"""
)
USER_CLASS_PREFIX = "ws-"

# Which allowlist stored HTML was cleaned with. Stored rows record it (a `sanitizer_version`
# column); `fichive resanitize` cleans rows with an older one again. Raise it whenever a change
# here (tags, attributes, URL schemes, SITE_CLASS_NAMES) would clean stored HTML differently.
#   1: AO3's allowlist.  2: the site's own class names renamed (SITE_CLASS_NAMES).
#   3: the tag suggestions' and import confirmation's class names joined them.
SANITIZER_VERSION = 3


def current_sanitizer_version() -> int:
    """SANITIZER_VERSION, for model fields' defaults (a migration stores the function, not
    the number, so raising the version needs no migration)."""
    return SANITIZER_VERSION


def user_class_name(name: str) -> str:
    """A class name as user HTML and work skins may use it: the site's own get a prefix."""
    while name in SITE_CLASS_NAMES:
        name = USER_CLASS_PREFIX + name
    return name

_CLASS_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_\-]+")  # AO3's ^[a-zA-Z][\w\-]+$, ASCII \w
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_EDGE_CHARS = "".join(chr(c) for c in range(0x21))  # C0 controls and space (WHATWG URL)
_URL_REMOVED_CHARS = str.maketrans("", "", "\t\n\r")
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")

# Characters that can't be stored as (X)HTML text: controls, lone surrogates, U+FFFE/U+FFFF.
# Separator-like controls become spaces so that they still separate words.
_BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACE_LIKE = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")

# nh3 re-parses its own output slightly differently in rare cases (a <p> inside a stripped
# <button>, say); cleaning again until nothing changes makes sanitizing idempotent.
_MAX_PASSES = 4


# The same characters as UTF-8: the controls are single bytes, U+FFFE/U+FFFF three, and a lone
# surrogate can't be encoded at all.
_BAD_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _has_bad_chars(text: str) -> bool:
    """Whether _BAD_CHARS_RE would find anything (a byte check, several times quicker)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return (len(data.translate(None, _BAD_BYTES)) != len(data)
            or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)


def _replace_bad_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SPACE_LIKE:
        return " "
    return "\ufffd" if "\ud800" <= char <= "\udfff" else ""


def _url_scheme(value: str) -> str | None:
    """The lower-cased scheme of a URL as a browser reads it, or None for a relative URL."""
    url = value.strip(_URL_EDGE_CHARS).translate(_URL_REMOVED_CHARS)
    match = _SCHEME_RE.match(url)
    return match.group(1).lower() if match else None


def _url_allowed(tag: str, attr: str, value: str) -> bool:
    scheme = _url_scheme(value)
    if scheme not in URL_ATTRIBUTES[(tag, attr)]:
        return False
    if scheme is None:
        # Belt and braces: a "relative" URL that still mentions a script scheme is never
        # something a reader needs.
        squashed = "".join(value.split()).lower()
        return not any(bad in squashed for bad in _DANGEROUS_SCHEMES)
    return True


def _clean_classes(value: str) -> str | None:
    names = [user_class_name(name) for name in value.split() if _CLASS_NAME_RE.fullmatch(name)]
    return " ".join(dict.fromkeys(names)) or None


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if (tag, attr) in URL_ATTRIBUTES:
        return value if _url_allowed(tag, attr, value) else None
    if attr == "class":
        return _clean_classes(value)
    return value


def _make_cleaner(*, allow_classes: bool) -> nh3.Cleaner:
    generic = set(GLOBAL_ATTRIBUTES) | ({"class"} if allow_classes else set())
    attributes = {"*": generic} | {tag: set(attrs) for tag, attrs in TAG_ATTRIBUTES.items()}
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=attributes,
        attribute_filter=_attribute_filter,
        # nh3 checks href/src against the union; _attribute_filter narrows it per attribute
        # and also checks `cite`, which nh3 does not treat as a URL.
        url_schemes={"http", "https", "mailto", "ftp"},
        link_rel=LINK_REL,
        strip_comments=True,
    )


_CLEANERS = {True: _make_cleaner(allow_classes=True), False: _make_cleaner(allow_classes=False)}

# Comments: the text formatting of the allowlist above, without images, tables, figures,
# ruby, details or classes (a comment is a few paragraphs, not a page layout).
COMMENT_TAGS = ALLOWED_TAGS - _names(
    """img table caption col colgroup tbody td tfoot th thead tr details summary figure
    figcaption rp rt ruby"""
)


def _make_comment_cleaner() -> nh3.Cleaner:
    attributes = {"*": set(GLOBAL_ATTRIBUTES)} | {
        tag: set(attrs) for tag, attrs in TAG_ATTRIBUTES.items() if tag in COMMENT_TAGS
    }
    return nh3.Cleaner(
        tags=set(COMMENT_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=attributes,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "ftp"},
        link_rel=LINK_REL,
        strip_comments=True,
    )


_COMMENT_CLEANER = _make_comment_cleaner()


def sanitize_html(html: str, *, allow_classes: bool = True) -> str:
    """Clean `html` with AO3's allowlist. `class` survives only when `allow_classes` (chapter
    text and notes) and then only well-formed class names. Control characters are dropped
    and lone surrogates replaced, so the result is also valid XHTML text (EPUB)."""
    return _clean_with(_CLEANERS[allow_classes], html)


def sanitize_comment_html(html: str) -> str:
    """Clean `html` with the comments' allowlist (COMMENT_TAGS: no images, no classes)."""
    return _clean_with(_COMMENT_CLEANER, html)


def _clean_with(cleaner: nh3.Cleaner, html: str) -> str:
    if _has_bad_chars(html):
        html = _BAD_CHARS_RE.sub(_replace_bad_char, html)
    cleaned = cleaner.clean(html)
    if cleaned == html:  # already clean, so cleaning it again changes nothing either
        return cleaned
    for _ in range(_MAX_PASSES):
        again = cleaner.clean(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


# --- Plain text and line breaks to paragraphs --------------------------------------------------

_BR = "<br />\n"

# One HTML token: a comment, a script/style element with its content, a tag, or other markup
# (<!doctype>, <?pi>, </ >). Unclosed constructs run to the end of the input, as in a browser,
# so every match consumes what it scanned and tokenizing stays linear.
_ATTRS = r"""(?:[^>"']+|"[^"]*(?:"|\Z)|'[^']*(?:'|\Z))*"""
_TOKEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)"
    rf"|<(?P<raw>script|style|template)(?![^\s/>]){_ATTRS}(?:>|\Z).*?(?:</(?P=raw)\s*>|\Z)"
    rf"|</?(?P<name>[A-Za-z][^\s/>]*){_ATTRS}(?:>|\Z)"
    r"|<[!?/][^>]*(?:>|\Z)",
    re.DOTALL | re.IGNORECASE,
)

# Elements that hold their own paragraphs: text outside them gets paragraphs from its line
# breaks, text inside them is left as it is.
_CONTAINER_BLOCKS = _names(
    "p div blockquote ul ol dl table pre h1 h2 h3 h4 h5 h6 details figure center address"
)
_VOID_BLOCKS = _names("hr")
_BR_TAG_RE = re.compile(r"<br\b", re.IGNORECASE)
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")


def _normalize(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _lines_to_paragraphs(lines: Iterable[str]) -> str:
    """Group lines into <p>s: a blank line ends a paragraph, other line breaks become <br />."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            paragraphs.append(f"<p>{_BR.join(current)}</p>")
            current = []
    if current:
        paragraphs.append(f"<p>{_BR.join(current)}</p>")
    return "\n".join(paragraphs)


def text_to_paragraphs(text: str) -> str:
    """Plain text → HTML, read exactly as a plain-text import reads a story
    (lib/plaintext.py): escaped; paragraphs by blank lines (or one per line, or hard-wrapped
    lines joined), scene-break lines and wider gaps become <hr />."""
    return plaintext.text_to_html(_normalize(text))


def _html_line_breaks_to_paragraphs(html: str) -> str:
    """Paragraphs from the line breaks of HTML that has only inline markup; newlines inside
    tags and comments are not line breaks."""
    html = html.replace("\x00", "")
    pieces: list[str] = []
    pos = 0
    for m in _TOKEN_RE.finditer(html):
        pieces.append(html[pos : m.start()].replace("\n", "\x00"))
        pieces.append(m.group())
        pos = m.end()
    pieces.append(html[pos:].replace("\n", "\x00"))
    return _lines_to_paragraphs("".join(pieces).split("\x00"))


def _loose_text_to_paragraphs(html: str) -> str:
    """Paragraphs for text that sits outside any block element. Where the author already
    wrote <br>s, only blank lines separate paragraphs and single line breaks are spaces."""
    if not html.strip():
        return ""
    if _BR_TAG_RE.search(html):
        parts = (" ".join(part.split("\n")).strip() for part in _BLANK_LINE_RE.split(html))
        return "\n".join(f"<p>{part}</p>" for part in parts if part)
    return _html_line_breaks_to_paragraphs(html)


def _paragraphs_around_blocks(html: str) -> str:
    """AO3's "add paragraphs" step for HTML input: text between (not inside) block elements
    gets paragraphs from its line breaks, so "one\n\n<hr>\n\ntwo" is two paragraphs and a
    rule, while "<p>one</p>" stays as it is."""
    out: list[str] = []
    loose: list[str] = []
    depth = 0

    def flush() -> None:
        chunk = "".join(loose)
        loose.clear()
        out.append(f"\n{_loose_text_to_paragraphs(chunk)}\n" if chunk.strip() else chunk)

    pos = 0
    for m in _TOKEN_RE.finditer(html):
        text, token = html[pos : m.start()], m.group()
        pos = m.end()
        (loose if depth == 0 else out).append(text)
        name = (m.group("name") or "").lower()
        if name in _CONTAINER_BLOCKS:
            if token.startswith("</"):
                depth = max(0, depth - 1)
            else:
                if depth == 0:
                    flush()
                if not token.endswith("/>"):
                    depth += 1
            out.append(token)
        elif name in _VOID_BLOCKS and depth == 0:
            flush()
            out.append(token)
        else:
            (loose if depth == 0 else out).append(token)
    (loose if depth == 0 else out).append(html[pos:])
    flush()
    return "".join(out).strip()


_FORMATS = frozenset({"html", "text"})


def userstuff_from_input(raw: str, *, fmt: str = "html", allow_classes: bool = True) -> str:
    """What a user typed → the HTML we store. The one pipeline for forms, importers and the API.

    fmt="text": escaped and turned into paragraphs. fmt="html": text outside block elements
    gets paragraphs from its line breaks (as on AO3), inline tags kept. Then sanitized.
    """
    return userstuff_with_text(raw, fmt=fmt, allow_classes=allow_classes)[0]


def userstuff_with_text(raw: str, *, fmt: str = "html",
                        allow_classes: bool = True) -> tuple[str, str]:
    """userstuff_from_input's HTML and its visible text (`html_to_text` of it), for callers
    that need both without converting twice."""
    cleaned, _ = userstuff_for_counting(raw, fmt=fmt, allow_classes=allow_classes)
    return cleaned, html_to_text(cleaned)


def userstuff_for_counting(raw: str, *, fmt: str = "html",
                           allow_classes: bool = True) -> tuple[str, str]:
    """userstuff_from_input's HTML and its visible text for counting words: what
    `html_to_text` gives, with block edges as NUL characters and whitespace not yet collapsed
    (words come out the same; collapsing a chapter's whitespace costs more than counting)."""
    if fmt not in _FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {sorted(_FORMATS)}")
    text = _normalize(raw)
    if not text.strip():
        return "", ""
    html = text_to_paragraphs(text) if fmt == "text" else _paragraphs_around_blocks(text)
    cleaned = sanitize_html(html, allow_classes=allow_classes).strip()
    visible = text_for_counting(cleaned)
    # Markup with nothing to read ("<p></p>" left by a removed <script>) is no content.
    if "<img" in cleaned or visible.replace(_BLOCK_MARK, " ").strip():
        return cleaned, visible
    return "", ""


def comment_from_input(raw: str) -> tuple[str, str]:
    """What a commenter typed (HTML, line breaks becoming paragraphs as for works) → the HTML
    we store and its visible text; ("", "") when nothing readable is left."""
    text = _normalize(raw)
    if not text.strip():
        return "", ""
    cleaned = sanitize_comment_html(_paragraphs_around_blocks(text)).strip()
    visible = html_to_text(cleaned)
    return (cleaned, visible) if visible else ("", "")


# --- HTML back to text ------------------------------------------------------------------------

# Elements whose edges separate words (a newline in the text we produce).
_BLOCK_BOUNDARY = _names(
    """address article aside blockquote br caption center dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre
    section summary table tbody td tfoot th thead tr ul"""
)
# Markers while converting: a block edge, and an inline tag (kept apart until entities are
# decoded so that "&am<b>p;" never becomes "&").
_BLOCK_MARK, _INLINE_MARK = "\x00", "\x01"


def _token_to_marker(match: re.Match[str]) -> str:
    name = match.group("name")
    return _BLOCK_MARK if name and name.lower() in _BLOCK_BOUNDARY else _INLINE_MARK


def text_for_counting(html: str) -> str:
    """The visible text of `html` as words are counted from it: html_to_text's words, with a
    NUL at every block edge and whitespace left as it is."""
    text = _TOKEN_RE.sub(_token_to_marker, html.replace(_BLOCK_MARK, "").replace(_INLINE_MARK, ""))
    return htmllib.unescape(text).replace(_INLINE_MARK, "")


def html_to_text(html: str) -> str:
    """The visible text of `html`: tags (and script/style content) removed, entities decoded,
    whitespace collapsed, one line per block so that words never run together."""
    text = text_for_counting(html)
    # Runs of whitespace become one space (str.split's whitespace is the regex \s, and it is
    # several times faster than a substitution that also rewrites every single space).
    text = " ".join(text.split())
    blocks = (block.strip(" ") for block in text.split(_BLOCK_MARK))
    return "\n".join(block for block in blocks if block)
