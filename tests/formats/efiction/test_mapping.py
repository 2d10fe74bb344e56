"""The default mapping guessed from an archive's own names."""

from __future__ import annotations

import pytest

from fichive.formats.importers.efiction.mapping import (
    class_default,
    fandom_default,
    rating_default,
)


@pytest.mark.parametrize(("name", "rating"), [
    ("G", "General Audiences"), ("K", "General Audiences"), ("All Ages", "General Audiences"),
    ("PG", "Teen And Up Audiences"), ("PG-13", "Teen And Up Audiences"),
    ("K+", "Teen And Up Audiences"), ("T", "Teen And Up Audiences"),
    ("Teen", "Teen And Up Audiences"), ("R", "Mature"), ("M", "Mature"),
    ("NC-17", "Explicit"), ("MA", "Explicit"), ("Adult", "Explicit"), ("X", "Explicit"),
    ("Not Rated", "Not Rated"), ("Whatever", "Not Rated"),
])
def test_rating_names(name, rating):
    assert rating_default(name) == rating


@pytest.mark.parametrize(("name", "tags"), [
    ("Character Death", [("warning", "Major Character Death")]),
    ("Graphic Violence", [("warning", "Graphic Depictions Of Violence")]),
    ("Non-Con", [("warning", "Rape/Non-Con")]),
    ("Underage", [("warning", "Underage Sex")]),
    ("None", [("warning", "No Archive Warnings Apply")]),
    ("Het", [("category", "F/M")]), ("Slash", [("category", "M/M")]),
    ("Femslash", [("category", "F/F")]), ("Gen", [("category", "Gen")]),
    ("Hurt/Comfort", [("freeform", "Hurt/Comfort")]),
    ("  Alternate   Universe ", [("freeform", "Alternate Universe")]),
])
def test_class_names(name, tags):
    assert class_default(name) == tags


def test_original_fiction_categories():
    assert fandom_default("Original Fiction") == "Original Work"
    assert fandom_default("Naruto") == "Naruto"
