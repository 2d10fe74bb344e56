"""A gift: a work given to an archive user's pseud or to a plain name."""

from __future__ import annotations

from django.db import models

from fichive.accounts.models import Pseud
from fichive.works.models import Work

MAX_NAME_LENGTH = 100
MAX_RECIPIENTS = 20


class Gift(models.Model):
    """`pseud` is set for archive users; `recipient_name` is always the name shown (the
    pseud's name at the time, or the plain name typed). A refused gift is kept (so the work
    is not given to them again) but shown nowhere."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="gifts")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="gifts")
    recipient_name = models.CharField(max_length=MAX_NAME_LENGTH)
    refused = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=("work", "refused"))]

    def __str__(self) -> str:
        return f"{self.work_id} for {self.recipient_name}"

    @property
    def display_name(self) -> str:
        """"pseud (user)" where the pseud is not the login name, else the name."""
        if self.pseud is None:
            return self.recipient_name
        username = self.pseud.user.username
        name = self.pseud.name
        return name if name.lower() == username.lower() else f"{name} ({username})"
