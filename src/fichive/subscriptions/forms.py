"""Forms of the subscriptions app: the Subscribe buttons (a work, a creator or a series)."""

from __future__ import annotations

from django import forms

from fichive.accounts.models import User


class SubscribeForm(forms.Form):
    """What a Subscribe button posts: a work's id, a creator's user name or a series' id (one
    of them)."""

    work_id = forms.IntegerField(required=False, min_value=1)
    series_id = forms.IntegerField(required=False, min_value=1)
    creator = forms.CharField(required=False, max_length=40)

    def clean_creator(self) -> User | None:
        name = (self.cleaned_data.get("creator") or "").strip()
        if not name:
            return None
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"There is no user named “{name}”.")
        return user

    def clean(self) -> dict:
        data = super().clean() or {}
        if self.errors:
            return data
        if sum(bool(data.get(name)) for name in ("work_id", "creator", "series_id")) != 1:
            raise forms.ValidationError(
                "Choose one work, one creator or one series to subscribe to.")
        return data
