"""The work skin filter (lib/css.py) against hostile stylesheets: what it keeps is scoped
under #workskin, and nothing that loads, escapes the work or closes the <style> survives."""

from __future__ import annotations

import re

import pytest

from fichive.lib.css import CSS_MAX, filter_css


def kept(source: str) -> str:
    return filter_css(source).css


def rules(css: str) -> list[tuple[list[str], str]]:
    """(selectors, declarations) of each rule outside @media."""
    found = []
    for match in re.finditer(r"^([^@\n{}][^{}\n]*)\{([^}]*)\}", css, re.MULTILINE):
        found.append(([s.strip() for s in match.group(1).split(",")], match.group(2).strip()))
    return found


def assert_scoped(css: str) -> None:
    for selectors, _declarations in rules(css):
        for selector in selectors:
            assert selector.startswith("#workskin"), selector
            # Nothing climbs out to the work's siblings.
            assert not re.match(r"#workskin[^ ]*\s*[~+]", selector), selector


# --- What a chat-log skin needs is kept ----------------------------------------------------


def test_an_ordinary_chat_skin_is_kept_under_workskin():
    result = filter_css("""
        .chat { font-family: "Courier New", monospace; color: #336; background-color: #eef;
                border: 1px solid rgb(0, 0, 80); padding: 0.5em 1em; border-radius: 4px; }
        .chat p.name::before { content: "> "; font-weight: bold; }
        p.text:nth-child(odd) { text-align: right; margin: 0 0 1em auto; max-width: 80%; }
    """)
    assert result.messages == []
    assert '#workskin .chat { font-family: "Courier New", monospace; color: #336;' in result.css
    assert "border: 1px solid rgba(0, 0, 80, 1);" in result.css
    assert '#workskin .chat p.name::before { content: "\\3e  "; font-weight: bold; }' \
        in result.css
    assert "#workskin p.text:nth-child(2n+1)" in result.css
    assert_scoped(result.css)


def test_filtering_what_was_kept_keeps_it_as_it_is():
    first = kept("""
        body { color: #222 } html body .a > .b + .c ~ .d, :root .e { margin: 1em auto }
        .f::after { content: "</style>'\\"é" } a[lang|=en i] { text-decoration: underline }
        @media (max-width: 40em) { .chat { font-size: 90%; } }
        .g { background: linear-gradient(to right, red 10%, #0f0), rgba(0,0,0,.5) }
        .h:not(.i, .j) { font: italic bold 12px/1.5 Georgia, serif; opacity: .5 }
    """)
    again = filter_css(first)
    assert again.css == first
    assert again.messages == []


def test_media_rules_are_kept_and_scoped():
    css = kept("@media screen and (max-width: 40em) { body { color: blue } .chat p { "
               "font-size: 90% } }")
    assert css == ("@media screen and (max-width: 40em) {\n  #workskin { color: blue; }\n"
                   "  #workskin .chat p { font-size: 90%; }\n}\n")


# --- Selectors can't reach outside the work ------------------------------------------------


@pytest.mark.parametrize(("selector", "scoped"), [
    ("body", "#workskin"),
    ("html", "#workskin"),
    (":root", "#workskin"),
    ("html body p", "#workskin p"),
    ("body > p", "#workskin > p"),
    ("*", "#workskin *"),
    ("p", "#workskin p"),
    ("#workskin p", "#workskin p"),
    ("#workskin > p", "#workskin > p"),
    ("#workskin ~ *", "#workskin #workskin ~ *"),
    ("#workskin + div", "#workskin #workskin + div"),
    ("body ~ footer", "#workskin #workskin ~ footer"),
    (":root ~ *", "#workskin #workskin ~ *"),
    ("#header", "#workskin #header"),
    ("header nav a", "#workskin header nav a"),
])
def test_selectors_are_scoped_under_workskin(selector, scoped):
    assert kept(f"{selector} {{ color: red }}") == f"{scoped} {{ color: red; }}\n"


@pytest.mark.parametrize("selector", [
    "p:has(a)",  # relational pseudo-classes: not on the list
    "a:visited",
    "p body",  # the page's root inside the work
    "p::-moz-selection",
    "p || q",
    "p:nth-child(foo)",
    "$p",
])
def test_selectors_off_the_list_are_dropped_with_a_message(selector):
    result = filter_css(f"{selector} {{ color: red }} .ok {{ color: blue }}")
    assert result.css == "#workskin .ok { color: blue; }\n"
    assert any("Dropped the selector" in m for m in result.messages)


