"""Works, their chapters and creators."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from fichive.accounts.models import Pseud
from fichive.lib.sanitize import current_sanitizer_version
from fichive.tags.models import Tag
from fichive.works.languages import LANGUAGE_NAMES, LANGUAGES

# AO3's limits.
TITLE_MAX = 255
SUMMARY_MAX = 1250
NOTES_MAX = 5000
CHAPTER_MAX = 510_000
USER_TAGS_MAX = 75


class Work(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        POSTED = "posted", "Posted"
        # Hidden by a moderator (the moderation app): a posted work taken off every surface
        # for everyone but its creators and moderators (works.selectors), counts included.
        # Being its own state, everything that lists or counts posted works leaves it out.
        HIDDEN = "hidden", "Hidden by a moderator"

    class CommentPermission(models.TextChoices):
        """Who may comment on the work (AO3's per-work setting)."""

        EVERYONE = "everyone", "Registered users and guests can comment"
        USERS = "users", "Only registered users can comment"
        NONE = "none", "No one can comment"

    title = models.CharField(max_length=TITLE_MAX)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    end_notes = models.TextField(blank=True)
    language = models.CharField(max_length=8, choices=LANGUAGES, default="en")
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    restricted = models.BooleanField(default=False, help_text="Only logged-in users may see it.")
    expected_chapters = models.PositiveIntegerField(null=True, blank=True)
    complete = models.BooleanField(default=False)
    word_count = models.PositiveIntegerField(default=0)
    chapter_count = models.PositiveIntegerField(default=0)
    published = models.DateField(null=True, blank=True)
    updated = models.DateField(null=True, blank=True)
    crossover = models.BooleanField(default=False, help_text="Tagged with unrelated fandoms.")
    # Sort keys kept in step by the services: the title without a leading article, lowercased,
    # and the first creator's name, lowercased.
    sort_title = models.CharField(max_length=TITLE_MAX, blank=True, db_index=True)
    sort_creator = models.CharField(max_length=40, blank=True, db_index=True)
    # Engagement counters (kept by the engagement app once it exists; zero until then).
    # Whatever changes kudos_count (like state, restricted and updated) must call
    # filter_taggings_refresh: filter taggings carry a copy for tag listings.
    hits = models.PositiveIntegerField(default=0)
    kudos_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)
    bookmarks_count = models.PositiveIntegerField(default=0)
    # Comment settings (the comments app enforces them): who may comment, and whether new
    # comments wait for a creator's approval.
    comment_permission = models.CharField(
        max_length=8, choices=CommentPermission.choices, default=CommentPermission.EVERYONE)
    moderated_comments = models.BooleanField(default=False)
    # Where an imported work came from (the archivist API finds earlier imports by it).
    source_url = models.URLField(max_length=500, blank=True, db_index=True)
    # Posted anonymously: every surface but the creators' own shows "Anonymous" for them.
    anonymous = models.BooleanField(default=False)
    # An import by someone who is not the story's creator: the creator's name as the source
    # gave it ("by X, posted to this archive by Y"); blank for the creators' own works.
    imported_creator = models.CharField(max_length=255, blank=True)
    source_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Why a moderator hid the work (state HIDDEN), shown to its creators.
    hidden_reason = models.TextField(blank=True)
    # The author's work skin: CSS already filtered by lib/css.py and scoped to the work's
    # text; empty for none.
    work_skin = models.TextField(blank=True)
    # The allowlist its HTML was last cleaned with (lib/sanitize.py SANITIZER_VERSION): rows
    # with an older one are cleaned again by `fichive resanitize`.
    sanitizer_version = models.PositiveSmallIntegerField(default=current_sanitizer_version,
                                                         editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    creators: models.ManyToManyField[Pseud, Creatorship] = models.ManyToManyField(
        Pseud, through="Creatorship", related_name="works"
    )
    tags: models.ManyToManyField[Tag, Tagging] = models.ManyToManyField(
        Tag, through="Tagging", related_name="works"
    )
    filter_tags: models.ManyToManyField[Tag, FilterTagging] = models.ManyToManyField(
        Tag, through="FilterTagging", related_name="filtered_works"
    )

    class Meta:
        # One index per listing sort, on posted works only, walked in either direction; the
        # state and restricted flag ride along so counting what a visitor may see reads only
        # the index (SQLite doesn't count a partial index's condition as covered).
        # (No index leads with state: SQLite, without statistics, would take `state = ...`
        # for a selective condition and scan every posted work instead of a tag's works.)
        indexes = [
            models.Index(fields=[column, "id", "restricted", "state"], condition=Q(state="posted"),
                         name=f"work_posted_by_{name}")
            for name, column in [
                ("updated", "updated"), ("published", "published"), ("title", "sort_title"),
                ("creator", "sort_creator"), ("words", "word_count"), ("hits", "hits"),
                ("kudos", "kudos_count"), ("comments", "comments_count"),
                ("bookmarks", "bookmarks_count"),
            ]
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("works:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_hidden(self) -> bool:
        return self.state == self.State.HIDDEN

    @property
    def source_link(self) -> str:
        """The address the work was imported from, when it is safe to link (http or https)."""
        url = self.source_url or ""
        return url if url.split(":", 1)[0].lower() in ("http", "https") else ""

    @property
    def is_multichapter(self) -> bool:
        return self.chapter_count > 1 or (self.expected_chapters or 1) > 1

    @property
    def chapters_display(self) -> str:
        """AO3's "posted/expected" chapter count, "3/?" when the total is unknown."""
        expected = "?" if self.expected_chapters is None else str(self.expected_chapters)
        return f"{self.chapter_count}/{expected}"

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language)

    def tags_of(self, tag_type: str) -> list[Tag]:
        """Tags of one type in the order the author typed them, using prefetched `tags`
        (selectors.with_blurb_data reads their positions) when present."""
        cached = getattr(self, "_prefetched_objects_cache", {})
        tags = cached["tags"] if "tags" in cached else tags_with_position(self.tags.all())
        return sorted((tag for tag in tags if tag.type == tag_type),
                      key=lambda t: (getattr(t, "tagging_position", 0), t.name))

    @property
    def rating(self) -> Tag | None:
        ratings = self.tags_of(Tag.Type.RATING)
        return ratings[0] if ratings else None

    def is_created_by(self, user: object) -> bool:
        """Whether `user` is one of the creators, from prefetched creatorships when present."""
        user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
        return user_id is not None and any(
            c.pseud.user_id == user_id for c in self.creatorships.all())

    def pseuds(self) -> list[Pseud]:
        """Creators in byline order, using prefetched creatorships when present."""
        return [c.pseud for c in sorted(self.creatorships.all(), key=lambda c: c.position)]

    def shown_pseuds(self) -> list[Pseud]:
        """The creators every surface shows: none for an anonymous work (its byline reads
        "Anonymous"); only the creators' own pages show them their names (byline tag)."""
        return [] if self.anonymous else self.pseuds()


def tags_with_position(tags: models.QuerySet[Tag]) -> models.QuerySet[Tag]:
    """A work's tags (`work.tags`, or the queryset prefetching them) with each one's position
    on the work as `tagging_position`: the join to the tagging table is the one the
    many-to-many relation makes already, so this costs no query and no join."""
    column = f"{Tagging._meta.db_table}.position"
    return tags.extra(select={"tagging_position": column})  # noqa: S610 (a fixed column name)


class Creatorship(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="creatorships")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="creatorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work", "pseud"], name="creatorship_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pseud_id} on {self.work_id}"


class CreatorInvitation(models.Model):
    """An invitation to be a work's co-creator: the pseud appears on the work (a Creatorship)
    only once its user accepts; a declined invitation is deleted."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="creator_invitations")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="creator_invitations")
    invited_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work", "pseud"], name="creator_invitation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pseud_id} invited to {self.work_id}"


class Tagging(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="taggings")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="taggings")
    # The order the author typed the tags in (per work, across types).
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "tag"], name="tagging_unique")]
        indexes = [models.Index(fields=["tag", "work"])]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.work_id}"


class FilterTagging(models.Model):
    """The tags a work is found under: its own tags with synonyms resolved to their canonical
    tag, plus every meta tag above them. Unwrangled tags stand for themselves.

    Listings filter and count facets on this table alone; services rebuild a work's rows
    whenever its tags or the wrangling of those tags change.

    Each row also carries copies of what a tag's listing needs from its work: whether it is
    listed (posted), restricted, and the keys of the most used sorts (date updated, the
    default, and kudos). With them a tag's page is a range of one index, already in sort
    order, and counting what a visitor may see under a tag reads only that index.
    `filter_taggings_refresh` (filter_tags.py) keeps the copies in step; every service that
    changes a work's state, restriction, update date or kudos count calls it.
    """

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="filter_taggings")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="filter_taggings")
    # Copies of the work's fields (see above).
    listed = models.BooleanField(default=False)
    restricted = models.BooleanField(default=False)
    updated = models.DateField(null=True, blank=True)
    kudos_count = models.PositiveIntegerField(default=0)

    # Listing sorts (Work fields) that have an index here.
    SORTED_BY = ("updated", "kudos_count")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work", "tag"], name="filter_tagging_unique"),
        ]
        # Per sort: a tag's listed works in sort order (ties by work id, as listings break
        # them), with the restricted flag riding along so a guest's page and count read only
        # the index.
        indexes = [
            models.Index(fields=["tag", "work"]),
            models.Index(fields=["tag", "updated", "work", "listed", "restricted"],
                         name="filter_tagging_by_updated"),
            models.Index(fields=["tag", "kudos_count", "work", "listed", "restricted"],
                         name="filter_tagging_by_kudos"),
        ]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.work_id}"


class Chapter(models.Model):
    # On SQLite the search index reads the text straight from this table (a view and triggers
    # on works_chapter): a migration that remakes the table (most field changes) runs
    # search.backends.sqlite.chapter_index_detach before it and chapter_index_attach after.
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX, blank=True)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    end_notes = models.TextField(blank=True)
    content = models.TextField()
    # How the author wrote the text: "html" (or rich text), or "text" (plain text, turned into
    # `content` by the importers' text function and kept as written in `source_text` so
    # editing shows it as the author wrote it).
    text_format = models.CharField(max_length=8, default="html")
    source_text = models.TextField(blank=True)
    # The allowlist its HTML was last cleaned with (lib/sanitize.py SANITIZER_VERSION): rows
    # with an older one are cleaned again by `fichive resanitize`.
    sanitizer_version = models.PositiveSmallIntegerField(default=current_sanitizer_version,
                                                         editable=False)
    word_count = models.PositiveIntegerField(default=0)
    published = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position"]
        # One chapter per place in a work (its index also serves the work's chapter list).
        # Services that move chapters go through positions no chapter holds (works/services.py
        # chapters_reorder), so the check can stay immediate on SQLite and PostgreSQL alike.
        constraints = [models.UniqueConstraint(fields=["work", "position"],
                                               name="chapter_position_unique")]

    def __str__(self) -> str:
        return self.full_title

    def get_absolute_url(self) -> str:
        return reverse("works:chapter", args=[self.work_id, self.pk])

    @property
    def full_title(self) -> str:
        """AO3's chapter heading: "Chapter 2: The Storm" or just "Chapter 2"."""
        heading = f"Chapter {self.position}"
        return f"{heading}: {self.title}" if self.title else heading
