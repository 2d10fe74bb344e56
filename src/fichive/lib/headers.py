"""The security headers every response carries: the Content-Security-Policy (django-csp, widened
per page only by the hashes of the page's own <style> elements), and `Cache-Control: private,
no-store` on whatever a logged-in user is sent. The Permissions-Policy is
django-permissions-policy's middleware, configured in settings. Templates write their own
<style> elements with `{% load headers %}{% inline_style %}css{% end_inline_style %}`.

Why hashes and not nonces: guests' pages are stored whole, headers included, and served again
to everyone (lib/cache.py), so a nonce would be shared by every reader of a stored page. A
hash names exactly one stylesheet text (a work's filtered skin, a reader's font settings),
is the same every time the page is rendered, and lets nothing else in: a `<style>` smuggled
into user HTML would need the same text as the page's own, which the sanitizer never lets
through anyway.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from django import template
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

__all__ = [
    "ContentSecurityPolicyMiddleware",
    "PrivatePagesMiddleware",
    "allow_inline_style",
    "style_hash",
]

# In request.META (the WSGI environ), where every layer of the request can reach it.
_STYLE_HASHES = "fichive.csp.style_hashes"


def style_hash(css: str) -> str:
    """The CSP source expression that allows one <style> element whose text is `css`."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def allow_inline_style(request: HttpRequest, css: str) -> None:
    """Let this response's page hold a <style> element with exactly the text `css`."""
    hashes: list[str] = request.META.setdefault(_STYLE_HASHES, [])
    source = style_hash(css)
    if source not in hashes:
        hashes.append(source)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, adding the hashes `allow_inline_style` recorded to style-src."""

    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase,
                         report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        hashes = request.META.get(_STYLE_HASHES)
        if hashes:
            update: dict[str, Any] = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", ()), *hashes]
            parts.update = update
        return parts


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every response to a logged-in user (or an app
    signed in with an app password), so no shared cache or browser history keeps their pages.
    Placed after AuthenticationMiddleware: static files (answered by WhiteNoise before it)
    keep their long caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # no-store wins over any max-age a view set; "public" is dropped.
            patch_cache_control(response, private=True, no_store=True)
        return response


# --- The template tag ---------------------------------------------------------------------------

register = template.Library()


class _InlineStyleNode(template.Node):
    def __init__(self, nodelist: template.NodeList, element_id: str | None) -> None:
        self.nodelist = nodelist
        self.element_id = element_id

    def render(self, context: template.Context) -> str:
        css = self.nodelist.render(context)
        request = context.get("request")
        if request is not None:
            allow_inline_style(request, css)
        id_attribute = f' id="{self.element_id}"' if self.element_id else ""
        return f"<style{id_attribute}>{css}</style>"


@register.tag("inline_style")
def inline_style(parser: template.base.Parser, token: template.base.Token) -> _InlineStyleNode:
    """`{% inline_style "element-id" %}css{% end_inline_style %}`: a <style> element whose
    exact text the page's Content-Security-Policy allows (by its hash). The CSS must not hold
    `</style` (lib/css.py never writes `<`)."""
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("inline_style takes at most an element id")
    element_id = bits[1].strip("\"'") if len(bits) == 2 else None
    nodelist = parser.parse(("end_inline_style",))
    parser.delete_first_token()
    return _InlineStyleNode(nodelist, element_id)
