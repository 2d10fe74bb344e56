"""What a viewer sees of "More like this" on a work page: the work's precomputed similar
works, less every one they may not see or don't want listed, read in one query.

The rule is the listings' (works.selectors.listed_condition): posted works, restricted ones
only for logged-in users, none by a creator they mute (anonymous works stay, as in listings),
none found under a tag they keep out (saved exclusions). Drafts and hidden works are never
posted. Reasons name tags, a count of readers and words, never a creator.

With kept fragments (lib/fragments.py) the list is kept under the work's version and what
of the viewer went into it (logged in or not, their mutes and exclusions, from the user
row): a change to a listed work's visibility, title or tags retires the pages of the works
that list it (services.works_mark_stale), so nothing kept outlives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma

from fichive.accounts.requests import Viewer
from fichive.lib.fragments import kept
from fichive.recommendations.models import SimilarWork
from fichive.recommendations.services import recommendations_on
from fichive.works.models import FilterTagging, Work
from fichive.works.selectors import excluded_tag_ids, listed_condition, muted_ids

# Works shown at most.
SHOWN = 10


@dataclass(frozen=True)
class Recommendation:
    """One work of the list as a viewer sees it: its id, title, restriction, words and the
    reason's sentences."""

    work_id: int
    title: str
    restricted: bool
    word_count: int
    reasons: tuple[str, ...]


def reason_sentences(reasons: dict[str, Any]) -> tuple[str, ...]:
    """The stored parts of a reason (scoring.Match.reasons) as sentences, the signal that
    weighs most first."""
    sentences = []
    for part in reasons.get("order", ()):
        if part == "tags" and reasons.get("tag_count"):
            count = int(reasons["tag_count"])
            names = ", ".join(reasons.get("tags", ()))
            sentences.append(f"Shares {count} tag{'' if count == 1 else 's'}, rarest first: "
                             f"{names}" + ("…" if count > len(reasons.get("tags", ())) else ""))
        elif part == "readers" and reasons.get("readers"):
            count = int(reasons["readers"])
            sentences.append(f"{intcomma(count)} reader{' who' if count == 1 else 's who'} "
                             "left kudos or a bookmark here also liked this")
        elif part == "text" and reasons.get("words"):
            sentences.append("Similar words: " + ", ".join(reasons["words"]))
    return tuple(sentences)


def _listed_similar(user: Viewer, work_id: int) -> list[Recommendation]:
    rows = SimilarWork.objects.filter(work_id=work_id).filter(
        listed_condition(user, via="similar__"))
    excluded = excluded_tag_ids(user)
    if excluded:
        rows = rows.exclude(similar_id__in=FilterTagging.objects.filter(
            tag_id__in=excluded).values("work_id"))
    rows = (rows.select_related("similar")
            .only("reasons", "similar__id", "similar__title", "similar__restricted",
                  "similar__word_count")
            .order_by("rank")[:SHOWN])
    return [Recommendation(row.similar.pk, row.similar.title, row.similar.restricted,
                           row.similar.word_count, reason_sentences(row.reasons))
            for row in rows]


def more_like_this(user: Viewer, work: Work, *, shown: bool,
                   version: str | None) -> list[Recommendation]:
    """The works like `work` this viewer may see, best first (at most SHOWN): none when the
    archive (FICHIVE_RECOMMENDATIONS) or the reader (`shown`, their preference) turned them
    off, for a work that isn't posted, and, without a query, for one the reading selector
    found with none (`work.has_similar_works`, works.selectors.work_for_reading). `version`,
    the work's version read before the work, lets the list be kept (lib/fragments.py)."""
    if not shown or not recommendations_on() or work.state != Work.State.POSTED:
        return []
    if not getattr(work, "has_similar_works", True):
        return []
    return list(kept(more_like_this_key(user, work, version=version),
                     lambda: _listed_similar(user, work.pk)))


def more_like_this_key(user: Viewer, work: Work, *,
                       version: str | None) -> tuple[Any, ...] | None:
    """What a viewer's list of works like `work` depends on, to keep it (and its HTML)
    under: the work's version and what of the viewer filters it; None without a version."""
    if version is None:
        return None
    authenticated = user is not None and user.is_authenticated
    return ("more-like-this", work.pk, version, authenticated, tuple(muted_ids(user)),
            tuple(excluded_tag_ids(user)))
