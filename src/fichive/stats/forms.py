"""The stats page's filters: the year (or all years), the column to sort by and the order."""

from __future__ import annotations

from django import forms

from fichive.stats.selectors import SORTS

YEAR_MIN, YEAR_MAX = 1970, 9999


class StatsFilterForm(forms.Form):
    year = forms.CharField(required=False, max_length=8)
    sort = forms.ChoiceField(required=False, choices=[(k, v[1]) for k, v in SORTS.items()],
                             error_messages={"invalid_choice": "Sort by: choose one of the "
                                             "columns (title, date, words, hits, kudos, "
                                             "comment_threads, bookmarks, subscriptions)."})
    order = forms.ChoiceField(required=False, choices=[("asc", "Ascending"),
                                                       ("desc", "Descending")],
                              error_messages={"invalid_choice": "Order: choose asc or desc."})

    def clean_year(self) -> int | None:
        value = (self.cleaned_data.get("year") or "").strip()
        if value in ("", "all", "All years"):
            return None
        if not value.isdigit() or not YEAR_MIN <= int(value) <= YEAR_MAX:
            raise forms.ValidationError(
                "Year: choose a year such as 2026, or All years.", code="invalid")
        return int(value)

    def filters(self) -> tuple[int | None, str, str | None]:
        """The year, sort and order asked for; what was not valid falls back to the
        defaults (all years, by hits, the sort's usual order)."""
        cleaned = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return (cleaned.get("year"), cleaned.get("sort") or "hits",
                cleaned.get("order") or None)
