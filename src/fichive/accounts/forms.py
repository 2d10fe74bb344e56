"""Forms for signing up, logging in, changing the email address, adding pseuds, granting the
wrangler role, preferences and the footer's site skin control."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils.html import format_html

from fichive.accounts.models import USERNAME_VALIDATOR, Preference, User
from fichive.accounts.services import FONT_SIZE_RANGE, LINE_WIDTH_RANGE, time_zone_names

# What a new password must be (AUTH_PASSWORD_VALIDATORS), under the password fields.
PASSWORD_HELP = ("At least 12 characters, and not a common password: a few unrelated words "  # noqa: S105
                 "make a good one.")


class SignupForm(forms.Form):
    username = forms.CharField(
        max_length=40, validators=[USERNAME_VALIDATOR], label="User name",
        help_text="3 to 40 letters, digits or underscores. It is your login and your URL.",
    )
    email = forms.EmailField(help_text="Used only to reset your password.")
    password1 = forms.CharField(widget=forms.PasswordInput, label="Password", strip=False,
                                help_text=PASSWORD_HELP)
    password2 = forms.CharField(widget=forms.PasswordInput, label="Confirm password", strip=False)
    accept_terms = forms.BooleanField(error_messages={
        "required": "You need to accept the Terms of Service to sign up."})
    confirm_age = forms.BooleanField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept_terms"].label = format_html(
            'I have read and accept the <a href="{}">Terms of Service</a>', reverse("pages:tos"))
        age = max(0, int(settings.FICHIVE_MIN_AGE))
        self.fields["confirm_age"].label = f"I am at least {age} years old"
        self.fields["confirm_age"].error_messages["required"] = (
            f"You need to be at least {age} years old to sign up.")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That user name is taken.")
        return username

    def clean(self) -> dict:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords don't match.")
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(username=data.get("username", ""), email=data.get("email", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class LoginForm(AuthenticationForm):
    """Django's log-in form, with the archive's spelling ("User name"); a banned account
    (with its right password) is told it is banned and why, instead of "wrong name or
    password"."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Please enter a correct user name and password (the password "
                         "is case-sensitive, the user name is not).",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "User name"

    def clean(self) -> dict:
        try:
            return super().clean()
        except forms.ValidationError:
            username = self.cleaned_data.get("username") or ""
            password = self.cleaned_data.get("password") or ""
            user = User.objects.filter(username__iexact=username, banned=True).first()
            if user is not None and password and user.check_password(password):
                reason = f" Reason: {user.ban_reason}" if user.ban_reason else ""
                raise forms.ValidationError(
                    f"This account is banned and can't log in.{reason}", code="banned",
                ) from None
            raise


class PseudForm(forms.Form):
    name = forms.CharField(max_length=40, error_messages={"required": "A pseud needs a name."})
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Up to 500 characters; some HTML is allowed.")
    icon_text = forms.CharField(
        required=False, max_length=250, label="Icon text",
        help_text="What the pseud's icon would say to someone who can't see it.")


class PseudEditForm(PseudForm):
    is_default = forms.BooleanField(required=False, label="Make this name default",
                                    help_text="New works and bookmarks start with it.")


class ProfileForm(forms.Form):
    about_me = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 8}), label="About me",
        help_text="Up to 2,000 characters; some HTML is allowed.")


class RoleForm(forms.Form):
    """A user name and which button was pressed: grant or revoke a role (wrangler,
    moderator)."""

    username = forms.CharField(max_length=40, label="User name")
    action = forms.ChoiceField(choices=[("grant", "Grant"), ("revoke", "Revoke")])

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"There is no user named “{name}”.")
        return user


class ClaimRequestForm(forms.Form):
    email = forms.EmailField(help_text="The address the account used on the old archive.")


class ClaimForm(forms.Form):
    """Choosing a password (and, if wanted, a new user name) for an imported account."""

    username = forms.CharField(
        max_length=40, required=False, validators=[USERNAME_VALIDATOR], label="User name",
        help_text="Leave it as it is, or choose another: 3 to 40 letters, digits or "
                  "underscores.",
    )
    password1 = forms.CharField(widget=forms.PasswordInput, label="Password", strip=False,
                                help_text=PASSWORD_HELP)
    password2 = forms.CharField(widget=forms.PasswordInput, label="Confirm password", strip=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords don't match.")
        return data


class EmailChangeForm(forms.Form):
    """A new email address, and the current password to prove it is the owner asking."""

    email = forms.EmailField(label="New email address", max_length=254)
    password = forms.CharField(widget=forms.PasswordInput, label="Current password",
                               strip=False)


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


def _range_field(label: str, low: int, high: int, unit: str, help_text: str) -> forms.IntegerField:
    message = f"Choose a whole number from {low} to {high}{unit}."
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, help_text=help_text,
        # Django fills in the limit with "%" formatting: its messages need "%%" for "%".
        error_messages={"required": message, "invalid": message,
                        "min_value": message.replace("%", "%%"),
                        "max_value": message.replace("%", "%%")})


