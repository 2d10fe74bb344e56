"""`{% url %}` for every template (a builtin library, settings.TEMPLATES), the same as Django's
but for its answers being kept: reversing a URL costs 20-40 µs of CPU and a logged-in page
reverses a few dozen, most of them the same on every page (the header's links). What a URL
reverses to depends only on its arguments, the URLconf and the script prefix, which are all
in the key; the most recently used answers are kept, a bounded number per process.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaulttags import URLNode, url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

from fichive.lib.fragments import Kept

register = template.Library()

KEPT = 4096
_kept = Kept(KEPT)


def kept_reverse(view_name: str, args: list[Any], kwargs: dict[str, Any],
                 current_app: str | None) -> str:
    """reverse(view_name, args, kwargs, current_app), kept while it is asked for often. Only
    plain values (strings, numbers) as arguments are kept; others are reversed each time."""
    try:
        key = (view_name, tuple(args), tuple(sorted(kwargs.items())), current_app,
               get_script_prefix(), get_urlconf())
        hash(key)
    except TypeError:
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    if not all(type(value) in (str, int) for value in (*args, *kwargs.values())):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    found = _kept.get(key, None)
    if found is None:
        found = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        _kept.put(key, None, found)
    return found


class KeptURLNode(URLNode):
    def render(self, context: Any) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        found = ""
        try:
            found = kept_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = found
            return ""
        return conditional_escape(found) if context.autoescape else found


@register.tag(name="url")
def kept_url(parser: Any, token: Any) -> KeptURLNode:
    """Django's {% url %} (the same syntax), with kept answers."""
    node = url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
