"""Work skins: an author's CSS, parsed with tinycss2, cut down to an allowlist of properties,
values and selectors, and written out again with every selector scoped under `#workskin`.

Nothing of the input is copied through: every selector, property and value in the output is
written here from what tinycss2 decoded (escapes resolved, comments gone), from pieces
checked against the lists below. So an escape can't smuggle a word past a check
(`\\65xpression(` is the function "expression", refused), no comment survives to hide
anything, and the output never holds `<` (strings are written with CSS escapes), so it can't
close the `<style>` element it is served in.

What is refused and why:
- `url()` anywhere: the archive hosts no images of its own users, so a skin would only load
  from elsewhere (telling another site who reads what), or fetch archive pages behind the
  reader's back. Backgrounds are colours and gradients.
- every at-rule but `@media` (whose rules are filtered and scoped like the rest): `@import`,
  `@font-face`, `@keyframes`, `@namespace`, ...
- properties outside the list (`behavior`, `-moz-binding`, `z-index`, `transform`, custom
  properties and `var()`, ...), functions other than colours and gradients (`expression()`,
  `attr()`, `calc()`, ...), `position` other than static and relative, negative margins and
  offsets (which could pull the text over the site's own header), and `!important`.
- selectors that could reach outside the work: each is put under `#workskin`; `html`, `body`
  and `:root` mean `#workskin` itself, and `#workskin` followed by `~` or `+` (its siblings)
  is scoped again, so it matches nothing.
- the archive's own class names (lib/sanitize.py SITE_CLASS_NAMES) match their renamed
  form too, `.notice` becoming `:is(.notice, .ws-notice)`: a skin still styles its own HTML
  (renamed the same way) and the archive's elements inside #workskin, and
  the site's notices outside the work keep their look.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import tinycss2
from tinycss2 import ast
from tinycss2.color3 import RGBA, parse_color
from tinycss2.nth import parse_nth

from fichive.lib.sanitize import user_class_name

SCOPE = "#workskin"
SCOPE_ID = "workskin"
# AO3 takes skins of a few hundred KB; a work's skin rarely needs more than a few KB.
CSS_MAX = 100_000

__all__ = ["CSS_MAX", "SCOPE", "FilteredCss", "filter_css"]


@dataclass
class FilteredCss:
    """The scoped CSS to store and serve, and what was dropped, in words for the author."""

    css: str
    messages: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.messages)


class _Refused(Exception):
    """A value, selector or rule the allowlist doesn't take; its message says why."""


# --- Values --------------------------------------------------------------------------------

def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_IDENT = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*\Z")
_LENGTH_UNITS = _words("px em rem ex ch pt pc cm mm in q vw vh vmin vmax lh rlh cap ic")
_ANGLE_UNITS = _words("deg rad grad turn")
_GLOBAL_KEYWORDS = frozenset({"inherit", "initial", "unset", "revert"})
_COLOUR_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla"})
_GRADIENTS = frozenset({"linear-gradient", "radial-gradient", "repeating-linear-gradient",
                        "repeating-radial-gradient"})
_GRADIENT_WORDS = _words("""to top bottom left right center circle ellipse closest-side
    closest-corner farthest-side farthest-corner at""")


@dataclass(frozen=True)
class _Spec:
    """What one property takes: kinds of value and keywords."""

    kinds: frozenset[str]  # length, number, percent, colour, string, ident, angle, gradient
    keywords: frozenset[str] = frozenset()
    negative: bool = True  # may lengths and numbers be below zero
    separators: str = ""  # literal tokens allowed between parts: "," "/"


def _spec(kinds: str, keywords: str = "", *, negative: bool = True,
          separators: str = "") -> _Spec:
    return _Spec(_words(kinds), _words(keywords), negative, separators)


_BORDER_STYLES = "none hidden dotted dashed solid double groove ridge inset outset"
_BORDER_WIDTHS = "thin medium thick"
_POSITIONS = "left right top bottom center"
_SIZES = "auto min-content max-content fit-content"
_COLOUR = _spec("colour")
_BORDER = _spec("length colour", f"{_BORDER_STYLES} {_BORDER_WIDTHS}", negative=False)
_BORDER_STYLE = _spec("", _BORDER_STYLES)
_BORDER_WIDTH = _spec("length", _BORDER_WIDTHS, negative=False)
_MARGIN = _spec("length percent", "auto", negative=False)
_PADDING = _spec("length percent", negative=False)
_OFFSET = _spec("length percent", "auto", negative=False)
_SIZE = _spec("length percent", _SIZES, negative=False)
_MAX_SIZE = _spec("length percent", f"none {_SIZES}", negative=False)
_RADIUS = _spec("length percent", negative=False, separators="/")
_SHADOW = _spec("length colour", "none inset", separators=",")
_OVERFLOW = _spec("", "visible hidden clip scroll auto")

