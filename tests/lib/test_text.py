"""lib/text.py: one-line text as stored (titles, names, tag names)."""

from __future__ import annotations

from fichive.lib.text import one_line


def test_one_line_collapses_whitespace_and_leaves_out_what_xml_cant_hold():
    assert one_line("  Two\t\nwords\x0b\x0cand\x1c more  ") == "Two words and more"
    assert one_line("Nul\x00 bell\x07 escape\x1b del\x7f") == "Nul bell escape del"
    assert one_line("lone \ud800 surrogate \ufffe\uffff") == "lone surrogate"
    assert one_line(None) == ""
    assert one_line("Ünïcode — “quotes” 漢字") == "Ünïcode — “quotes” 漢字"
