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
# The media categories fandoms are sorted into; a fandom nobody has sorted is "Uncategorized".
MEDIA = [
    "Anime & Manga",
    "Books & Literature",
    "Cartoons & Comics & Graphic Novels",
    "Celebrities & Real People",
    "Movies",
    "Music & Bands",
    "Other Media",
    "Theater",
    "TV Shows",
    "Video Games",
    "Uncategorized Fandoms",
]
UNCATEGORIZED = "Uncategorized Fandoms"
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
    """One tag of any type; see the comments on the wrangling fields for how tags link up."""

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
    # Wrangling: a synonym points at its canonical tag; characters, relationships and
    # freeforms have parent fandoms; canonical tags can have meta tags (a sub tag's works show
    # under its meta tags); fandoms have a media category.
    merger = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="synonyms"
    )
    parents = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="children"
    )
    meta_tags = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="sub_tags"
    )
    media = models.CharField(
        max_length=40, choices=[(m, m) for m in MEDIA], default=UNCATEGORIZED
    )
    uses = models.PositiveIntegerField(default=0, help_text="Works tagged with this tag.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["type", "name"]),
            models.Index(fields=["type", "canonical", "-uses"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = " ".join(self.name.split())
        self.key = tag_key(self.name)
        super().save(*args, **kwargs)

    @property
    def url_name(self) -> str:
        return tag_to_url(self.name)

    @property
    def is_fixed(self) -> bool:
        """Ratings, warnings and categories: chosen from a fixed list, never wrangled."""
        return self.type in FIXED_TYPES

    @property
    def is_unwrangled(self) -> bool:
        """Neither canonical nor a synonym: a wrangler hasn't looked at it yet."""
        return not self.canonical and self.merger_id is None

    @property
    def takes_parents(self) -> bool:
        """Characters, relationships and freeforms belong to parent fandoms."""
        return self.type in PARENTED_TYPES

    @property
    def type_noun(self) -> str:
        """"a character tag", "an additional tag": how sentences name this tag's type."""
        return TYPE_NOUNS[self.type]

    @property
    def status(self) -> str:
        if self.canonical:
            return "Canonical"
        return "Synonym" if self.merger_id else "Unwrangled"


FIXED_TYPES = frozenset({Tag.Type.RATING, Tag.Type.WARNING, Tag.Type.CATEGORY})
PARENTED_TYPES = frozenset({Tag.Type.CHARACTER, Tag.Type.RELATIONSHIP, Tag.Type.FREEFORM})
# How messages name each type, with its article.
TYPE_NOUNS: dict[str, str] = {
    Tag.Type.RATING: "a rating",
    Tag.Type.WARNING: "an archive warning",
    Tag.Type.CATEGORY: "a category",
    Tag.Type.FANDOM: "a fandom tag",
    Tag.Type.RELATIONSHIP: "a relationship tag",
    Tag.Type.CHARACTER: "a character tag",
    Tag.Type.FREEFORM: "an additional tag",
}
# The types authors type freely, in AO3's display order.
USER_TYPES = (Tag.Type.FANDOM, Tag.Type.RELATIONSHIP, Tag.Type.CHARACTER, Tag.Type.FREEFORM)


class WranglingLog(models.Model):
    """Who changed which tag how: every wrangling action leaves a row."""

    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tag = models.ForeignKey(Tag, null=True, on_delete=models.SET_NULL, related_name="log")
    tag_name = models.CharField(max_length=TAG_NAME_MAX)
    action = models.CharField(max_length=40)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.tag_name}"


class TagExclusion(models.Model):
    """A tag a reader keeps out of every listing, search and feed they see (saved
    exclusions): works found under it (synonyms and sub tags included, through the filter
    taggings) are left out. `User.excluded_tag_ids` is a copy the listings read."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                             related_name="tag_exclusions")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"],
                                               name="tag_exclusion_once")]

    def __str__(self) -> str:
        return f"{self.user_id} excludes {self.tag_id}"
