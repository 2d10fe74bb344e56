"""API: reporting, and the moderators' queue, actions and audit log (the `moderate` scope)."""

from __future__ import annotations

import json

import pytest

from fichive.moderation.models import ModerationAction, Report
from fichive.works.models import Work
from tests.factories import WorkFactory


def post(client, url, data, headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def reported(client, author, reader, bearer_for):
    work = WorkFactory(author=author, title="Spam Tower")
    response = post(client, "/api/v1/reports", {"kind": "work", "id": work.pk,
                                                 "reason": "spam",
                                                 "description": "Link farm."},
                    bearer_for(reader, "write"))
    assert response.status_code == 201
    return work, Report.objects.get(pk=response.json()["id"])


def test_a_reader_reports_a_work_they_can_see(reported, reader):
    work, report = reported

    assert (report.kind, report.work_id, report.reporter, report.reason) == (
        "work", work.pk, reader, "spam")


def test_nobody_reports_what_they_may_not_see(client, author, reader, bearer_for):
    draft = WorkFactory(author=author, post=False)
    response = post(client, "/api/v1/reports", {"kind": "work", "id": draft.pk,
                                                 "reason": "spam", "description": "x"},
                    bearer_for(reader, "write"))

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_a_report_needs_a_description_and_a_known_reason(client, work, reader, bearer_for):
    headers = bearer_for(reader, "write")
    empty = post(client, "/api/v1/reports", {"kind": "work", "id": work.pk, "reason": "spam",
                                              "description": "  "}, headers)
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"description": ["Tell the moderators what is wrong."]}
    unknown = post(client, "/api/v1/reports", {"kind": "work", "id": work.pk,
                                                "reason": "boredom", "description": "x"},
                   headers)
    assert unknown.status_code == 400
    assert "reason" in unknown.json()["errors"]


def test_reports_past_the_limit_are_429(client, author, reader, bearer_for):
    headers = bearer_for(reader, "write")
    work = WorkFactory(author=author)
    answers = [post(client, "/api/v1/reports", {"kind": "work", "id": work.pk,
                                                 "reason": "spam", "description": f"#{n}"},
                    headers) for n in range(6)]

    assert [a.status_code for a in answers] == [201] * 5 + [429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert Report.objects.count() == 5


def test_the_queue_needs_a_moderators_moderate_token(client, reported, reader, moderator,
                                                     bearer_for):
    assert client.get("/api/v1/moderation/reports").status_code == 401
    assert client.get("/api/v1/moderation/reports",
                      **bearer_for(moderator, "read", "write")).status_code == 403
    with pytest.raises(Exception, match="moderate"):
        bearer_for(reader, "moderate")

    queue = client.get("/api/v1/moderation/reports", **bearer_for(moderator, "moderate"))
    assert queue.status_code == 200
    data = queue.json()
    assert data["total"] == 1
    assert data["reports"][0]["label"] == "Work “Spam Tower”"
    assert data["reports"][0]["reporter"] == "carol"


def test_a_token_stops_moderating_when_the_role_goes(client, reported, moderator, bearer_for):
    headers = bearer_for(moderator, "moderate")
    moderator.is_moderator = False
    moderator.save(update_fields=["is_moderator"])

    response = client.get("/api/v1/moderation/reports", **headers)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only moderators can do that."


def test_hiding_from_a_report_resolves_it_and_is_logged(client, reported, moderator,
                                                        bearer_for):
    work, report = reported
    headers = bearer_for(moderator, "moderate")

    done = post(client, f"/api/v1/moderation/reports/{report.pk}/actions",
                {"action": "hide", "reason": "Spam links."}, headers)
    assert done.status_code == 200
    assert done.json() == {"message": "“Spam Tower” is hidden."}
    work.refresh_from_db()
    report.refresh_from_db()
    assert work.state == Work.State.HIDDEN
    assert report.status == Report.Status.RESOLVED
    assert client.get(f"/api/v1/works/{work.pk}").status_code == 404

    log = client.get("/api/v1/moderation/log", **headers).json()
    assert log["actions"][0]["action"] == ModerationAction.Action.HIDE_WORK
    assert log["actions"][0]["actor"] == "mona"
    assert log["actions"][0]["report_id"] == report.pk


def test_actions_that_dont_fit_are_validation_problems(client, reported, moderator,
                                                       bearer_for):
    work, report = reported
    headers = bearer_for(moderator, "moderate")

    wrong = post(client, f"/api/v1/moderation/reports/{report.pk}/actions",
                 {"action": "delete_comment", "reason": "x"}, headers)
    assert wrong.status_code == 400
    assert wrong.json()["detail"] == "There is no comment to delete."
    no_reason = post(client, f"/api/v1/moderation/works/{work.pk}/actions",
                     {"action": "hide", "reason": ""}, headers)
    assert no_reason.status_code == 400
    not_here = post(client, f"/api/v1/moderation/works/{work.pk}/actions",
                    {"action": "ban", "reason": "x"}, headers)
    assert not_here.json()["errors"] == {"action": ["Hide or unhide a work here."]}
    work.refresh_from_db()
    assert work.state == Work.State.POSTED


def test_suspending_a_user_needs_days(client, moderator, reader, bearer_for):
    headers = bearer_for(moderator, "moderate")

    missing = post(client, "/api/v1/moderation/users/carol/actions",
                   {"action": "suspend", "reason": "Spam."}, headers)
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"days": ["Say for how many days to suspend."]}
    done = post(client, "/api/v1/moderation/users/CAROL/actions",
                {"action": "suspend", "reason": "Spam.", "days": 3}, headers)
    assert done.json() == {"message": "carol is suspended for 3 days."}
    reader.refresh_from_db()
    assert reader.is_suspended
    assert post(client, "/api/v1/moderation/users/nobody/actions",
                {"action": "ban", "reason": "x"}, headers).status_code == 404
