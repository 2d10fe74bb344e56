"""Forms of the inbox: acting on selected items, on one item, and replying to a comment."""

from __future__ import annotations

from django import forms

ACTIONS = [("read", "Mark read"), ("unread", "Mark unread"), ("delete", "Delete")]
# AO3's limit on a comment's length.
REPLY_MAX = 10_000


class ItemActionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTIONS, error_messages={
        "required": "Choose what to do: mark read, mark unread or delete.",
        "invalid_choice": "Choose what to do: mark read, mark unread or delete."})


class BulkActionForm(ItemActionForm):
    items = forms.TypedMultipleChoiceField(coerce=int, choices=[], error_messages={
        "required": "Select at least one message first.",
        "invalid_choice": "Some of the selected messages are gone; reload the page and try "
                          "again."})

    def __init__(self, *args, item_ids: list[int], **kwargs) -> None:  # noqa: ANN002,ANN003
        super().__init__(*args, **kwargs)
        items = self.fields["items"]
        assert isinstance(items, forms.TypedMultipleChoiceField)
        items.choices = [(str(pk), str(pk)) for pk in item_ids]


class ReplyForm(forms.Form):
    content = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=REPLY_MAX, label="Reply",
        error_messages={"required": "Write something to reply.",
                        "max_length": f"A reply can be at most {REPLY_MAX:,} characters."})
