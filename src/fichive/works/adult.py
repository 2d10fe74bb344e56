"""The adult-content notice (AO3's "This work could have adult content"): shown before a
work's pages and its downloads to visitors who haven't chosen to see such content
(works.selectors.adult_notice_needed decides who), with "Yes, continue", "Yes, always" and
"No, go back".

Guests' pages are cached by URL and the variant of their preferences cookie (lib/cache.py),
so what a page shows depends on nothing else: consent for one work travels in the URL
(`?view_adult=true`, as AO3 does it, kept on the links between that work's pages and to its
downloads), consent for every work in the guest's cookie or the user's preference. The notice
and the work are then always different cached entries.
"""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from fichive.accounts.preferences import prefs_for
from fichive.works import selectors
from fichive.works.models import Work

CONSENT_PARAM = "view_adult"
CONSENT_QUERY = f"{CONSENT_PARAM}=true"

T = TypeVar("T")


def url_consents(request: HttpRequest) -> bool:
    """Whether this link carries consent for the work it opens (`?view_adult=true`)."""
    return request.GET.get(CONSENT_PARAM) == "true"


def consent_query(request: HttpRequest) -> str:
    """What the links from this page to the same work's pages carry: "view_adult=true" when
    this page was opened with it, else ""."""
    return CONSENT_QUERY if url_consents(request) else ""


def with_consent_kept(request: HttpRequest,
                      links: list[tuple[T, str]]) -> list[tuple[T, str]]:
    """(label, URL) links to this work's other pages or downloads, carrying this page's
    consent (consent_query) when it has one."""
    consent = consent_query(request)
    if not consent:
        return links
    return [(label, f"{url}{'&' if '?' in url else '?'}{consent}") for label, url in links]


def with_consent(request: HttpRequest) -> str:
    """This request's URL with `view_adult=true` added (its other parameters kept)."""
    query = request.GET.copy()
    query[CONSENT_PARAM] = "true"
    return f"{request.path}?{query.urlencode()}"


def adult_notice(request: HttpRequest, work: Work) -> HttpResponse | None:
    """The notice page for this request of `work` (a reading page or a download), or None
    when the visitor may go straight on."""
    consented = url_consents(request) or prefs_for(request).view_adult
    if not selectors.adult_notice_needed(request.user, work, consented=consented):
        return None
    return render(request, "works/adult_notice.html", {
        "work": work,
        "continue_url": with_consent(request),
        "return_to": request.get_full_path(),
        "always_url": reverse("works:adult-always", args=[work.pk]),
    })
