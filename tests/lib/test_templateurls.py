"""{% url %} with kept answers (fichive/lib/templateurls.py): the same URLs as Django's own
tag, for each script prefix and argument."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import reverse, set_script_prefix


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_kept_answers_follow_the_arguments_and_the_script_prefix():
    source = "{% url 'works:index' %} {% url 'accounts:dashboard' name %}"
    try:
        assert _render(source, name="carol") == (
            f"{reverse('works:index')} {reverse('accounts:dashboard', args=['carol'])}")
        assert _render(source, name="dave").endswith(
            reverse("accounts:dashboard", args=["dave"]))
        set_script_prefix("/archive/")
        assert _render(source, name="carol").startswith("/archive/works")
    finally:
        set_script_prefix("/")
    assert _render(source, name="carol").startswith("/works")


def test_as_a_variable_and_escaped_like_djangos_tag():
    assert _render("{% url 'accounts:dashboard' name as link %}[{{ link }}]",
                   name="a&b") == "[" + reverse("accounts:dashboard", args=["a&b"]).replace(
                       "&", "&amp;") + "]"
    assert _render("{% url 'no-such-view' as link %}[{{ link }}]") == "[]"
