"""FilterTagList: each work's filter tag ids in one row, kept by triggers on FilterTagging, so a
search's sidebar counts tags from one row per matching work. The lists hold exactly the
filter taggings through posting, editing tags, wrangling, deleting works and rows, and
writes from another process; a search's sidebar counted from them equals the counts taken
from the filter taggings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from fichive.search.backends import backend
from fichive.tags.models import Tag
from fichive.tags.services import tag_make_canonical, tag_make_synonym
from fichive.works.filter_tags import filter_tag_lists
from fichive.works.listing import facets_count
from fichive.works.models import FilterTagging, Work
from fichive.works.services import WorkMeta, work_delete, work_update
from tests.factories import WorkFactory
from tests.works.listing_pages import sidebar

ROOT = Path(__file__).resolve().parents[2]


def taggings() -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for work_id, tag_id in FilterTagging.objects.values_list("work_id", "tag_id"):
        found[work_id].add(tag_id)
    return dict(found)


def lists() -> dict[int, set[int]]:
    """Every work's list, leaving out emptied ones (a work whose taggings are all gone)."""
    return {work_id: tags for work_id, tags in
            filter_tag_lists(Work.objects.values_list("id", flat=True)).items() if tags}


def test_lists_hold_the_filter_taggings_through_every_change(author, wrangler):
    first = WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Fluff", "fluffy fluff"])
    second = WorkFactory(author=author, fandoms=["Bleach"], characters=["Kurosaki Ichigo"])
    third = WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Angst"])
    assert lists() == taggings() != {}

    # Wrangling: a synonym's works move to the canonical tag.
    fluff = Tag.objects.get(name="Fluff")
    tag_make_canonical(actor=wrangler, tag=fluff)
    tag_make_synonym(actor=wrangler, tag=Tag.objects.get(name="fluffy fluff"), of=fluff)
    assert lists() == taggings()

    # Editing a work's tags.
    work_update(user=author, work=second, meta=WorkMeta(
        title=second.title, creators=[author.default_pseud], fandoms=["Bleach", "Naruto"],
        freeforms=["Crossover"]))
    assert lists() == taggings()
    assert Tag.objects.get(name="Crossover").pk in lists()[second.pk]

    # A row moved to another tag (no service does it; the trigger keeps up all the same).
    row = FilterTagging.objects.filter(work=third).first()
    assert row is not None
    FilterTagging.objects.filter(pk=row.pk).update(tag=Tag.objects.get(name="Fluff"))
    assert lists() == taggings()

    # Deleting a work, then one row on its own.
    work_delete(user=author, work=first)
    assert first.pk not in filter_tag_lists([first.pk])
    FilterTagging.objects.filter(work=second, tag__name="Crossover").delete()
    assert lists() == taggings()


def test_a_searchs_sidebar_counted_from_the_lists_equals_the_taggings_count(client, author):
    for n in range(12):
        WorkFactory(author=author, chapters=[f"<p>The dragon slept {n}.</p>"],
                    fandoms=["Naruto" if n % 3 else "Bleach"],
                    characters=["Haruno Sakura"] if n % 2 else ["Uzumaki Naruto"],
                    freeforms=[f"Trope {n % 4}"])
    WorkFactory(author=author, chapters=["<p>No beast here.</p>"], fandoms=["Naruto"])
    Tag.objects.update(canonical=True)
    works = Work.objects.filter(chapters__content__contains="dragon").distinct()
    ids = list(works.values_list("id", flat=True))

    from_taggings = facets_count(Work.objects.filter(pk__in=ids))
    from_lists = facets_count(Work.objects.filter(pk__in=ids),
                              matches=lambda: backend(connection.vendor).ids_sql(ids))

    assert from_lists == from_taggings
    assert [(f.name, f.count) for f in from_lists["fandom"]] == [("Naruto", 8), ("Bleach", 4)]
    shown = sidebar(client.get("/works/search", {"q": "dragon"}))
    assert shown["Fandoms"] == [("Naruto", 8), ("Bleach", 4)]
    assert shown["Characters"] == [("Haruno Sakura", 6), ("Uzumaki Naruto", 6)]


# ----------------------------------------------------------------- from another process


@pytest.fixture(scope="module")
def archive() -> Iterator[dict[str, str]]:
    """A migrated archive of its own (committed rows, seen by other processes): SQLite in a
    temporary directory, or a new PostgreSQL database beside the test one."""
    import fichive

    with tempfile.TemporaryDirectory(prefix="fichive-taglists-") as temp:
        env = {**os.environ, "FICHIVE_DATA_DIR": temp,
               "DJANGO_SETTINGS_MODULE": "fichive.settings",
               "PYTHONPATH": os.pathsep.join([str(Path(fichive.__file__).resolve().parents[1]),
                                              str(ROOT)])}
        for name in ("FICHIVE_REDIS_URL", "FICHIVE_DATABASE_REPLICA_URLS",
                     "FICHIVE_DATABASE_URL"):
            env.pop(name, None)
        database = None
        if connection.vendor == "postgresql":
            import psycopg

            base = os.environ.get("FICHIVE_TEST_POSTGRES_URL",
                                  "postgres://postgres@127.0.0.1:5432/postgres")
            database = f"fichive_taglists_{os.getpid()}"
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{database}"')
            env["FICHIVE_DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + database
        try:
            subprocess.run([sys.executable, "-m", "fichive.cli", "manage", "migrate",  # noqa: S603
                            "--verbosity", "0"], env=env, cwd=ROOT, check=True, timeout=300)
            yield env
        finally:
            if database:
                with psycopg.connect(base, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


WRITE = """
from fichive.accounts.services import user_create
from fichive.tags.models import Tag
from fichive.tags.services import tag_make_canonical, tag_make_synonym
from fichive.works.services import ChapterText, WorkMeta, work_create
author = user_create(username="writer", email="writer@example.org",
                     password="a long enough password 1")
for n in range(3):
    work_create(user=author, post=True, chapters=[ChapterText(content="<p>Rain.</p>")],
                meta=WorkMeta(title=f"W{n}", creators=[author.default_pseud],
                              fandoms=["Naruto"], freeforms=["Fluff", "fluffy fluff"][n % 2:]))
fluff = Tag.objects.get(name="Fluff")
tag_make_canonical(actor=None, tag=fluff)
tag_make_synonym(actor=None, tag=Tag.objects.get(name="fluffy fluff"), of=fluff)
"""

READ = """
import json
from collections import defaultdict
from fichive.works.filter_tags import filter_tag_lists
from fichive.works.models import FilterTagging, Work
rows = defaultdict(set)
for work_id, tag_id in FilterTagging.objects.values_list("work_id", "tag_id"):
    rows[work_id].add(tag_id)
kept = filter_tag_lists(Work.objects.values_list("id", flat=True))
print(json.dumps({"same": kept == dict(rows), "works": len(kept),
                  "fluff": sorted(len(tags) for tags in kept.values())}))
"""


def _shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "fichive.cli", "manage", "shell", "-c", code], env=env,
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_lists_written_by_one_process_are_read_by_another(archive):
    _shell(archive, WRITE)

    seen = json.loads(_shell(archive, READ).strip().splitlines()[-1])

    assert seen["same"] is True
    assert seen["works"] == 3
