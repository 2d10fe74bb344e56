"""/opds/v2/: the same catalog as OPDS 2.0 JSON (navigation, publications with metadata and
acquisition links, facets, templated search, pagination), and both versions read by Readium's
r2-opds-js, the parser Thorium Reader uses (when it is installed: see READIUM_DIR)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fichive.formats.own import work_urn
from fichive.tags.services import tag_make_canonical, tag_set_media
from tests.factories import WorkFactory
from tests.opds.conftest import OPEN_ACCESS, local, tag

OPDS2 = "application/opds+json"
# Where `npm install --ignore-scripts r2-opds-js@1.0.47` put its node_modules.
READIUM_DIR = Path(os.environ.get("FICHIVE_READIUM_NODE_MODULES", "/opt/fichive-node/node_modules"))
PARSER = Path(__file__).with_name("readium_parse.js")


def feed2(response) -> dict:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == OPDS2
    data = json.loads(response.content)
    assert data["metadata"]["title"]
    rels = {link["rel"] for link in data["links"]}
    assert {"self", "start", "search"} <= rels
    assert ("navigation" in data) != ("publications" in data)
    for publication in data.get("publications", []):
        meta = publication["metadata"]
        for name in ("identifier", "title", "author", "modified", "language"):
            assert name in meta, name
        epub = [link for link in publication["links"] if link.get("type") == "application/epub+zip"]
        assert len(epub) == 1 and epub[0]["rel"] == OPEN_ACCESS
    return data


def test_the_root_lists_the_same_feeds_as_json(client, work):
    data = feed2(client.get("/opds/v2/"))

    assert [n["title"] for n in data["navigation"]][:2] == ["Recently updated",
                                                            "Recently posted"]
    assert all(n["type"] == OPDS2 for n in data["navigation"])
    assert local(data["navigation"][0]["href"]) == "/opds/v2/works?sort=updated"
    search = next(link for link in data["links"] if link["rel"] == "search")
    assert search["templated"] is True and search["href"].endswith("/opds/v2/search{?query}")


def test_publications_carry_metadata_links_facets_and_pages(client, author):
    work = WorkFactory(author=author, title="North Wind", freeforms=["Winter"],
                       summary="<p>Cold <em>nights</em>.</p>")
    WorkFactory(author=author, title="Other", anonymous=True)

    data = feed2(client.get("/opds/v2/works?sort=title&order=asc"))

    assert data["metadata"]["numberOfItems"] == 2 and data["metadata"]["currentPage"] == 1
    first, second = data["publications"]
    assert first["metadata"]["identifier"] == work_urn(work.pk)
    assert first["images"][0]["type"] == "image/png"
    assert first["metadata"]["author"][0]["name"] == "alice"
    assert second["metadata"]["author"] == [{"name": "Anonymous"}]
    assert "<em>nights</em>" in first["metadata"]["description"]
    assert {"name": "Winter", "code": "Winter"} .items() <= {
        k: v for s in first["metadata"]["subject"] if s["name"] == "Winter"
        for k, v in s.items()}.items()
    facets = {group["metadata"]["title"]: group["links"] for group in data["facets"]}
    assert set(facets) == {"Sort by", "Completion", "Rating"}
    assert [link["title"] for link in facets["Sort by"]
            if link.get("properties", {}).get("active")] == []
    rels = {link["rel"] for link in data["links"]}
    assert {"first", "last", "http://opds-spec.org/sort/new"} <= rels


def test_search_through_the_templated_link(client, author):
    WorkFactory(author=author, title="Dragons Below")
    WorkFactory(author=author, title="Gardens Above")

    data = feed2(client.get("/opds/v2/search?query=dragons"))

    assert [p["metadata"]["title"] for p in data["publications"]] == ["Dragons Below"]
    assert data["metadata"]["title"] == "Search: dragons"
    assert feed2(client.get("/opds/v2/search?q=gardens"))["publications"][0]["metadata"][
        "title"] == "Gardens Above"


def test_restricted_works_stay_out_for_guests(guest, author, reader_client):
    WorkFactory(author=author, title="Members Only", restricted=True)

    assert feed2(guest.get("/opds/v2/works"))["publications"] == []
    assert len(feed2(reader_client.get("/opds/v2/works"))["publications"]) == 1


def _readium(kind: str, content: bytes, tmp_path: Path) -> dict:
    node = shutil.which("node")
    if node is None or not (READIUM_DIR / "r2-opds-js").is_dir():
        pytest.skip(f"r2-opds-js is not installed in {READIUM_DIR}: npm install "
                    "--ignore-scripts r2-opds-js@1.0.47 there (or set "
                    "FICHIVE_READIUM_NODE_MODULES)")
    path = tmp_path / f"feed.{kind}"
    path.write_bytes(content)
    run = subprocess.run([node, str(PARSER), kind, str(path)], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "NODE_PATH": str(READIUM_DIR)})
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("kind", "prefix"), [("atom", "/opds/"), ("json", "/opds/v2/")])
def test_readiums_parser_reads_both_versions(kind, prefix, client, author, tmp_path):
    WorkFactory(author=author, title="Read by Thorium", freeforms=["Boats"], language="fr")

    root = _readium(kind, client.get(prefix).content, tmp_path)
    works = _readium(kind, client.get(f"{prefix}works").content, tmp_path)

    assert root["title"] == "Fichive"
    assert "Browse by fandom" in [n["title"] for n in root["navigation"]]
    assert works["total"] == 1
    publication = works["publications"][0]
    assert publication["title"] == "Read by Thorium"
    assert publication["authors"] == ["alice"]
    assert "Boats" in publication["subjects"]
    assert any(link["type"] == "application/epub+zip" and OPEN_ACCESS in link["rel"]
               for link in publication["links"])
    assert {"Sort by", "Completion", "Rating"} <= {f["title"] for f in works["facets"]}


def test_walk_the_json_catalog_from_the_root_to_a_download(guest, author, wrangler):
    WorkFactory(author=author, title="Tea & <Biscuits>", fandoms=["Cosy Tales"])
    fandom = tag("Cosy Tales")
    tag_make_canonical(actor=wrangler, tag=fandom)
    tag_set_media(actor=wrangler, fandom=fandom, media="Books & Literature")

    def follow(data: dict, title: str) -> dict:
        href = next(n["href"] for n in data["navigation"] if n["title"] == title)
        return feed2(guest.get(local(href)))

    books = follow(follow(feed2(guest.get("/opds/v2/")), "Browse by fandom"),
                   "Books & Literature")
    works = follow(follow(books, "Cosy Tales"), "All works in Cosy Tales")
    publication = works["publications"][0]
    assert publication["metadata"]["title"] == "Tea & <Biscuits>"
    epub = next(link["href"] for link in publication["links"]
                if link.get("type") == "application/epub+zip")

    download = guest.get(local(epub))

    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/epub+zip")
