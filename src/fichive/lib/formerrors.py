"""A service's ValidationError shown on the form that called it: each message on the field it
names when the form has that field, the rest on the form as a whole (or on `default`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def errors_on_form(form: Any, exc: ValidationError, *, default: str | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else default, errors)
    else:
        form.add_error(default, exc.messages)
