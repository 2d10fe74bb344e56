"""`fichive generate`: a generated archive is consistent with what the services would build,
varied like a real archive, the same for the same seed, and its pages render."""

from __future__ import annotations

import pytest
from django.db.models import Count, Sum

from fichive.cli import main
from fichive.demo.corpus import generate
from fichive.lib.wordcount import count_words
from fichive.tags.models import Tag
from fichive.works.filter_tags import filter_tags_rebuild
from fichive.works.models import Chapter, Creatorship, FilterTagging, Tagging, Work
from fichive.works.services import sort_title

WORKS = 200


@pytest.fixture
def corpus(db):
    return generate(works=WORKS, seed=7, text_fraction=0.3, batch=64, show_progress=False)


def _snapshot() -> dict:
    return {
        "works": list(Work.objects.order_by("id").values_list(
            "id", "title", "language", "state", "restricted", "word_count", "chapter_count",
            "published", "updated", "kudos_count", "sort_creator")),
        "taggings": sorted(Tagging.objects.values_list("work_id", "tag__name")),
        "chapters": list(Chapter.objects.order_by("work_id", "position").values_list(
            "work_id", "position", "word_count", "content")),
    }


def test_generates_the_asked_number_of_works_with_chapters_and_creators(corpus):
    assert Work.objects.count() == WORKS == corpus.works
    assert not Work.objects.filter(creatorships__isnull=True).exists()
    assert Chapter.objects.count() == corpus.chapters
    assert corpus.with_text > 0
    assert f"Generated {WORKS:,} works" in corpus.line()


def test_filter_taggings_and_crossovers_match_the_rebuild(corpus):
    before = set(FilterTagging.objects.values_list("work_id", "tag_id"))
    crossovers = set(Work.objects.filter(crossover=True).values_list("id", flat=True))
    filter_tags_rebuild(work_ids=Work.objects.values_list("id", flat=True))
    assert set(FilterTagging.objects.values_list("work_id", "tag_id")) == before
    assert set(Work.objects.filter(crossover=True).values_list("id", flat=True)) == crossovers


def test_derived_columns_are_what_the_services_compute(corpus):
    for work in Work.objects.annotate(words=Sum("chapters__word_count"),
                                      chapters_n=Count("chapters", distinct=True)):
        assert work.word_count == work.words
        assert work.chapter_count == work.chapters_n
        assert work.sort_title == sort_title(work.title)
        assert work.complete == (work.expected_chapters == work.chapter_count)
        first = Creatorship.objects.filter(work=work).order_by("position").first()
        assert work.sort_creator == first.pseud.name.casefold()
    uses = dict(Tagging.objects.values("tag_id").annotate(n=Count("id")).values_list(
        "tag_id", "n"))
    for tag_id, recorded in Tag.objects.values_list("id", "uses"):
        assert recorded == uses.get(tag_id, 0)


def test_chapters_with_prose_have_exact_word_counts(corpus):
    prose = Chapter.objects.exclude(content__startswith="<p>[Generated placeholder")
    assert prose.exists()
    for chapter in prose:
        assert chapter.content.startswith("<p>")
        assert chapter.word_count == count_words(chapter.content)


def test_archive_has_drafts_restricted_works_other_languages_and_wrangling(db):
    generate(works=1500, seed=3, text_fraction=0.0, show_progress=False)
    assert Work.objects.filter(state=Work.State.DRAFT).exists()
    assert Work.objects.filter(restricted=True).exists()
    assert Work.objects.filter(chapter_count__gt=1).exists()
    languages = set(Work.objects.values_list("language", flat=True))
    assert {"en", "zh"} <= languages
    assert Tag.objects.filter(merger__isnull=False).exists()  # synonyms
    assert Tag.objects.filter(type="relationship", name__contains="/").exists()
    assert Tag.objects.filter(type="relationship", name__contains=" & ").exists()
    assert Tag.meta_tags.through.objects.exists()
    fandom_uses = list(Tag.objects.filter(type="fandom", canonical=True)
                       .order_by("-uses").values_list("uses", flat=True))
    assert fandom_uses[0] > 10 * fandom_uses[len(fandom_uses) // 2]  # heavy-tailed


def test_same_seed_gives_the_same_archive(db, django_db_blocker):
    generate(works=60, seed=11, text_fraction=0.5, show_progress=False)
    first = _snapshot()
    Work.objects.all().delete()
    Tag.objects.filter(type__in=["fandom", "character", "relationship", "freeform"]).delete()
    from fichive.accounts.models import User

    User.objects.all().delete()
    generate(works=60, seed=11, text_fraction=0.5, show_progress=False)
    second = _snapshot()
    assert [w[1:] for w in first["works"]] == [w[1:] for w in second["works"]]
    assert [c[1:] for c in first["chapters"]] == [c[1:] for c in second["chapters"]]
    assert first["taggings"] == second["taggings"]


def test_refuses_an_archive_that_has_works(corpus):
    with pytest.raises(ValueError, match="already has works"):
        generate(works=5, show_progress=False)


def test_pages_render_for_guests_and_logged_in_readers(corpus, client, reader):
    work = Work.objects.filter(state="posted", restricted=False, chapter_count__gt=1).first()
    chapter = work.chapters.order_by("position").last()
    assert client.get(f"/works/{work.pk}").status_code == 200
    page = client.get(f"/works/{work.pk}/chapters/{chapter.pk}")
    assert page.status_code == 200
    assert work.title in page.content.decode()
    restricted = Work.objects.filter(state="posted", restricted=True).first()
    fandom = Tag.objects.filter(type="fandom").order_by("-uses").first()
    assert client.get(f"/tags/{fandom.url_name}/works").status_code == 200
    assert client.get("/works?sort=kudos&page=2").status_code == 200
    client.force_login(reader)
    if restricted is not None:
        assert client.get(f"/works/{restricted.pk}").status_code == 200
    assert client.get(f"/works/{work.pk}/chapters/{chapter.pk}").status_code == 200


def test_generate_command_prints_a_summary(db, capsys):
    assert main(["generate", "--works", "30", "--seed", "2", "--batch", "10"]) == 0
    assert "Generated 30 works" in capsys.readouterr().out
    assert main(["generate", "--works", "30"]) == 1
    assert "already has works" in capsys.readouterr().err