class PreferenceForm(forms.Form):
    """The preferences page: the site skin, reading settings, time zone, what to show,
    history on or off, and which notifications also come by mail."""

    skin = forms.ChoiceField(
        label="Colours", choices=Preference.Skin.choices, widget=forms.RadioSelect,
        help_text="“Follow my device” is light or dark as your device's setting is.",
        error_messages={"required": "Choose a site skin.",
                        "invalid_choice": "Choose light, dark, or follow my device."})
    font_size = _range_field("Text size (%)", *FONT_SIZE_RANGE, " %",
                             "The size of a work's text, 100 is the usual size.")
    font_family = forms.ChoiceField(
        label="Font", choices=Preference.FontFamily.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose a font.",
                        "invalid_choice": "Choose serif or sans-serif."})
    line_width = _range_field("Line width (characters)", *LINE_WIDTH_RANGE, " characters",
                              "The longest line of a work's text.")
    time_zone = forms.ChoiceField(
        label="Time zone", choices=_time_zone_choices,
        help_text="Dates and times (comments, inbox, history) are shown in it.",
        error_messages={"required": "Choose a time zone.",
                        "invalid_choice": "Choose a time zone from the list, such as "
                                          "Europe/Berlin or UTC."})
    view_adult = forms.BooleanField(
        required=False, label="Show me adult content without asking")
    hide_warnings = forms.BooleanField(
        required=False, label="Hide archive warnings",
        help_text="They stay behind a “Show warnings” control on blurbs and work pages.")
    hide_freeform = forms.BooleanField(
        required=False, label="Hide additional tags",
        help_text="They stay behind a “Show tags” control on blurbs and work pages.")
    hide_work_skins = forms.BooleanField(
        required=False, label="Hide work skins",
        help_text="Show every work in the site's own style.")
    show_more_like_this = forms.BooleanField(
        required=False, label="Show “More like this” on work pages",
        help_text="Similar works the archive finds from tags, readers and words in common.")
    history_enabled = forms.BooleanField(
        required=False, label="Keep my history",
        help_text="Record the works I read (History). Off pauses it.")
    email_comments = forms.BooleanField(required=False, label="Comments on my works")
    email_replies = forms.BooleanField(required=False, label="Replies to my comments")
    email_subscriptions = forms.BooleanField(
        required=False, label="Updates to works and creators I subscribe to")
    email_moderation = forms.BooleanField(
        required=False, label="Comments waiting for my approval")
    email_kudos = forms.BooleanField(
        required=False, label="A daily summary of kudos on my works")
    email_creator_invitations = forms.BooleanField(
        required=False, label="Invitations to be a co-creator of a work")

    # The page's fieldsets: (legend, field names).
    GROUPS = (
        ("Site skin", ("skin",)),
        ("Reading", ("font_size", "font_family", "line_width")),
        ("Dates and times", ("time_zone",)),
        ("What to show", ("view_adult", "hide_warnings", "hide_freeform", "hide_work_skins",
                          "show_more_like_this")),
        ("History", ("history_enabled",)),
        ("Email me about", ("email_comments", "email_replies", "email_subscriptions",
                            "email_moderation", "email_kudos", "email_creator_invitations")),
    )

    def __init__(self, data: Any = None, *, initial: dict[str, Any]) -> None:
        # A field the request didn't send at all (an older form, a script) keeps its value;
        # one sent empty or wrong is an error. (A checkbox not sent is off, as always.)
        if data is not None:
            data = data.copy()
            for name, field in self.base_fields.items():
                if not isinstance(field, forms.BooleanField) and name not in data:
                    data[name] = initial[name]
        super().__init__(data, initial=initial)

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]


class SkinForm(forms.Form):
    """The footer's site skin control: a skin, and the page to go back to."""

    skin = forms.ChoiceField(choices=Preference.Skin.choices,
                             error_messages={"invalid_choice": "There is no such skin."})
    next = forms.CharField(required=False, max_length=2000)