PROPERTIES: dict[str, _Spec] = {
    # colours and backgrounds (no url(): see the module's docstring)
    "color": _COLOUR,
    "background-color": _COLOUR,
    "background": _spec("colour length percent gradient",
                        f"none repeat repeat-x repeat-y no-repeat space round scroll local "
                        f"border-box padding-box content-box cover contain auto {_POSITIONS}",
                        separators=",/"),
    "background-image": _spec("gradient", "none", separators=","),
    "background-repeat": _spec("", "repeat repeat-x repeat-y no-repeat space round",
                               separators=","),
    "background-position": _spec("length percent", _POSITIONS, separators=","),
    "background-size": _spec("length percent", "auto cover contain", negative=False,
                             separators=","),
    "background-clip": _spec("", "border-box padding-box content-box text", separators=","),
    "background-origin": _spec("", "border-box padding-box content-box", separators=","),
    "opacity": _spec("number percent", negative=False),
    # borders and outlines
    "border": _BORDER,
    **{f"border-{side}": _BORDER for side in ("top", "right", "bottom", "left")},
    "border-color": _COLOUR,
    **{f"border-{side}-color": _COLOUR for side in ("top", "right", "bottom", "left")},
    "border-style": _BORDER_STYLE,
    **{f"border-{side}-style": _BORDER_STYLE for side in ("top", "right", "bottom", "left")},
    "border-width": _BORDER_WIDTH,
    **{f"border-{side}-width": _BORDER_WIDTH for side in ("top", "right", "bottom", "left")},
    "border-radius": _RADIUS,
    **{f"border-{corner}-radius": _RADIUS
       for corner in ("top-left", "top-right", "bottom-right", "bottom-left")},
    "border-collapse": _spec("", "collapse separate"),
    "border-spacing": _spec("length", negative=False),
    "outline": _BORDER,
    "outline-color": _COLOUR,
    "outline-style": _BORDER_STYLE,
    "outline-width": _BORDER_WIDTH,
    "box-shadow": _SHADOW,
    "text-shadow": _SHADOW,
    # the box
    "margin": _MARGIN,
    **{f"margin-{side}": _MARGIN for side in ("top", "right", "bottom", "left")},
    "padding": _PADDING,
    **{f"padding-{side}": _PADDING for side in ("top", "right", "bottom", "left")},
    "width": _SIZE, "height": _SIZE, "min-width": _SIZE, "min-height": _SIZE,
    "max-width": _MAX_SIZE, "max-height": _MAX_SIZE,
    "box-sizing": _spec("", "content-box border-box"),
    "display": _spec("", "block inline inline-block none flex inline-flex list-item table "
                         "table-row table-cell table-caption inline-table flow-root"),
    "position": _spec("", "static relative"),
    "top": _OFFSET, "right": _OFFSET, "bottom": _OFFSET, "left": _OFFSET,
    "float": _spec("", "left right none inline-start inline-end"),
    "clear": _spec("", "left right both none inline-start inline-end"),
    "overflow": _OVERFLOW, "overflow-x": _OVERFLOW, "overflow-y": _OVERFLOW,
    "visibility": _spec("", "visible hidden collapse"),
    "vertical-align": _spec("length percent",
                            "baseline sub super top text-top middle bottom text-bottom"),
    "flex": _spec("number length percent", "auto none content", negative=False),
    "flex-direction": _spec("", "row row-reverse column column-reverse"),
    "flex-wrap": _spec("", "nowrap wrap wrap-reverse"),
    "justify-content": _spec("", "start end flex-start flex-end center left right normal "
                                 "space-between space-around space-evenly stretch"),
    "align-items": _spec("", "normal stretch center start end flex-start flex-end baseline"),
    "align-self": _spec("", "auto normal stretch center start end flex-start flex-end "
                            "baseline"),
    "gap": _spec("length percent", "normal", negative=False),
    "table-layout": _spec("", "auto fixed"),
    "caption-side": _spec("", "top bottom"),
    "empty-cells": _spec("", "show hide"),
    # text
    "font": _spec("length percent number string ident", negative=False, separators=",/"),
    "font-family": _spec("string ident", separators=","),
    "font-size": _spec("length percent", "xx-small x-small small medium large x-large "
                                         "xx-large smaller larger", negative=False),
    "font-style": _spec("", "normal italic oblique"),
    "font-weight": _spec("number", "normal bold bolder lighter", negative=False),
    "font-variant": _spec("", "normal small-caps all-small-caps"),
    "letter-spacing": _spec("length", "normal"),
    "word-spacing": _spec("length", "normal"),
    "line-height": _spec("number length percent", "normal", negative=False),
    "text-align": _spec("", "left right center justify start end"),
    "text-decoration": _spec("colour length", "none underline overline line-through solid "
                                              "double dotted dashed wavy"),
    "text-decoration-line": _spec("", "none underline overline line-through"),
    "text-decoration-style": _spec("", "solid double dotted dashed wavy"),
    "text-decoration-color": _COLOUR,
    "text-transform": _spec("", "none capitalize uppercase lowercase"),
    "text-indent": _spec("length percent"),
    "white-space": _spec("", "normal nowrap pre pre-wrap pre-line break-spaces"),
    "word-break": _spec("", "normal break-all keep-all break-word"),
    "overflow-wrap": _spec("", "normal break-word anywhere"),
    "word-wrap": _spec("", "normal break-word anywhere"),
    "list-style": _spec("ident", "none inside outside"),
    "list-style-type": _spec("ident string", "none"),
    "list-style-position": _spec("", "inside outside"),
    "content": _spec("string", "none normal open-quote close-quote no-open-quote "
                               "no-close-quote"),
    "quotes": _spec("string", "none auto"),
}


