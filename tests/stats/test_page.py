"""/users/<name>/stats: the author's own works (every pseud, anonymous ones too, no drafts),
per work and in total; all years from the works' counters, a year from the daily counts;
sortable by each column with plain links; two server-drawn SVG charts; a CSV download with
the same filters; only for the author; a fixed number of queries."""

from __future__ import annotations

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.accounts.services import pseud_create
from fichive.stats.services import Counts, work_stats_add
from fichive.subscriptions.services import subscription_create
from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.stats.conftest import shown, this_year

pytestmark = pytest.mark.django_db

SVG = re.compile(r"<svg\b.*?</svg>", re.S)
NS = "{http://www.w3.org/2000/svg}"


def parse_svg(text: str) -> ET.Element:
    """The chart as XML: it must be well formed (our own page's markup)."""
    return ET.fromstring(text)  # noqa: S314 - the page under test, not outside input


def counters(work: Work, **values: int) -> None:
    Work.objects.filter(pk=work.pk).update(**values)


@pytest.fixture
def shelf(author, co_author):
    """alice's works: two of her own, one with bob, one anonymous, one under a second pseud,
    a draft; and one of bob's alone."""
    second = pseud_create(user=author, name="Quillfeather")
    works = {
        "own": WorkFactory(author=author, title="Lanterns"),
        "more": WorkFactory(author=author, title="Bridges"),
        "shared": WorkFactory(author=author, title="Shared Roads",
                              creators=[author.default_pseud, co_author.default_pseud]),
        "anon": WorkFactory(author=author, title="Quiet Hours"),
        "pseud": WorkFactory(author=author, title="Feathers", creators=[second]),
        "draft": WorkFactory(author=author, title="Unfinished Draft", post=False),
        "bobs": WorkFactory(author=co_author, title="Bob Alone"),
    }
    Work.objects.filter(pk=works["anon"].pk).update(anonymous=True)
    return works


# --- who may see it ----------------------------------------------------------------------


def test_guests_are_sent_to_log_in(client, author):
    response = client.get(f"/users/{author.username}/stats")
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert client.get(f"/users/{author.username}/stats.csv").status_code == 302


def test_another_user_is_refused(reader_client, author):
    assert reader_client.get(f"/users/{author.username}/stats").status_code == 403
    assert reader_client.get(f"/users/{author.username}/stats.csv").status_code == 403


def test_no_such_user_is_404(author_client):
    assert author_client.get("/users/nobody-here/stats").status_code == 404


def test_the_dashboard_nav_links_to_stats_for_the_owner_only(author_client, author):
    page = shown(author_client, author.username)
    assert f'href="/users/{author.username}/stats"' in page["html"]
    html = author_client.get(f"/users/{author.username}/subscriptions").content.decode()
    assert f'href="/users/{author.username}/stats">Stats</a>' in html


# --- what it counts ----------------------------------------------------------------------


def test_all_years_shows_each_works_counters_and_the_totals(author_client, author, shelf,
                                                           reader):
    counters(shelf["own"], hits=120, kudos_count=9, bookmarks_count=3)
    counters(shelf["shared"], hits=30, kudos_count=1)
    counters(shelf["anon"], hits=5)
    counters(shelf["draft"], hits=999)
    counters(shelf["bobs"], hits=777)
    subscription_create(user=reader, work=shelf["own"])
    Work.objects.filter(pk=shelf["own"].pk).update(comment_permission="everyone")
    from fichive.comments.services import comment_post
    top = comment_post(work=shelf["own"], user=reader, content="So good.")
    comment_post(work=shelf["own"], user=author, content="Thank you!", parent=top)

    page = shown(author_client, author.username)

    titles = {w["title"] for w in page["works"].values()}
    assert titles == {"Lanterns", "Bridges", "Shared Roads", "Quiet Hours", "Feathers"}
    own = page["works"][shelf["own"].pk]
    assert (own["hits"], own["kudos"], own["bookmarks"], own["subscriptions"],
            own["comment_threads"]) == (120, 9, 3, 1, 1)
    assert page["total"]["hits"] == 155
    assert page["total"]["kudos"] == 10
    assert page["total"]["words"] == sum(
        Work.objects.filter(pk__in=list(page["works"])).values_list("word_count", flat=True))
    assert "(Anonymous)" in page["html"]
    assert "Unfinished Draft" not in page["html"] and "Bob Alone" not in page["html"]


