"""Accounts: the archive's users and their pseuds (the names shown on works)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

from fichive.lib.sanitize import current_sanitizer_version

USERNAME_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_]{2,39}$",
    "Use 3 to 40 letters, digits or underscores, starting with a letter or digit.",
)
PSEUD_VALIDATOR = RegexValidator(
    r"^[\w][\w .\-]{0,39}$",
    "Use up to 40 letters, digits, spaces, dots, hyphens or underscores.",
)


class CaseInsensitiveUserManager(UserManager["User"]):
    """User names are unique regardless of case, so log-in finds them regardless of case."""

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username)


class User(AbstractUser):
    """An account. `username` is the login and the URL name (/users/<username>)."""

    username = models.CharField(
        max_length=40,
        unique=True,
        validators=[USERNAME_VALIDATOR],
        error_messages={"unique": "That user name is taken."},
    )
    email = models.EmailField(blank=True)
    is_wrangler = models.BooleanField(
        default=False, help_text="May wrangle tags: make them canonical, synonyms, sub tags."
    )
    is_archivist = models.BooleanField(
        default=False,
        help_text="May import works for authors who aren't on the archive yet (AO3's "
                  "archivist API, /api/v2/works); they can claim them by email.")
    claimed = models.BooleanField(
        default=True,
        help_text="False for accounts made for an imported archive's authors until they claim "
                  "them by email; unclaimed accounts can't log in.",
    )

    # The profile's "About me" (sanitized HTML).
    about_me = models.TextField(blank=True)
    # The allowlist its HTML was last cleaned with (lib/sanitize.py SANITIZER_VERSION): rows
    # with an older one are cleaned again by `fichive resanitize`.
    sanitizer_version = models.PositiveSmallIntegerField(default=current_sanitizer_version,
                                                         editable=False)

    # Moderation (the moderation app): moderators work the reports queue; a suspended user
    # can read but not post, comment, bookmark or report until `suspended_until`; a banned
    # user can't log in. The reasons are shown to them when they try.
    is_moderator = models.BooleanField(
        default=False, help_text="May work the reports queue: hide works, suspend users.")
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)
    banned = models.BooleanField(default=False)
    ban_reason = models.TextField(blank=True)
    # Copies kept by the services, read by every listing without a query: the ids of the
    # users this user mutes (blocking.services keeps it in step with Mute rows) and of the
    # tags they keep out of every listing (saved exclusions, tags.TagExclusion rows).
    muted_ids = models.JSONField(default=list, blank=True)
    excluded_tag_ids = models.JSONField(default=list, blank=True)

    objects: ClassVar[CaseInsensitiveUserManager] = CaseInsensitiveUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def can_wrangle(self) -> bool:
        """Wranglers, and admins (who are wranglers without being granted the role)."""
        return self.is_wrangler or self.is_staff or self.is_superuser

    @property
    def is_admin(self) -> bool:
        return self.is_staff or self.is_superuser

    @property
    def can_moderate(self) -> bool:
        """Moderators, and admins (who are moderators without being granted the role)."""
        return self.is_moderator or self.is_staff or self.is_superuser

    @property
    def is_suspended(self) -> bool:
        """Suspended now: may read, may not post, comment, bookmark or report."""
        from django.utils import timezone

        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def default_pseud(self) -> Pseud:
        return self.pseuds.get(is_default=True)


class Pseud(models.Model):
    """A name a user writes under; every user has one default pseud named like the account."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pseuds")
    name = models.CharField(max_length=40, validators=[PSEUD_VALIDATOR])
    description = models.TextField(blank=True)
    # The allowlist its HTML was last cleaned with (lib/sanitize.py SANITIZER_VERSION): rows
    # with an older one are cleaned again by `fichive resanitize`.
    sanitizer_version = models.PositiveSmallIntegerField(default=current_sanitizer_version,
                                                         editable=False)
    # The text an icon would show (AO3's icon alt text); Fichive keeps no images.
    icon_text = models.CharField(max_length=250, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "user", name="pseud_name_per_user_unique"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="pseud_one_default_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.byline

    @property
    def byline(self) -> str:
        """AO3's byline form: "pseud (username)" when the pseud differs from the login."""
        if self.name.lower() == self.user.username.lower():
            return self.name
        return f"{self.name} ({self.user.username})"


class Preference(models.Model):
    """A user's preferences (AO3's "Preferences" page): one row per user, made on first use
    (`preferences_of`). Each switch defaults to what a new AO3 account has."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="preference")
    # History (readings app): False pauses it; nothing new is recorded.
    history_enabled = models.BooleanField(default=True)
    # Mail (inbox app): which events also arrive by email; the inbox always gets them.
    email_comments = models.BooleanField(
        default=True, help_text="Comments on my works.")
    email_replies = models.BooleanField(
        default=True, help_text="Replies to my comments.")
    email_subscriptions = models.BooleanField(
        default=True, help_text="Updates to works and creators I subscribe to.")
    email_moderation = models.BooleanField(
        default=True, help_text="Comments waiting for my approval.")
    email_kudos = models.BooleanField(
        default=True, help_text="A daily summary of kudos on my works.")
    email_creator_invitations = models.BooleanField(
        default=True, help_text="Invitations to be a co-creator of a work.")

    # Display (accounts/preferences.py reads these for every page; guests keep `skin` and
    # `view_adult` in a cookie instead).
    class Skin(models.TextChoices):
        AUTO = "auto", "Follow my device"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    class FontFamily(models.TextChoices):
        SERIF = "serif", "Serif"
        SANS = "sans", "Sans-serif"

    skin = models.CharField(max_length=8, choices=Skin.choices, default=Skin.AUTO)
    # Reading text size in percent of the default, and the longest line in characters.
    font_size = models.PositiveSmallIntegerField(default=100)
    font_family = models.CharField(max_length=8, choices=FontFamily.choices,
                                   default=FontFamily.SERIF)
    line_width = models.PositiveSmallIntegerField(default=70)
    # An IANA zone name ("Europe/Berlin"); dates and times are shown in it.
    time_zone = models.CharField(max_length=64, default="UTC")
    view_adult = models.BooleanField(
        default=False, help_text="Show me adult content without asking.")
    hide_warnings = models.BooleanField(
        default=False, help_text="Hide archive warnings (behind a \"Show warnings\" control).")
    hide_freeform = models.BooleanField(
        default=False, help_text="Hide additional tags (behind a \"Show tags\" control).")
    hide_work_skins = models.BooleanField(
        default=False, help_text="Hide work skins (show every work in the site's own style).")
    show_more_like_this = models.BooleanField(
        default=True, help_text="Show “More like this” (similar works) on work pages.")

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