def test_one_bad_selector_leaves_the_others_of_its_rule():
    result = filter_css("p:has(a), .line { color: red }")
    assert result.css == "#workskin .line { color: red; }\n"


# --- Nothing loads from anywhere ------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "url(http://evil.example/pixel.png)",
    "url('//evil.example/pixel.png')",
    "url(/static/x.png)",
    'url("data:image/png;base64,AAAA")',
    "#fff url(https://evil.example/bg.png) no-repeat",
    "u\\rl(http://evil.example/a.png)",
    "\\75 rl(http://evil.example/a.png)",
    "\\000075rl(http://evil.example/a.png)",
    "U\\52L(http://evil.example/a.png)",
    "image-set(url(a.png) 1x)",
    "-webkit-image-set('a.png' 1x)",
])
def test_no_url_of_any_kind_survives(value):
    result = filter_css(f".a {{ background: {value}; color: red }} "
                        f".b {{ background-image: {value} }} .c {{ list-style: {value} }}")
    assert "url" not in result.css.lower()
    assert "evil" not in result.css
    assert "image-set" not in result.css
    assert result.css == "#workskin .a { color: red; }\n"
    assert len(result.messages) == 3


@pytest.mark.parametrize("rule", [
    "@import url(http://evil.example/x.css);",
    '@import "x.css";',
    "@\\69mport url(http://evil.example/x.css);",
    "@font-face { font-family: x; src: url(http://evil.example/x.woff) }",
    "@namespace svg url(http://www.w3.org/2000/svg);",
    "@keyframes spin { from { color: red } to { color: blue } }",
    "@supports (display: grid) { body { display: grid } }",
    "@charset 'utf-8';",
    "@page { margin: 0 }",
    "@layer base { p { color: red } }",
    "@media print { @media screen { p { color: red } } }",
])
def test_at_rules_other_than_media_are_dropped(rule):
    result = filter_css(rule + " .kept { color: green }")
    assert result.css == "#workskin .kept { color: green; }\n"
    assert any(m.startswith("Dropped @") for m in result.messages)


# --- Script, bindings and escapes ---------------------------------------------------------


@pytest.mark.parametrize("declaration", [
    "width: expression(alert(1))",
    "width: \\65xpression(alert(1))",
    "width: \\65 xpression(alert(1))",
    "width: e\\78 pression(alert(1))",
    "width: ex/**/pression(alert(1))",
    "behavior: url(x.htc)",
    "beh\\61vior: url(x.htc)",
    "-moz-binding: url(http://evil.example/x.xml#x)",
    "color: javascript:alert(1)",
    "background: javascript:alert(1)",
    "font-family: javascript:alert(1)",
    "width: calc(100% - 1px)",
    "color: var(--c)",
    "--c: red",
    "content: attr(title)",
    "content: url(x)",
])
def test_script_bindings_and_their_escapes_are_refused(declaration):
    result = filter_css(f"p {{ {declaration}; color: blue }}")
    assert result.css == "#workskin p { color: blue; }\n"
    assert len(result.messages) == 1
    for word in ("expression", "behavior", "binding", "javascript", "calc", "var", "attr"):
        assert word not in result.css


@pytest.mark.parametrize("source", [
    '.a::before { content: "</style><script>alert(1)</script>" }',
    ".a::before { content: '<\\/style><img src=x onerror=alert(1)>' }",
    '.a::before { content: "\\3c /style>" }',
    "/* </style><script>alert(1)</script> */ .a { color: red }",
    ".a { color: red } </style><script>alert(1)</script>",
    ".a { font-family: '</style>' }",
    "a[title='</style><script>'] { color: red }",
    '.a { color: red; } /* unclosed </style>',
    "<!-- .a { color: red } -->",
])
def test_nothing_can_close_the_style_element(source):
    css = kept(source)
    assert "<" not in css
    assert "script" not in css or '"' in css  # only ever as escaped text inside a string
    assert "</style" not in css.lower()


def test_strings_keep_their_text_as_escapes():
    css = kept('.a::before { content: "</style> \\"é\\" \\\\" }')
    assert css == ('#workskin .a::before { content: "\\3c \\2f style\\3e  \\22 \\e9 \\22  '
                   '\\5c "; }\n')


