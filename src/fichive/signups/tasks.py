"""The daily sending of invitations from the queue: runs at midnight (UTC), sends the day's
number, and queues itself for the next midnight while people wait."""

from __future__ import annotations

from fichive.lib.tasks import retrying_task


@retrying_task()
def send_daily_invitations() -> int:
    from fichive.signups.selectors import waiting
    from fichive.signups.services import invitations_schedule, invitations_send_daily

    result = invitations_send_daily()
    if waiting():
        invitations_schedule()
    if result.failed:
        raise RuntimeError("An invitation mail failed; the rest wait for the retry")
    return result.sent
