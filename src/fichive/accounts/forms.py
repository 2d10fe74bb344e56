"""Forms for signing up, logging in, adding pseuds, and granting the wrangler role."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from fichive.accounts.models import USERNAME_VALIDATOR, User


class SignupForm(forms.Form):
    username = forms.CharField(
        max_length=40, validators=[USERNAME_VALIDATOR], label="User name",
        help_text="3 to 40 letters, digits or underscores. It is your login and your URL.",
    )
    email = forms.EmailField(help_text="Used only to reset your password.")
    password1 = forms.CharField(widget=forms.PasswordInput, label="Password", strip=False)
    password2 = forms.CharField(widget=forms.PasswordInput, label="Confirm password", strip=False)

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
    """Django's log-in form, with the archive's spelling: "User name" everywhere."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Please enter a correct user name and password (the password "
                         "is case-sensitive, the user name is not).",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "User name"


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


class WranglerRoleForm(forms.Form):
    """A user name and which button was pressed: grant or revoke the wrangler role."""

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
    password1 = forms.CharField(widget=forms.PasswordInput, label="Password", strip=False)
    password2 = forms.CharField(widget=forms.PasswordInput, label="Confirm password", strip=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords don't match.")
        return data


class PreferenceForm(forms.Form):
    """The preferences page: history on or off, and which notifications also come by mail."""

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