# --- Values off the list ------------------------------------------------------------------


@pytest.mark.parametrize(("declaration", "why"), [
    ("position: fixed", "position can only be relative or static"),
    ("position: absolute", "position can only be relative or static"),
    ("position: sticky", "position can only be relative or static"),
    ("position: \\66ixed", "position can only be relative or static"),
    ("z-index: 9999", "the property z-index is not allowed"),
    ("margin-top: -500px", "can't be negative"),
    ("margin: 0 0 0 -100vw", "can't be negative"),
    ("top: -40px", "can't be negative"),
    ("transform: translateY(-100vh)", "the property transform is not allowed"),
    ("display: grid", "“grid” is not a value display can take"),
    ("width: 100quux", "the unit “quux” is not allowed"),
    ("color: notacolour", "“notacolour” is not a value color can take"),
    ("cursor: url(x), auto", "the property cursor is not allowed"),
    ("pointer-events: none", "the property pointer-events is not allowed"),
])
def test_values_off_the_list_are_dropped_with_a_reason(declaration, why):
    result = filter_css(f".overlay {{ {declaration}; width: 100%; height: 100vh }}")
    assert result.css == "#workskin .overlay { width: 100%; height: 100vh; }\n"
    assert len(result.messages) == 1
    assert why in result.messages[0]


def test_a_full_page_overlay_loses_what_would_cover_the_page():
    css = kept(".overlay { position: fixed; top: 0; left: 0; width: 100vw; height: 100vh; "
               "z-index: 10000; background: white; }")
    assert "fixed" not in css
    assert "z-index" not in css
    assert css == ("#workskin .overlay { top: 0; left: 0; width: 100vw; height: 100vh; "
                   "background: white; }\n")


def test_important_is_removed_and_said():
    result = filter_css("p { color: red !important; margin: 0 ! IMPORTANT }")
    assert result.css == "#workskin p { color: red; margin: 0; }\n"
    assert result.messages == ["In “p”, removed !important from “color”.",
                               "In “p”, removed !important from “margin”."]


def test_negative_text_indent_for_hanging_lines_is_kept():
    assert kept(".line { padding-left: 2em; text-indent: -2em }") == \
        "#workskin .line { padding-left: 2em; text-indent: -2em; }\n"


def test_nested_rules_and_junk_are_dropped():
    result = filter_css("p { color: red; & span { color: blue } } }}} garbage { .a { b } "
                        ".ok { color: green }")
    assert "blue" not in result.css
    assert "#workskin p { color: red; }" in result.css
    assert result.messages


def test_comments_hide_nothing():
    css = kept("p { co/**/lor: red; color: /* blue */ green } /* .x { color: red } */")
    assert css == "#workskin p { color: green; }\n"


def test_an_empty_or_comment_only_skin_is_empty_without_messages():
    assert filter_css("").css == ""
    assert filter_css("  /* nothing yet */  ").css == ""
    assert filter_css("  /* nothing yet */  ").messages == []


def test_input_is_cut_at_the_limit():
    rule = ".a { color: red }\n"
    css = kept(rule * (CSS_MAX // len(rule) + 50))
    assert css.count("#workskin .a") == CSS_MAX // len(rule)


def test_the_sites_own_class_names_match_the_works_renamed_html_and_the_sites_elements():
    """`.notice` in a skin styles the author's `class="notice"`, which the sanitizer renames
    `ws-notice` (lib/sanitize.py), and, inside #workskin only, the archive's own `.notice`
    elements: AO3-style skins address `#workskin .userstuff`, the chapter text's container."""
    from fichive.lib.sanitize import sanitize_html

    css = kept(".notice { color: red; } p.flash.mine:not(.error) { color: blue; }"
               " .userstuff p { margin: 0; }")
    assert "#workskin :is(.notice, .ws-notice) { color: red; }" in css
    assert ("#workskin p:is(.flash, .ws-flash).mine:not(:is(.error, .ws-error))"
            " { color: blue; }") in css
    assert "#workskin :is(.userstuff, .ws-userstuff) p { margin: 0; }" in css
    assert sanitize_html('<p class="notice">x</p>') == '<p class="ws-notice">x</p>'
