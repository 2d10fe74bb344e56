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
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from fichive.accounts.preferences import prefs_for
from fichive.lib.guestprefs import (
    GUEST_COOKIE,
    GUEST_COOKIE_MAX_AGE,
    guest_cookie_parse,
    guest_cookie_value,
)
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


# ------------------------------------------------------------------------ "Yes, always"


def always_refused(request: HttpRequest) -> HttpResponse | None:
    """Whether a "Yes, always" post is refused: a logged-in user's form carries a CSRF token
    (their pages are never cached), checked here as Django's middleware would (the 403 page);
    a guest's notice is a cached page shared by every guest, without a token, so their post
    must come from a page of this site (PermissionDenied otherwise)."""
    if request.user.is_authenticated:
        return CsrfViewMiddleware(lambda request: HttpResponse()).process_view(
            request, _csrf_checked, (), {})
    if not _same_origin(request):
        raise PermissionDenied("Choose “Yes, always” on the notice page of a work on this "
                               "archive: this request didn't come from one.")
    return None


def _csrf_checked(request: HttpRequest) -> HttpResponse:
    """Stands for a view without csrf_exempt when the CSRF middleware checks a request."""
    raise NotImplementedError  # never called


def _same_origin(request: HttpRequest) -> bool:
    """Whether a guest's post came from a page of this site: its Origin header (which
    browsers send with every form post), else its Referer."""
    origin = request.headers.get("Origin")
    if origin:
        return (origin == f"{request.scheme}://{request.get_host()}"
                or origin in settings.CSRF_TRUSTED_ORIGINS)
    referer = request.headers.get("Referer", "")
    return bool(referer) and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def consent_target(request: HttpRequest, work_id: int) -> str:
    """Where "Yes, always" goes on to: the page of the work or its download the notice stood
    in front of (the form's `next`), else the work."""
    target = request.POST.get("next", "")
    work_url = reverse("works:detail", args=[work_id])
    downloads = reverse("formats:download", args=[work_id, "x"]).rpartition("/")[0] + "/"
    path = urlsplit(target).path
    ours = path == work_url or path.startswith((f"{work_url}/", downloads))
    if ours and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return work_url


def guest_consent_kept(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """For a guest, `response` sets their preferences cookie to "view adult content", keeping
    the skin they chose (lib/guestprefs.py); a logged-in user's is left as it is."""
    if not request.user.is_authenticated:
        skin, _ = guest_cookie_parse(request.COOKIES.get(GUEST_COOKIE))
        response.set_cookie(GUEST_COOKIE, guest_cookie_value(skin, True),
                            max_age=GUEST_COOKIE_MAX_AGE, samesite="Lax",
                            secure=request.is_secure())
    return response
