"""Forms for posting and editing works and chapters; they parse input into service arguments."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from fichive.accounts.models import Pseud, User
from fichive.accounts.selectors import pseuds_from_names
from fichive.formats.exporters.txt import html_to_plain
from fichive.gifts.selectors import gift_names_of_work
from fichive.gifts.services import gift_names_parse
from fichive.lib.css import CSS_MAX, filter_css
from fichive.series.models import Series
from fichive.series.selectors import series_choices_for
from fichive.tags.models import CATEGORIES, DEFAULT_RATING, RATINGS, WARNINGS
from fichive.tags.services import split_tag_input
from fichive.works.languages import LANGUAGES
from fichive.works.models import Chapter, Work
from fichive.works.services import ChapterText, WorkMeta

FORMAT_CHOICES = [("html", "HTML (line breaks become paragraphs)"), ("text", "Plain text")]
TAG_HELP = "Separate tags with commas."
# How many of the work skin filter's messages the form and the page after saving show.
SKIN_MESSAGES_SHOWN = 10


class ServiceErrorsForm(forms.Form):
    """A form that shows a service's ValidationError on the matching fields, the rest at the top."""

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for name, messages in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class WorkForm(ServiceErrorsForm):
    title = forms.CharField(
        max_length=255, error_messages={"required": "A work needs a title."}
    )
    creators = forms.ModelMultipleChoiceField(
        queryset=Pseud.objects.none(), widget=forms.CheckboxSelectMultiple,
        label="Creator/Pseud(s)",
        error_messages={"required": "Choose at least one of your pseuds."},
    )
    co_creators = forms.CharField(
        required=False, label="Add co-creators",
        help_text="User names, or “pseud (user name)”, separated by commas. Other users are "
                  "invited: their names appear on the work once they accept.",
    )
    gifts = forms.CharField(
        required=False, label="Gift this work to",
        help_text="User names, “pseud (user name)”, or any other name, separated by commas.",
    )
    series = forms.ModelChoiceField(
        queryset=Series.objects.none(), required=False, label="Add to one of your series",
        empty_label="(not in a series)",
        error_messages={"invalid_choice": "Choose one of your own series for “Add to one of "
                                          "your series”."},
    )
    series_title = forms.CharField(
        required=False, max_length=255, label="Or start a new series",
        help_text="Type a series title: the work becomes its first part.",
        error_messages={"max_length": "The new series title can be at most %(limit_value)d "
                                      "characters long."},
    )
    leave_series = forms.ModelMultipleChoiceField(
        queryset=Series.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Remove from series",
        error_messages={"invalid_choice": "Choose only series the work is part of to remove "
                                          "it from."},
    )
    rating = forms.ChoiceField(choices=[(r, r) for r in RATINGS], initial=DEFAULT_RATING)
    warnings = forms.MultipleChoiceField(
        choices=[(w, w) for w in WARNINGS], widget=forms.CheckboxSelectMultiple,
        label="Archive Warnings",
        error_messages={"required": "Choose at least one archive warning."},
    )
    fandoms = forms.CharField(
        label="Fandoms", help_text=TAG_HELP,
        error_messages={"required": "A work needs at least one fandom."},
    )
    categories = forms.MultipleChoiceField(
        choices=[(c, c) for c in CATEGORIES], widget=forms.CheckboxSelectMultiple, required=False,
    )
    relationships = forms.CharField(required=False, help_text=TAG_HELP)
    characters = forms.CharField(required=False, help_text=TAG_HELP)
    freeforms = forms.CharField(required=False, label="Additional Tags", help_text=TAG_HELP)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Beginning notes"
    )
    end_notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="End notes"
    )
    language = forms.ChoiceField(choices=LANGUAGES, initial="en")
    work_skin = forms.CharField(
        required=False, max_length=CSS_MAX, label="Work skin (CSS)",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false",
                                     "class": "code"}),
        help_text="Styles for this work's text only, e.g. “.chat { font-family: monospace; "
                  "color: #336; }”. Every rule applies inside the work; colours, "
                  "backgrounds (colours and gradients, no images), borders, margins, padding, "
                  "fonts, text and list styles and simple layout are kept, anything else is "
                  "left out. Readers can turn the skin off.",
        error_messages={"max_length": "The work skin can be at most %(limit_value)d "
                                      "characters long (it has %(show_value)d)."},
    )
    restricted = forms.BooleanField(
        required=False, label="Only show to registered users",
    )
    anonymous = forms.BooleanField(
        required=False, label="Post anonymously",
        help_text="Everyone but you and your co-creators sees “Anonymous” as the creator, "
                  "everywhere on the archive; uncheck it later to reveal your name.",
    )
    expected_chapters = forms.IntegerField(
        required=False, min_value=1, label="Expected chapters",
        help_text="Leave blank for a one-shot (shows as 1/1) or if you don't know yet "
                  "(a work of several chapters then shows “?”).",
    )
    comment_permission = forms.ChoiceField(
        choices=Work.CommentPermission.choices, initial=Work.CommentPermission.EVERYONE,
        widget=forms.RadioSelect, label="Who can comment on this work", required=False,
        error_messages={"invalid_choice": "Choose who may comment on the work."},
    )
    moderated_comments = forms.BooleanField(
        required=False, label="Enable comment moderation",
        help_text="New comments wait until you approve them.",
    )
    fmt = forms.ChoiceField(choices=FORMAT_CHOICES, initial="html", label="Text format")

    def __init__(self, *args, user: User, work: Work | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.skin_messages: list[str] = []
        cast(forms.ModelMultipleChoiceField, self.fields["creators"]).queryset = user.pseuds.all()
        cast(forms.ModelChoiceField, self.fields["series"]).queryset = series_choices_for(user)
        in_series = work.series.order_by("title", "id") if work is not None else None
        if in_series is not None and in_series.exists():
            cast(forms.ModelMultipleChoiceField, self.fields["leave_series"]).queryset = in_series
        else:
            del self.fields["leave_series"]
        if not self.is_bound and "creators" not in self.initial:
            self.initial["creators"] = [p.pk for p in user.pseuds.all() if p.is_default]

    def note_invited(self, bylines: list[str]) -> None:
        """Say on the form who was invited and hasn't answered yet (the work doesn't show
        them)."""
        if bylines:
            field = self.fields["co_creators"]
            field.help_text = (f"{field.help_text} Invited, waiting for their answer: "
                               f"{', '.join(bylines)}.")

    def clean_co_creators(self) -> list[Pseud]:
        return pseuds_from_names(self.cleaned_data.get("co_creators", ""))

    def clean_work_skin(self) -> str:
        """The skin as typed (the service filters it again when saving); its filtering's
        messages in `skin_messages`; an error when nothing of it could be kept."""
        source = self.cleaned_data.get("work_skin", "")
        filtered = filter_css(source)
        if not filtered.css and filtered.messages:
            raise ValidationError(["Nothing in the work skin could be kept:",
                                   *filtered.messages[:SKIN_MESSAGES_SHOWN]])
        self.skin_messages = filtered.messages
        return source

    def clean_gifts(self) -> list[str]:
        return gift_names_parse(self.cleaned_data.get("gifts", ""))

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("series") is not None and " ".join(data.get("series_title", "").split()):
            self.add_error("series_title", "Choose one of your series or type a new series "
                                           "title, not both.")
        return data

    def series_choices(self) -> dict:
        """The "Part of a series" answers, as series_services.work_series_set's arguments."""
        data = self.cleaned_data
        return {"join": data.get("series"), "new_title": data.get("series_title", ""),
                "leave": list(data.get("leave_series") or [])}

    def to_meta(self) -> WorkMeta:
        data = self.cleaned_data
        return WorkMeta(
            title=data["title"],
            creators=[*data["creators"], *data["co_creators"]],
            fandoms=split_tag_input(data["fandoms"]),
            rating=data["rating"],
            warnings=data["warnings"],
            categories=data["categories"],
            relationships=split_tag_input(data["relationships"]),
            characters=split_tag_input(data["characters"]),
            freeforms=split_tag_input(data["freeforms"]),
            summary=data["summary"],
            notes=data["notes"],
            end_notes=data["end_notes"],
            language=data["language"],
            restricted=data["restricted"],
            anonymous=data["anonymous"],
            expected_chapters=data["expected_chapters"],
            one_shot_when_blank=True,
            fmt=data["fmt"],
            # Left out of the form (an older client): the work keeps its setting.
            comment_permission=data["comment_permission"] or None,
            moderated_comments=data["moderated_comments"],
            work_skin=data["work_skin"],
        )

    @classmethod
    def initial_for(cls, work: Work, *, user: User) -> dict:
        """The form's initial values for editing `work`: in plain text when its first
        chapter was posted as plain text (the work's fields were typed with it), else the
        stored HTML."""
        own = [c.pseud for c in work.creatorships.all() if c.pseud.user_id == user.pk]
        others = [c.pseud.byline for c in work.creatorships.all() if c.pseud.user_id != user.pk]
        names = {t: ", ".join(tag.name for tag in work.tags_of(t)) for t in
                 ("fandom", "relationship", "character", "freeform")}
        rating = work.rating
        first = work.chapters.only("text_format").first()
        fmt = first.text_format if first else "html"
        return {
            "title": work.title,
            "creators": [p.pk for p in own],
            "co_creators": ", ".join(others),
            "gifts": gift_names_of_work(work),
            "rating": rating.name if rating else DEFAULT_RATING,
            "warnings": [t.name for t in work.tags_of("warning")],
            "categories": [t.name for t in work.tags_of("category")],
            "fandoms": names["fandom"],
            "relationships": names["relationship"],
            "characters": names["character"],
            "freeforms": names["freeform"],
            **_texts_in_format(work, ("summary", "notes", "end_notes"), fmt=fmt),
            "language": work.language,
            "restricted": work.restricted,
            "anonymous": work.anonymous,
            "expected_chapters": work.expected_chapters,
            "comment_permission": work.comment_permission,
            "moderated_comments": work.moderated_comments,
            "work_skin": work.work_skin,
            "fmt": fmt,
        }


def _texts_in_format(obj: Work | Chapter, names: tuple[str, ...], *, fmt: str) -> dict:
    """Stored HTML fields as the form shows them: as they are, or as plain text (paragraphs
    parted by blank lines) when the author writes in plain text."""
    if fmt != "text":
        return {name: getattr(obj, name) for name in names}
    return {name: html_to_plain(getattr(obj, name)) for name in names}


class ChapterForm(ServiceErrorsForm):
    title = forms.CharField(max_length=255, required=False, label="Chapter title")
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Chapter summary"
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Chapter beginning notes"
    )
    content = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18}), label="Chapter text",
        error_messages={"required": "The chapter has no text."},
    )
    end_notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Chapter end notes"
    )
    fmt = forms.ChoiceField(choices=FORMAT_CHOICES, initial="html", label="Text format")

    def to_text(self) -> ChapterText:
        data = self.cleaned_data
        return ChapterText(
            content=data["content"], title=data["title"], summary=data["summary"],
            notes=data["notes"], end_notes=data["end_notes"], fmt=data["fmt"],
        )

    @staticmethod
    def initial_for(chapter: Chapter) -> dict:
        """The form's initial values for editing `chapter`: as the author wrote it, plain
        text (the typed text kept when it was posted) or HTML."""
        fmt = chapter.text_format if chapter.text_format == "text" else "html"
        content = chapter.content
        if fmt == "text":
            content = chapter.source_text or html_to_plain(chapter.content)
        return {"title": chapter.title, "content": content, "fmt": fmt,
                **_texts_in_format(chapter, ("summary", "notes", "end_notes"), fmt=fmt)}


class NewWorkChapterForm(ChapterForm):
    """The first chapter on the new-work form: a title and the text (notes live on the work)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "chapter")
        super().__init__(*args, **kwargs)
        for name in ("summary", "notes", "end_notes", "fmt"):
            del self.fields[name]

    def to_text(self, *, fmt: str = "html") -> ChapterText:
        data = self.cleaned_data
        return ChapterText(content=data["content"], title=data["title"], fmt=fmt)


class OrphanForm(forms.Form):
    """The orphaning confirmation's one choice: take the name off too, or keep it as a byline."""

    KEEP_CHOICES = [
        ("remove", "Remove my name: the byline becomes “orphan_account”"),
        ("keep", "Keep my pseud's name as the byline (held by orphan_account, with no link "
                 "to my account)"),
    ]
    name = forms.ChoiceField(
        choices=KEEP_CHOICES, widget=forms.RadioSelect, initial="remove",
        label="Your name on the orphaned work",
        error_messages={"required": "Choose whether your name stays on the orphaned work.",
                        "invalid_choice": "Choose whether your name stays on the orphaned "
                                          "work."},
    )

    @property
    def keep_pseud_name(self) -> bool:
        return self.cleaned_data["name"] == "keep"
