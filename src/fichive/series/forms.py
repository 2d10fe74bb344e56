"""Forms of the series pages: editing a series and ordering its parts."""

from __future__ import annotations

from django import forms

from fichive.series.models import NOTES_MAX, SUMMARY_MAX, TITLE_MAX
from fichive.works.forms import ServiceErrorsForm


class SeriesForm(ServiceErrorsForm):
    title = forms.CharField(
        max_length=TITLE_MAX, label="Series Title",
        error_messages={"required": "Give the series a title.",
                        "max_length": "The series title can be at most %(limit_value)d "
                                      "characters long."})
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Series Description",
        max_length=SUMMARY_MAX,
        error_messages={"max_length": "The series description can be at most "
                                      "%(limit_value)d characters long."})
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Series Notes",
        max_length=NOTES_MAX,
        error_messages={"max_length": "The series notes can be at most %(limit_value)d "
                                      "characters long."})
    complete = forms.BooleanField(required=False, label="Complete series")
