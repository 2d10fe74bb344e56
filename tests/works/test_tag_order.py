"""Tags keep the order the author typed them in: on the work page, in blurbs, in the edit
form, after editing and through imports."""

from __future__ import annotations

from fichive.works.models import Tagging, Work
from fichive.works.services import WorkMeta, work_update
from tests.factories import WorkFactory
from tests.works.helpers import edit_form, html, work_form


def _order(page: str, names: list[str]) -> list[str]:
    """`names` sorted by where they first appear on the page (each must appear)."""
    found = {name: page.find(f">{name}</a>") for name in names}
    assert all(at >= 0 for at in found.values()), found
    return sorted(names, key=found.__getitem__)


TYPED = ["Zebra Crossing", "Apple Pie", "Mango Season"]


def test_work_page_shows_tags_in_typed_order(author_client, author, guest):
    author_client.post("/works/new", work_form(
        author, title="Ordered Tags", freeforms=", ".join(TYPED),
        characters="Yusuf, Anna", fandoms="Zeta Fandom, Alpha Fandom"))
    work = Work.objects.get(title="Ordered Tags")

    page = html(guest.get(f"/works/{work.pk}"))

    assert _order(page, TYPED) == TYPED
    assert _order(page, ["Yusuf", "Anna"]) == ["Yusuf", "Anna"]
    assert _order(page, ["Zeta Fandom", "Alpha Fandom"]) == ["Zeta Fandom", "Alpha Fandom"]


def test_blurbs_show_tags_in_typed_order(author, guest):
    WorkFactory(author=author, title="Blurbed", freeforms=TYPED)

    for url in ("/works", "/users/alice/works", "/tags/Apple Pie/works"):
        page = html(guest.get(url))
        assert "Blurbed" in page, url
        assert _order(page, TYPED) == TYPED, url


def test_dashboard_and_home_blurbs_from_model_instances_keep_the_order(author, guest):
    WorkFactory(author=author, title="Home Blurb", freeforms=TYPED)

    page = html(guest.get("/"))

    assert "Home Blurb" in page
    assert _order(page, TYPED) == TYPED


def test_edit_form_shows_tags_as_typed_and_saving_it_keeps_the_order(author_client, author,
                                                                   guest):
    work = WorkFactory(author=author, freeforms=TYPED)

    form_page = html(author_client.get(f"/works/{work.pk}/edit"))
    assert 'value="Zebra Crossing, Apple Pie, Mango Season"' in form_page

    author_client.post(f"/works/{work.pk}/edit", edit_form(work, author, title="Renamed"))
    assert _order(html(guest.get(f"/works/{work.pk}")), TYPED) == TYPED


def test_reordering_tags_in_the_edit_form_shows_the_new_order(author_client, author, guest):
    work = WorkFactory(author=author, freeforms=TYPED)

    author_client.post(f"/works/{work.pk}/edit", edit_form(
        work, author, freeforms="Mango Season, Zebra Crossing, Apple Pie"))

    page = html(guest.get(f"/works/{work.pk}"))
    assert _order(page, TYPED) == ["Mango Season", "Zebra Crossing", "Apple Pie"]


def test_adding_a_tag_keeps_the_others_in_place(author, guest):
    work = WorkFactory(author=author, freeforms=TYPED)
    before = dict(Tagging.objects.filter(work=work).values_list("tag__name", "position"))

    meta = WorkMeta(title=work.title, creators=[author.default_pseud], rating="General Audiences",
                    fandoms=["Original Work"], freeforms=[*TYPED, "Brand New"])
    work_update(user=author, work=work, meta=meta)

    after = dict(Tagging.objects.filter(work=work).values_list("tag__name", "position"))
    assert {name: after[name] for name in before} == before
    assert after["Brand New"] > max(before.values())
    page = html(guest.get(f"/works/{work.pk}"))
    assert _order(page, [*TYPED, "Brand New"]) == [*TYPED, "Brand New"]


def test_positions_run_across_types_in_the_form_order(author):
    work = WorkFactory(author=author, fandoms=["F One"], relationships=["R One"],
                       characters=["C One"], freeforms=["A One"])

    names = list(Tagging.objects.filter(work=work).order_by("position")
                 .values_list("tag__name", flat=True))

    # Rating and warning first (the form's order), then the typed tags in field order.
    assert names[-4:] == ["F One", "R One", "C One", "A One"]
    assert len(set(Tagging.objects.filter(work=work).values_list("position", flat=True))) \
        == len(names)


def test_api_lists_tags_in_typed_order(author, guest):
    work = WorkFactory(author=author, freeforms=TYPED)

    response = guest.get(f"/api/v1/works/{work.pk}")

    assert response.status_code == 200
    assert response.json()["freeforms"] == TYPED