def _is_colour(token: ast.Node) -> bool:
    return token.type in ("ident", "hash", "function") and parse_color(token) is not None


def _colour(token: ast.Node) -> str:
    """A colour, written out from what tinycss2 read (so no text of the input is kept)."""
    value = parse_color(token)
    if isinstance(value, RGBA):
        if token.type == "hash":
            return "#" + str(token.value).lower()
        if token.type == "ident":
            return str(token.lower_value)
        red, green, blue = (round(min(max(c, 0.0), 1.0) * 255) for c in value[:3])
        return f"rgba({red}, {green}, {blue}, {round(value.alpha, 3):g})"
    return "currentcolor"


def _number(token: ast.Node, spec: _Spec, where: str) -> str:
    if token.value < 0 and not spec.negative:
        raise _Refused(f"{where} can't be negative")
    if abs(token.value) > 1_000_000:
        raise _Refused("the number is too large")
    if token.is_integer:
        return f"{token.int_value}"
    return f"{token.value:.4f}".rstrip("0").rstrip(".")


def _component(token: ast.Node, spec: _Spec, where: str, *, in_function: bool = False) -> str:
    """One token of a value, written out again, or _Refused."""
    kind = token.type
    if kind == "url" or (kind == "function" and token.lower_name == "url"):
        raise _Refused("url() is not allowed: work skins can't load images or other files")
    if kind == "ident":
        word = token.lower_value
        if word in _GLOBAL_KEYWORDS or word in spec.keywords:
            return str(word)
        if "colour" in spec.kinds and _is_colour(token):
            return _colour(token)
        if in_function and word in _GRADIENT_WORDS:
            return str(word)
        if "ident" in spec.kinds and _IDENT.match(token.value):
            return str(token.value)
        if not spec.kinds and len(spec.keywords) <= 8:
            raise _Refused(f"{where} can only be {_either(sorted(spec.keywords))}")
        raise _Refused(f"“{_shown(word)}” is not a value {where} can take")
    if kind == "hash" and "colour" in spec.kinds and _is_colour(token):
        return _colour(token)
    if kind == "function":
        name = token.lower_name
        if name in _COLOUR_FUNCTIONS and "colour" in spec.kinds:
            if _is_colour(token):
                return _colour(token)
            raise _Refused(f"{name}() is not a colour as written")
        if name in _GRADIENTS and "gradient" in spec.kinds and not in_function:
            return _gradient(token, where)
        raise _Refused(f"the function {_shown(name)}() is not allowed")
    if kind == "number":
        if "number" in spec.kinds or (token.value == 0 and "length" in spec.kinds):
            return _number(token, spec, where)
        raise _Refused("a plain number is not a value it can take")
    if kind == "percentage":
        if "percent" in spec.kinds:
            return _number(token, spec, where) + "%"
        raise _Refused("a percentage is not a value it can take")
    if kind == "dimension":
        unit = token.lower_unit
        if unit in _LENGTH_UNITS and "length" in spec.kinds:
            return _number(token, spec, where) + str(unit)
        if unit in _ANGLE_UNITS and "angle" in spec.kinds:
            return _number(token, spec, where) + str(unit)
        raise _Refused(f"the unit “{_shown(unit)}” is not allowed here")
    if kind == "string":
        if "string" in spec.kinds:
            return _string(token.value)
        raise _Refused("a quoted string is not a value it can take")
    if kind == "literal" and token.value in spec.separators:
        return str(token.value)
    raise _Refused(f"“{_shown(tinycss2.serialize([token]))}” is not allowed")