def test_a_year_shows_what_the_daily_counts_say_for_it(author_client, author, shelf):
    this = this_year()
    work_stats_add(rows=[
        (shelf["own"].pk, datetime.date(this - 1, 6, 1), Counts(hits=40, kudos=4)),
        (shelf["own"].pk, datetime.date(this, 1, 2), Counts(hits=7, kudos=1, bookmarks=2)),
        (shelf["own"].pk, datetime.date(this, 2, 2), Counts(bookmarks=-1, subscriptions=1)),
        (shelf["more"].pk, datetime.date(this, 3, 3), Counts(hits=3)),
        (shelf["bobs"].pk, datetime.date(this, 3, 3), Counts(hits=500)),
    ])
    counters(shelf["own"], hits=1000)

    page = shown(author_client, author.username, year=this)
    own = page["works"][shelf["own"].pk]
    assert (own["hits"], own["kudos"], own["bookmarks"], own["subscriptions"]) == (7, 1, 1, 1)
    assert page["total"]["hits"] == 10

    earlier = shown(author_client, author.username, year=this - 1)
    assert earlier["works"][shelf["own"].pk]["hits"] == 40
    assert earlier["total"]["hits"] == 40
    # The years with daily counts are offered, and All years.
    assert f'>{this - 1}</a>' in page["html"] and ">All years</a>" in page["html"]
    assert f'aria-current="page">{this}</span>' in page["html"]


def test_a_year_not_understood_says_so_and_shows_all_years(author_client, author, shelf):
    counters(shelf["own"], hits=12)
    page = shown(author_client, author.username, year="soon")
    assert "Year: choose a year such as" in page["html"]
    assert page["works"][shelf["own"].pk]["hits"] == 12
    assert shown(author_client, author.username, year="99999999")["total"]["hits"] == 12
    page = shown(author_client, author.username, sort="nonsense", order="sideways")
    assert "Sort by: choose one of the columns" in page["html"]
    assert "Order: choose asc or desc." in page["html"]


# --- sorting -----------------------------------------------------------------------------


def test_sorted_by_hits_by_default_and_by_any_column_either_way(author_client, author, shelf):
    counters(shelf["own"], hits=5, kudos_count=50)
    counters(shelf["more"], hits=50, kudos_count=5)
    counters(shelf["shared"], hits=20, kudos_count=20)
    ids = [shelf[k].pk for k in ("more", "shared", "own")]

    order = shown(author_client, author.username)["order"]
    assert order[:3] == ids

    order = shown(author_client, author.username, sort="kudos")["order"]
    assert order[:3] == ids[::-1]
    order = shown(author_client, author.username, sort="kudos", order="asc")["order"]
    assert order[-3:] == ids

    titles = [shown(author_client, author.username, sort="title")["works"][i]["title"]
              for i in shown(author_client, author.username, sort="title")["order"]]
    assert titles == sorted(titles, key=str.casefold)


def test_column_links_sort_by_that_column_and_reverse_the_current_one(author_client, author,
                                                                      shelf):
    html = shown(author_client, author.username, year=this_year(), sort="hits")["html"]
    base = f"/users/{author.username}/stats?year={this_year()}"
    assert f'href="{base}&amp;sort=hits&amp;order=asc">Hits</a>' in html
    assert f'href="{base}&amp;sort=kudos&amp;order=desc">Kudos</a>' in html
    assert f'href="{base}&amp;sort=title&amp;order=asc">Title</a>' in html
    assert 'aria-sort="descending"' in html


# --- the charts --------------------------------------------------------------------------


def test_the_charts_are_well_formed_svg_with_a_title_and_a_bar_per_month(author_client,
                                                                         author, shelf):
    this = this_year()
    work_stats_add(rows=[(shelf["own"].pk, datetime.date(this, 3, 9), Counts(hits=1234,
                                                                             kudos=56))])
    html = shown(author_client, author.username, year=this)["html"]
    charts = [parse_svg(svg) for svg in SVG.findall(html)]
    assert len(charts) == 2
    hits, kudos = charts
    assert hits.find(f"{NS}title").text == f"Hits per month in {this}"
    assert "Mar " + str(this) + ": 1,234" in hits.find(f"{NS}desc").text
    assert kudos.find(f"{NS}title").text == f"Kudos per month in {this}"
    bars = hits.findall(f"{NS}g/{NS}rect")
    assert len(bars) == 12
    assert [b.find(f"{NS}title").text for b in bars][2] == f"Mar {this}: 1,234 hits"
    tallest = max(bars, key=lambda b: float(b.get("height")))
    assert bars.index(tallest) == 2
    labels = [t.text for t in hits.iter(f"{NS}text")]
    assert "Jan" in labels and "Dec" in labels and "0" in labels
    assert hits.get("role") == "img"
    # The numbers are also there as a table, without the picture.
    assert "<th scope=\"row\">Mar " + str(this) + "</th><td>1,234</td><td>56</td>" in html


