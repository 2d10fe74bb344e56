"""The search index's documents: the text of each work and chapter as the backends index it.

Rows are written only by search.services. On SQLite, triggers keep FTS5 tables in step with
these rows (the works' read them as external content, the chapters' read the chapters' own
rows); on PostgreSQL the rows carry tsvector columns that the backend's migration adds (see
backends/).
"""

from __future__ import annotations

from django.db import models

from fichive.works.models import Chapter, Work


class WorkDocument(models.Model):
    """A work's searchable fields, as prepared text (see search.text.prepare)."""

    work = models.OneToOneField(Work, primary_key=True, on_delete=models.CASCADE,
                                related_name="+")
    title = models.TextField(blank=True)
    creators = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    fandoms = models.TextField(blank=True)
    characters = models.TextField(blank=True)
    relationships = models.TextField(blank=True)

    FIELDS = ("title", "creators", "summary", "notes", "tags", "fandoms", "characters",
              "relationships")

    def __str__(self) -> str:
        return f"search document of work {self.pk}"


class ChapterDocument(models.Model):
    """A chapter in the index. Its text (title, summary, notes, content, end notes) is not
    copied here: SQLite indexes it from the chapter's own row, PostgreSQL keeps its tsvector
    in a column the backend adds."""

    chapter = models.OneToOneField(Chapter, primary_key=True, on_delete=models.CASCADE,
                                   related_name="+")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        # Both ways between a chapter and its work from the index alone, never the row: a
        # search maps thousands of matching chapters to their works.
        indexes = [
            models.Index(fields=["chapter", "work"], name="search_chapter_work"),
            models.Index(fields=["work", "chapter"], name="search_work_chapter"),
        ]

    def __str__(self) -> str:
        return f"search document of chapter {self.pk}"