_GRADIENT_SPEC = _spec("colour length percent angle", _POSITIONS, separators=",")


def _gradient(token: ast.FunctionBlock, where: str) -> str:
    parts = _join(None if t is None else _component(t, _GRADIENT_SPEC, where, in_function=True)
                  for t in _significant(token.arguments))
    return f"{token.lower_name}({parts})"


def _significant(tokens: Iterable[ast.Node]) -> list[ast.Node | None]:
    """The tokens of a value, with whitespace and comments as None (a space)."""
    out: list[ast.Node | None] = []
    for token in tokens:
        if token.type in ("whitespace", "comment"):
            if out and out[-1] is not None:
                out.append(None)
        else:
            out.append(token)
    while out and out[-1] is None:
        out.pop()
    return out


def _join(parts: Iterable[str | None]) -> str:
    """Parts of a value: a space between two parts, none around "/" or before ","."""
    text = ""
    previous = ""
    for part in parts:
        if part is None:
            continue
        if text and part not in (",", "/") and previous != "/":
            text += " "
        text += part
        previous = part
    return text


def _value(name: str, value: Sequence[ast.Node]) -> str:
    spec = PROPERTIES[name]
    tokens = _significant(value)
    if not tokens:
        raise _Refused("it has no value")
    return _join(None if t is None else _component(t, spec, name) for t in tokens)


_SAFE_STRING = re.compile(r"[A-Za-z0-9 .,!?:;'_()*+=@#%$^|~`\[\]{}-]")