def test_all_years_charts_run_from_the_first_month_with_counts(author_client, author, shelf):
    work_stats_add(rows=[(shelf["own"].pk, datetime.date(this_year() - 1, 11, 5),
                          Counts(hits=3))])
    html = shown(author_client, author.username)["html"]
    hits = parse_svg(SVG.findall(html)[0])
    assert hits.find(f"{NS}title").text == "Hits per month over all years"
    names = [b.find(f"{NS}title").text for b in hits.findall(f"{NS}g/{NS}rect")]
    assert names[0] == f"Nov {this_year() - 1}: 3 hits"


def test_a_long_history_is_charted_by_year(author_client, author, shelf):
    work_stats_add(rows=[(shelf["own"].pk, datetime.date(this_year() - 5, 1, 5),
                          Counts(kudos=2))])
    html = shown(author_client, author.username)["html"]
    kudos = parse_svg(SVG.findall(html)[1])
    assert kudos.find(f"{NS}title").text == "Kudos per year over all years"
    names = [b.find(f"{NS}title").text for b in kudos.findall(f"{NS}g/{NS}rect")]
    assert names == [f"{y}: {2 if y == this_year() - 5 else 0} kudos"
                     for y in range(this_year() - 5, this_year() + 1)]


def test_no_works_yet_still_draws_empty_charts(author_client, author):
    page = shown(author_client, author.username)
    assert "You haven't posted any works yet" in page["html"]
    for svg in SVG.findall(page["html"]):
        parse_svg(svg)


# --- CSV ---------------------------------------------------------------------------------


def test_the_csv_has_the_table_and_the_total_with_the_same_filters(author_client, author):
    tricky = WorkFactory(author=author, title='=HYPERLINK("http://x.test","go")')
    plain = WorkFactory(author=author, title='Commas, and "quotes"')
    minus = WorkFactory(author=author, title="-1 Lives")
    counters(tricky, hits=3)
    counters(plain, hits=2, kudos_count=4)
    work_stats_add(rows=[(plain.pk, datetime.date(this_year(), 1, 1), Counts(hits=1))])

    response = author_client.get(f"/users/{author.username}/stats.csv",
                                 {"sort": "title", "order": "asc"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Title", "Posted", "Word count", "Hits", "Kudos", "Comment threads",
                       "Bookmarks", "Subscriptions", "URL"]
    titles = [r[0] for r in rows[1:-1]]
    assert titles == ["'-1 Lives", "'=HYPERLINK(\"http://x.test\",\"go\")",
                      'Commas, and "quotes"']
    assert rows[3][3:5] == ["2", "4"]
    assert rows[3][8].endswith(f"/works/{plain.pk}")
    assert rows[-1][0] == "Total" and rows[-1][3] == "5" and rows[-1][4] == "4"
    assert rows[1][8].endswith(f"/works/{minus.pk}")

    year = author_client.get(f"/users/{author.username}/stats.csv", {"year": this_year()})
    rows = list(csv.reader(io.StringIO(year.content.decode())))
    assert rows[-1][3] == "1"
    assert f"stats-{this_year()}.csv" in year["Content-Disposition"]


def test_the_page_links_to_the_csv_with_its_filters(author_client, author):
    html = shown(author_client, author.username, year=this_year(), sort="kudos")["html"]
    assert (f'href="/users/{author.username}/stats.csv?year={this_year()}&amp;sort=kudos'
            f'&amp;order=desc">Download CSV</a>') in html


# --- queries -----------------------------------------------------------------------------


@pytest.mark.parametrize("year", [None, "this"])
def test_the_page_takes_the_same_queries_for_3_or_15_works(author_client, author, reader,
                                                           django_assert_num_queries, year):
    query = {} if year is None else {"year": this_year()}

    def add(n: int) -> None:
        for _ in range(n):
            work = WorkFactory(author=author)
            subscription_create(user=reader, work=work)
            work_stats_add(rows=[(work.pk, datetime.date(this_year(), 1, 1), Counts(hits=2))])

    add(3)
    with CaptureQueriesContext(connection) as three:
        assert author_client.get(f"/users/{author.username}/stats", query).status_code == 200
    add(12)
    with django_assert_num_queries(len(three)):
        response = author_client.get(f"/users/{author.username}/stats", query)
    assert response.content.decode().count('<th scope="row" class="title">') == 15
