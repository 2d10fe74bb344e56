"""Forms of the bookmarks app: the bookmark form (also for external works) and the bookmark
listings' sort and filter, which extends the works listings' form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from fichive.accounts.models import Pseud, User
from fichive.bookmarks.models import EXTERNAL_TITLE_MAX, NOTES_MAX, URL_MAX
from fichive.bookmarks.selectors import DEFAULT_SORT, SORT_LABELS, SORTS, BookmarkFilters
from fichive.bookmarks.services import BookmarkData, ExternalWorkData
from fichive.tags.models import RATINGS, tag_key
from fichive.tags.services import split_tag_input
from fichive.works import listing
from fichive.works.forms import ServiceErrorsForm

TAG_HELP = "Your own tags for it, separated by commas."


class BookmarkForm(ServiceErrorsForm):
    pseud = forms.ModelChoiceField(
        queryset=Pseud.objects.none(), label="Bookmarker's pseud", empty_label=None,
        error_messages={"invalid_choice": "Choose one of your own pseuds.",
                        "required": "Choose one of your pseuds."},
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), label="Notes",
        help_text=f"Plain text or HTML; up to {NOTES_MAX:,} characters.",
    )
    tags = forms.CharField(required=False, label="Your tags", help_text=TAG_HELP)
    rec = forms.BooleanField(required=False, label="Rec (recommend it to others)")
    private = forms.BooleanField(required=False, label="Private bookmark (only you see it)")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pseud = self.fields["pseud"]
        assert isinstance(pseud, forms.ModelChoiceField)
        pseud.queryset = Pseud.objects.filter(user=user).select_related("user")
        if not self.initial.get("pseud"):
            self.initial["pseud"] = next(
                (p.pk for p in pseud.queryset if p.is_default), None)

    def to_data(self) -> BookmarkData:
        data = self.cleaned_data
        return BookmarkData(notes=data["notes"], tags=split_tag_input(data["tags"]),
                            rec=data["rec"], private=data["private"])


class ExternalBookmarkForm(BookmarkForm):
    """An external work (a story hosted elsewhere) and the bookmark of it."""

    title = forms.CharField(max_length=EXTERNAL_TITLE_MAX,
                            error_messages={"required": "An external work needs a title."})
    creator = forms.CharField(max_length=255, label="Creator",
                              error_messages={"required": "Say who wrote it."})
    url = forms.CharField(max_length=URL_MAX, label="URL",
                          help_text="Its web address, starting with http:// or https://.",
                          error_messages={"required": "Give the story's web address."})
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    fandoms = forms.CharField(required=False, help_text="Separate fandoms with commas.")
    rating = forms.ChoiceField(required=False,
                               choices=[("", "Not given"), *((r, r) for r in RATINGS)])

    field_order = ["url", "title", "creator", "summary", "fandoms", "rating", "pseud",
                   "notes", "tags", "rec", "private"]

    def to_external(self) -> ExternalWorkData:
        data = self.cleaned_data
        return ExternalWorkData(title=data["title"], creator=data["creator"], url=data["url"],
                                summary=data["summary"],
                                fandoms=split_tag_input(data["fandoms"]), rating=data["rating"])


class BookmarkListingForm(listing.ListingForm):
    """The works listings' filters (applied to the bookmarked works) plus the bookmarks' own:
    the bookmarker's tags, recs only, with notes, and the bookmark sorts."""

    sort = forms.ChoiceField(
        required=False, label="Sort by", choices=list(SORT_LABELS.items()),
        error_messages={"invalid_choice": "“%(value)s” is not a sort; choose one of "
                        + ", ".join(SORTS) + "."},
    )
    q = None  # type: ignore[assignment]  # (bookmark listings don't search the text)
    bookmark_include = listing.TagNamesField(required=False,
                                             label="Bookmarker's tags to include")
    bookmark_exclude = listing.TagNamesField(required=False,
                                             label="Bookmarker's tags to exclude")
    rec = forms.BooleanField(required=False, label="Recs only")
    with_notes = forms.BooleanField(required=False, label="Only bookmarks with notes")

    DEFAULTS = {"sort": DEFAULT_SORT, "complete": "all", "crossover": "include"}

    @classmethod
    def from_query(cls, query: QueryDict) -> BookmarkListingForm:
        data = query.copy()
        for name, value in cls.DEFAULTS.items():
            if not data.get(name):
                data[name] = value
        return cls(data)

    def filters(self) -> listing.Filters:
        """The filters on the bookmarked works; call only after is_valid()."""
        data = self.cleaned_data
        include: dict[str, str] = {}
        for name in (*data["include"], *data["rating"], *data["warning"], *data["category"]):
            include.setdefault(tag_key(name), name)
        return listing.Filters(
            sort=listing.DEFAULT_SORT, include=tuple(include.values()),
            exclude=tuple(data["exclude"]), complete=data["complete"] or "all",
            crossover=data["crossover"] or "include", words_from=data["words_from"],
            words_to=data["words_to"], updated_from=data["updated_from"],
            updated_to=data["updated_to"], language=data["language"], page=data["page"] or 1,
            saved_filters=data.get("saved_filters") != "off")

    def bookmark_filters(self) -> BookmarkFilters:
        data = self.cleaned_data
        sort = data["sort"] or DEFAULT_SORT
        return BookmarkFilters(
            sort=sort,
            descending=SORTS[sort][1] if not data["order"] else data["order"] == "desc",
            include=tuple(data["bookmark_include"]), exclude=tuple(data["bookmark_exclude"]),
            rec=data["rec"], with_notes=data["with_notes"], page=data["page"] or 1)

    @property
    def typed_bookmark_include(self) -> str:
        return self._typed("bookmark_include")

    @property
    def typed_bookmark_exclude(self) -> str:
        return self._typed("bookmark_exclude")