def _string(value: str) -> str:
    """A CSS string, every character outside a small safe set written as an escape (so no
    `<`, quote, backslash or line break survives as itself)."""
    return '"' + "".join(ch if _SAFE_STRING.fullmatch(ch) else f"\\{ord(ch):x} "
                         for ch in value) + '"'


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _shown(text: str, limit: int = 60) -> str:
    """A piece of the input, short enough to quote in a message."""
    text = " ".join(str(text).replace("/**/", "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Selectors -----------------------------------------------------------------------------

_PSEUDO_CLASSES = _words("""first-child last-child only-child first-of-type last-of-type
    only-of-type empty hover focus active focus-within""")
_PSEUDO_ELEMENTS = _words("before after first-letter first-line marker selection")
_NTH = frozenset({"nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type"})
_ROOTS = frozenset({"html", "body"})
_ATTRIBUTE_MATCHES = frozenset({"=", "~=", "|=", "^=", "$=", "*="})


@dataclass
class _Compound:
    """One compound selector: an element name (or "*") and its classes, ids, pseudo-classes
    and attribute tests, each written out already."""

    element: str = ""
    parts: list[str] = field(default_factory=list)
    root: bool = False  # html, body or :root: the page itself, which a skin may not style

    def text(self) -> str:
        return (self.element or ("" if self.parts else "*")) + "".join(self.parts)


def _ident(token: ast.Node | None, what: str) -> str:
    if token is None or token.type != "ident" or not _IDENT.match(token.value):
        raise _Refused(f"{what} must be a plain name")
    return str(token.value)


def _selector_list(tokens: Sequence[ast.Node]) -> list[list[ast.Node]]:
    groups: list[list[ast.Node]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    return groups


def _complex(tokens: Sequence[ast.Node], *, nested: bool = False) -> list[tuple[str, _Compound]]:
    """A complex selector as (combinator, compound) pairs; the first combinator is ""."""
    items = list(tokens)
    result: list[tuple[str, _Compound]] = []
    combinator = ""
    current: _Compound | None = None
    i = 0

    def start() -> _Compound:
        nonlocal current, combinator
        if current is None:
            current = _Compound()
            if result and not combinator:
                raise _Refused("two selectors run together")
            result.append((combinator or "", current))
            combinator = ""
        return current

    while i < len(items):
        token = items[i]
        kind = token.type
        if kind in ("whitespace", "comment"):
            if current is not None:
                current = None
                combinator = combinator or " "
        elif kind == "literal" and token.value in (">", "+", "~"):
            if nested:
                raise _Refused("combinators can't be used inside :not()")
            if not result:
                raise _Refused(f"a selector can't start with “{token.value}”")
            current = None
            combinator = token.value
        elif kind == "ident" or (kind == "literal" and token.value == "*"):
            compound = start()
            if compound.element or compound.parts:
                raise _Refused("an element name must come first in a selector")
            name = "*" if kind == "literal" else _ident(token, "An element name").lower()
            compound.element = name
            compound.root = name in _ROOTS
        elif kind == "literal" and token.value == ".":
            i += 1
            # The site's own class names are renamed in the work's HTML (lib/sanitize.py), so
            # a skin's `.notice` styles both the HTML's `ws-notice` and, as skins written for
            # AO3 expect, the archive's own `.notice` elements inside #workskin
            # (`.userstuff`, the chapter text's container, above all).
            name = _ident(items[i] if i < len(items) else None, "A class name")
            renamed = user_class_name(name)
            start().parts.append(f".{name}" if renamed == name
                                 else f":is(.{name}, .{renamed})")
        elif kind == "hash":
            if not token.is_identifier or not _IDENT.match(token.value):
                raise _Refused("an id must be a plain name")
            start().parts.append("#" + str(token.value))
        elif kind == "literal" and token.value == ":":
            i += 1
            start().parts.append(_pseudo(items, i))
            if items[i].type == "literal":  # "::name" took two tokens
                i += 1
        elif kind == "[] block":
            start().parts.append(_attribute(token))
        else:
            raise _Refused(f"“{_shown(tinycss2.serialize([token]))}” is not allowed in a "
                           "selector")
        i += 1
    if not result or combinator.strip():
        raise _Refused("the selector is incomplete")
    for _combinator, compound in result:
        if any(part.startswith(":root") for part in compound.parts):
            compound.root = True
            compound.parts = [p for p in compound.parts if p != ":root"]
    return result


def _pseudo(items: Sequence[ast.Node], i: int) -> str:
    token = items[i] if i < len(items) else None
    if token is not None and token.type == "literal" and token.value == ":":
        name = _ident(items[i + 1] if i + 1 < len(items) else None, "A pseudo-element")
        if name.lower() not in _PSEUDO_ELEMENTS:
            raise _Refused(f"the pseudo-element ::{_shown(name)} is not allowed")
        return "::" + name.lower()
    if token is not None and token.type == "function":
        name = token.lower_name
        if name in _NTH:
            nth = parse_nth(token.arguments)
            if nth is None:
                raise _Refused(f":{name}() needs a number or a formula like 2n+1")
            a, b = nth
            return f":{name}({a}n{b:+d})"
        if name == "not":
            inner = []
            for group in _selector_list(token.arguments):
                compounds = _complex(group, nested=True)
                if len(compounds) > 1 or compounds[0][1].root:
                    raise _Refused(":not() takes simple selectors only")
                inner.append(compounds[0][1].text())
            return f":not({', '.join(inner)})"
        raise _Refused(f"the pseudo-class :{_shown(name)}() is not allowed")
    name = _ident(token, "A pseudo-class").lower()
    if name in ("before", "after", "first-letter", "first-line"):  # the old one-colon form
        return "::" + name
    if name == "root":
        return ":root"
    if name not in _PSEUDO_CLASSES:
        raise _Refused(f"the pseudo-class :{_shown(name)} is not allowed")
    return ":" + name


def _attribute(block: ast.SquareBracketsBlock) -> str:
    tokens = [t for t in block.content if t.type not in ("whitespace", "comment")]
    if not tokens:
        raise _Refused("an attribute test needs an attribute name")
    name = _ident(tokens[0], "An attribute name").lower()
    rest = tokens[1:]
    if not rest:
        return f"[{name}]"
    operator = ""
    while rest and rest[0].type == "literal":
        operator += rest.pop(0).value
    if operator not in _ATTRIBUTE_MATCHES or not rest:
        raise _Refused("an attribute test must read like [lang=\"fr\"]")
    value = rest.pop(0)
    if value.type == "string" or (value.type == "ident" and _IDENT.match(value.value)):
        text = _string(value.value)
    else:
        raise _Refused("an attribute test must read like [lang=\"fr\"]")
    flag = ""
    if rest:
        flag = " " + _ident(rest.pop(0), "An attribute test's flag").lower()
        if flag not in (" i", " s") or rest:
            raise _Refused("an attribute test must read like [lang=\"fr\"]")
    return f"[{name}{operator}{text}{flag}]"


def _scoped(compounds: list[tuple[str, _Compound]]) -> str:
    """One selector under SCOPE: `html`, `body` and `:root` at its start become SCOPE; one
    that starts at SCOPE and goes down from it stays; everything else goes under it."""
    compounds = list(compounds)
    # "html body p": the page's roots at the start are the work's own box.
    while len(compounds) > 1 and compounds[0][1].root and compounds[1][1].root \
            and compounds[1][0] in (" ", ">") and not compounds[0][1].parts:
        compounds.pop(0)
        compounds[0] = ("", compounds[0][1])
    first = compounds[0][1]
    if first.root:
        first.element = ""
        first.parts = ["#" + SCOPE_ID, *[p for p in first.parts if p != "#" + SCOPE_ID]]
    for _combinator, compound in compounds[1:]:
        if compound.root:  # nothing inside the work is the page's root
            raise _Refused("html, body and :root mean the work itself only at the start of "
                           "a selector")
    text = first.text() + "".join(
        (" " if c == " " else f" {c} ") + compound.text() for c, compound in compounds[1:])
    stays_inside = ("#" + SCOPE_ID in first.parts
                    and (len(compounds) == 1 or compounds[1][0] in (" ", ">")))
    return text if stays_inside else f"{SCOPE} {text}"


# --- Rules ---------------------------------------------------------------------------------


_MEDIA_WORDS = frozenset({"screen", "print", "all", "and", "not", "only", "or"})
_MEDIA_FEATURES = _words("""width min-width max-width height min-height max-height orientation
    prefers-color-scheme prefers-reduced-motion prefers-contrast hover pointer""")
_MEDIA_SPEC = _spec("length number", "portrait landscape light dark reduce no-preference "
                                     "more less hover none fine coarse", negative=False)


def _media_query(prelude: Sequence[ast.Node]) -> str:
    parts: list[str | None] = []
    for token in _significant(prelude):
        if token is None:
            parts.append(None)
        elif token.type == "ident" and token.lower_value in _MEDIA_WORDS:
            parts.append(str(token.lower_value))
        elif token.type == "literal" and token.value == ",":
            parts.append(",")
        elif token.type == "() block":
            inner = [t for t in token.content if t.type not in ("whitespace", "comment")]
            if not inner or inner[0].type != "ident" \
                    or inner[0].lower_value not in _MEDIA_FEATURES:
                raise _Refused("@media can test only widths, heights, orientation and the "
                               "reader's colour scheme")
            feature = str(inner[0].lower_value)
            if len(inner) == 1:
                parts.append(f"({feature})")
                continue
            if len(inner) != 3 or inner[1].type != "literal" or inner[1].value != ":":
                raise _Refused("@media tests read like (max-width: 40em)")
            value = _component(inner[2], _MEDIA_SPEC, "@media")
            parts.append(f"({feature}: {value})")
        else:
            raise _Refused(f"“{_shown(tinycss2.serialize([token]))}” is not allowed in "
                           "@media")
    text = _join(parts)
    if not text:
        raise _Refused("@media needs a query")
    return text


class _Lazy:
    """Text for a message, worked out when a message is written with it."""

    def __init__(self, make: Callable[[], str]) -> None:
        self.make = make

    def __str__(self) -> str:
        return self.make()


class _Filter:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def drop(self, message: str) -> None:
        self.messages.append(message)

    def rules(self, nodes: Iterable[ast.Node], *, in_media: bool = False) -> list[str]:
        out: list[str] = []
        for node in nodes:
            if node.type in ("whitespace", "comment"):
                continue
            if node.type == "error":
                self.drop("Dropped something that isn't a CSS rule (a rule reads like "
                          "“.chat { color: red; }”).")
            elif node.type == "at-rule":
                out.extend(self.at_rule(node, in_media=in_media))
            elif node.type == "qualified-rule":
                rule = self.qualified_rule(node)
                if rule:
                    out.append(rule)
        return out

    def at_rule(self, node: ast.AtRule, *, in_media: bool) -> list[str]:
        name = node.lower_at_keyword
        if name != "media" or in_media:
            what = "@media inside @media" if name == "media" else f"@{_shown(name)}"
            self.drop(f"Dropped {what}: work skins can't use it (of the at-rules, only "
                      "@media is kept).")
            return []
        try:
            query = _media_query(node.prelude)
        except _Refused as exc:
            self.drop(f"Dropped @media {_shown(tinycss2.serialize(node.prelude))}: {exc}.")
            return []
        if node.content is None:
            return []
        inner = self.rules(tinycss2.parse_rule_list(node.content, skip_comments=True,
                                                    skip_whitespace=True), in_media=True)
        if not inner:
            return []
        body = "\n".join("  " + rule for rule in inner)
        return [f"@media {query} {{\n{body}\n}}"]

    def qualified_rule(self, node: ast.QualifiedRule) -> str:
        # Quoted in messages only, so worked out only for one.
        shown_selector = _Lazy(lambda: _shown(tinycss2.serialize(node.prelude)))
        selectors: list[str] = []
        for group in _selector_list(node.prelude):
            try:
                selectors.append(_scoped(_complex(group)))
            except _Refused as exc:
                shown = _shown(tinycss2.serialize(group)) or "(empty)"
                self.drop(f"Dropped the selector “{shown}”: {exc}.")
        if not selectors:
            return ""
        declarations: list[str] = []
        for item in tinycss2.parse_declaration_list(node.content, skip_comments=True,
                                                    skip_whitespace=True):
            if item.type == "error":
                self.drop(f"In “{shown_selector}”, dropped something that isn't a "
                          "declaration like “color: red;” (a nested rule, or a typo).")
                continue
            if item.type != "declaration":
                self.drop(f"In “{shown_selector}”, dropped a nested rule: work skins can't "
                          "use them.")
                continue
            declaration = self.declaration(item, shown_selector)
            if declaration:
                declarations.append(declaration)
        if not declarations:
            return ""
        return f"{', '.join(dict.fromkeys(selectors))} {{ {' '.join(declarations)} }}"

    def declaration(self, item: ast.Declaration, shown_selector: _Lazy) -> str:
        name = item.lower_name
        shown = _Lazy(lambda: f"{_shown(name)}: {_shown(tinycss2.serialize(item.value).strip())}")
        if name not in PROPERTIES:
            self.drop(f"In “{shown_selector}”, dropped “{shown}”: the property "
                      f"{_shown(name)} is not allowed in work skins.")
            return ""
        try:
            value = _value(name, item.value)
        except _Refused as exc:
            self.drop(f"In “{shown_selector}”, dropped “{shown}”: {exc}.")
            return ""
        if item.important:
            self.drop(f"In “{shown_selector}”, removed !important from “{_shown(name)}”.")
        return f"{name}: {value};"


def filter_css(source: str) -> FilteredCss:
    """The work skin `source` as CSS safe to serve inside the work's page, every rule under
    #workskin, and what was dropped. `source` longer than CSS_MAX is the caller's to refuse
    (works.services does); here it is cut to CSS_MAX."""
    source = (source or "")[:CSS_MAX]
    state = _Filter()
    nodes = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True)
    css = "\n".join(state.rules(nodes))
    # The output is built only from checked pieces and strings are escaped, so this can't
    # happen; it is the last line of defence for the <style> element the skin is served in.
    if "<" in css:
        return FilteredCss("", [*state.messages, "Dropped the whole skin: it held “<”."])
    return FilteredCss(css + "\n" if css else "", state.messages)
