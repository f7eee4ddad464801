"""Rule 5: slipped_commitment — a dated customer promise whose day passed in silence."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from dealnudge.config.schema import Thresholds

from dealnudge.records import Finding
from tests.rules.factories import DANA, REP, Record, at, event, mail, rep_view, run

NOW = at(10, 12)
PROMISE = "We'll send you the signed NDA by Wednesday, March 4."  # written Monday 2 March


def slipped(now: dt.datetime, events: Sequence[Record] = (), messages: Sequence[Record] = (),
            **options: object) -> list[Finding]:
    return [f for f in run(now, events, messages, **options) if f.kind == "slipped_commitment"]


def promise(day: int = 2, body: str = PROMISE, month: int = 3) -> Record:
    return mail(DANA, REP, at(day, 15, month=month), f"Hi Sarah,\n\n{body}\n\nDana",
                message_id=f"promise-{month}-{day}@acme.example")


def test_a_promise_whose_day_passed_in_silence_has_slipped() -> None:
    [finding] = slipped(NOW, messages=[promise()])
    assert (finding.rep, finding.account, finding.meeting_uid) == (REP, "acme.example", None)
    assert finding.due == dt.date(2026, 3, 4)
    assert finding.evidence == PROMISE
    assert finding.message_id == "promise-3-2@acme.example"
    # 4 March ends at midnight New York time (05:00 UTC on the 5th); two days of grace
    assert finding.since == at(7, 5)
    assert "ask what happened and for a new date" in finding.detail.lower()
    payload = finding.to_json()
    assert payload["due"] == "2026-03-04" and payload["evidence"] == PROMISE
    assert payload["meeting_uid"] is None


def test_not_before_the_grace_period_has_passed() -> None:
    assert slipped(at(7, 4, 59), messages=[promise()]) == []
    assert len(slipped(at(7, 5, 1), messages=[promise()])) == 1
    assert slipped(NOW, messages=[promise()], thresholds=Thresholds(slip_grace_days=6)) == []


def test_the_day_is_read_in_the_reps_zone() -> None:
    shanghai = rep_view(zone=ZoneInfo("Asia/Shanghai"))
    [finding] = slipped(NOW, messages=[promise()], reps=[shanghai])
    assert finding.since == at(6, 16)  # midnight 5 March in Shanghai is 16:00 UTC on the 4th


def test_a_customer_action_after_the_promise_clears_it() -> None:
    reply = mail(DANA, REP, at(6, 9), "Sorry, still with legal.")
    assert slipped(NOW, messages=[promise(), reply]) == []
    held = event(at(5, 15))  # a meeting held with Dana attending
    assert slipped(NOW, [held], [promise()]) == []
    ahead = event(at(16, 15), organizer=DANA)  # Dana organised a meeting that starts later
    assert slipped(NOW, [ahead], [promise()]) == []


def test_meetings_that_do_not_show_the_customer_acting_do_not_clear_it() -> None:
    declined = event(at(5, 15), customer_response="declined")
    cancelled = event(at(6, 15), status="cancelled")
    unanswered = event(at(16, 15), customer_response="needs_action")  # still ahead
    assert len(slipped(NOW, [declined, cancelled, unanswered], [promise()])) == 1


def test_a_newer_promise_supersedes_the_older_one() -> None:
    recap = mail(REP, DANA, at(3, 14),
                 "As agreed, you'll bring your CFO to the review on Friday, March 13.")
    assert slipped(NOW, messages=[promise(), recap]) == []
    [later] = slipped(at(17, 12), messages=[promise(), recap])
    assert later.due == dt.date(2026, 3, 13) and later.evidence and "CFO" in later.evidence


def test_the_reps_own_promise_never_counts() -> None:
    own = mail(REP, DANA, at(2, 15), "I'll send you the quote by Wednesday, March 4.")
    assert slipped(NOW, messages=[own]) == []


def test_a_day_older_than_the_active_window_is_left_alone() -> None:
    old = promise(day=5, month=1, body="Legal will return the redlined contract by "
                                       "end of day Wednesday, January 7.")
    assert slipped(NOW, messages=[old]) == []
    wide = Thresholds(active_within_days=90)
    assert [f.due for f in slipped(NOW, messages=[old], thresholds=wide)] == [dt.date(2026, 1, 7)]


def test_a_chinese_promise_slips_the_same_way() -> None:
    wang = "wang.zong@huaxin.cn"
    body = "李经理您好，\n\n我们下周三前把签好的保密协议发给你们。\n\n王总"
    written = dt.datetime(2026, 2, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
    [finding] = slipped(NOW, messages=[mail(wang, REP, written, body)])
    assert finding.account == "huaxin.cn" and finding.due == dt.date(2026, 3, 4)
    assert finding.evidence == "我们下周三前把签好的保密协议发给你们。"


def test_the_identity_follows_the_promise() -> None:
    [first] = slipped(NOW, messages=[promise()])
    moved = dataclasses.replace(first, message_id="other@acme.example")
    assert first.key != moved.key
    assert first.key == slipped(at(12), messages=[promise()])[0].key
