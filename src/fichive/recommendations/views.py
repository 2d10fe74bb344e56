"""The "More like this" section of a work page (works/views.py puts it in the page): its list
rendered once and kept with the list (lib/fragments.py), the rest around it."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from fichive.accounts.preferences import prefs_for
from fichive.lib.fragments import fragment
from fichive.recommendations.selectors import more_like_this, more_like_this_key
from fichive.works.models import Work


def more_like_this_html(request: HttpRequest, work: Work, *,
                        version: str | None) -> SafeString | None:
    """The list of works like `work` this visitor may see, as HTML; None when there is none
    (or the archive or the reader turned it off)."""
    items = more_like_this(request.user, work, shown=prefs_for(request).show_more_like_this,
                           version=version)
    if not items:
        return None
    key = more_like_this_key(request.user, work, version=version)
    return fragment(None if key is None else (*key, "html"), lambda: render_to_string(
        "recommendations/_more_like_this_list.html", {"more_like_this": items}))
