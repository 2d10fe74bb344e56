"""The single tag table every tag type lives in, so wrangling can link any tag to any other."""

from __future__ import annotations

from django.db import models

# AO3's fixed tags, in AO3's display order.
RATINGS = [
    "Not Rated",
    "General Audiences",
    "Teen And Up Audiences",
    "Mature",
    "Explicit",
]
WARNINGS = [
    "Creator Chose Not To Use Archive Warnings",
    "Graphic Depictions Of Violence",
    "Major Character Death",
    "No Archive Warnings Apply",
    "Rape/Non-Con",
    "Underage Sex",
]
CATEGORIES = ["F/F", "F/M", "Gen", "M/M", "Multi", "Other"]
DEFAULT_RATING = "Not Rated"
DEFAULT_WARNING = "Creator Chose Not To Use Archive Warnings"
TAG_NAME_MAX = 150

# Tag URL escaping as AO3 does it: characters that cannot sit in a path segment.
_URL_ESCAPES = [("*", "*x*"), ("/", "*s*"), ("&", "*a*"), (".", "*d*"), ("?", "*q*"), ("#", "*h*")]


def tag_to_url(name: str) -> str:
    for char, code in _URL_ESCAPES:
        name = name.replace(char, code)
    return name


def tag_from_url(segment: str) -> str:
    for char, code in reversed(_URL_ESCAPES):
        segment = segment.replace(code, char)
    return segment


def tag_key(name: str) -> str:
    """The case- and space-insensitive identity of a tag name."""
    return " ".join(name.split()).casefold()


class Tag(models.Model):
    class Type(models.TextChoices):
        RATING = "rating", "Rating"
        WARNING = "warning", "Archive Warning"
        CATEGORY = "category", "Category"
        FANDOM = "fandom", "Fandom"
        RELATIONSHIP = "relationship", "Relationship"
        CHARACTER = "character", "Character"
        FREEFORM = "freeform", "Additional Tags"

    type = models.CharField(max_length=16, choices=Type.choices)
    name = models.CharField(max_length=TAG_NAME_MAX)
    key = models.CharField(max_length=TAG_NAME_MAX, unique=True, editable=False)
    canonical = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["type", "name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = " ".join(self.name.split())
        self.key = tag_key(self.name)
        super().save(*args, **kwargs)

    @property
    def url_name(self) -> str:
        return tag_to_url(self.name)
