"""Rule 6: repeated_reschedules — meetings with an account called off or moved again and again."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from dealnudge.config.schema import Thresholds

from dealnudge.records import CalendarEvent, Finding
from tests.rules.factories import DANA, REP, Record, at, event, run

NOW = at(20, 12)


def reschedules(now: dt.datetime, events: Sequence[Record], **options: object) -> list[Finding]:
    return [f for f in run(now, events, (), **options) if f.kind == "repeated_reschedules"]


def cancelled(day: int, changed: dt.datetime | None = None, month: int = 3) -> CalendarEvent:
    return event(at(day, 15, month=month), status="cancelled",
                 updated=changed or at(day - 1, 9, month=month))


def moved(first: dt.datetime, now_at: dt.datetime, changed: dt.datetime) -> CalendarEvent:
    return dataclasses.replace(event(now_at, updated=changed), first_start=first)


def test_two_meetings_called_off_make_a_finding() -> None:
    [finding] = reschedules(NOW, [cancelled(12), cancelled(18)])
    assert (finding.rep, finding.account, finding.meeting_uid) == (REP, "acme.example", None)
    assert finding.count == 2 and finding.to_json()["count"] == 2
    assert finding.since == at(17, 9)  # the second call-off's stamp
    assert "cancelled" in (finding.evidence or "")
    assert "pin down the next date now" in finding.detail.lower()


def test_a_single_cancellation_is_not_a_pattern() -> None:
    assert reschedules(NOW, [cancelled(18)]) == []
    assert len(reschedules(NOW, [cancelled(18)], thresholds=Thresholds(reschedule_min_count=1))) == 1


def test_cancellations_older_than_the_window_do_not_count() -> None:
    old = [cancelled(2, month=2), cancelled(9, month=2)]
    assert reschedules(NOW, old) == []
    assert len(reschedules(NOW, old, thresholds=Thresholds(reschedule_window_days=60))) == 1
    assert reschedules(NOW, [cancelled(2, month=2), cancelled(18)]) == []


def test_declined_by_every_customer_and_moved_meetings_count() -> None:
    declined = event(at(24, 15), customers=[DANA, "ops@acme.example"],
                     customer_response="declined", updated=at(16, 9))
    shifted = moved(at(19, 15), at(26, 15), changed=at(18, 11))
    [finding] = reschedules(NOW, [declined, shifted])
    assert finding.count == 2
    assert "declined by the customer" in (finding.evidence or "")
    assert "moved from" in (finding.evidence or "")


def test_a_meeting_one_customer_still_attends_was_not_called_off() -> None:
    half = event(at(24, 15), customers=[DANA], updated=at(16, 9),
                 extra=[dataclasses.replace(event(at(1)).participants[1], email="ops@acme.example",
                                            response="declined")])
    assert reschedules(NOW, [half, cancelled(18)]) == []


def test_an_unmoved_meeting_with_its_first_start_is_not_moved() -> None:
    same = dataclasses.replace(event(at(26, 15), updated=at(18, 9)), first_start=at(26, 15))
    assert reschedules(NOW, [same, cancelled(18)]) == []


def test_one_meeting_moved_twice_then_cancelled_counts_once() -> None:
    uid = "series@northwind.example"
    first = moved(at(21, 15), at(23, 15), changed=at(15, 9))
    again = dataclasses.replace(first, uid=uid, source_id="a")
    gone = dataclasses.replace(cancelled(25), uid=uid, source_id="b")
    assert reschedules(NOW, [again, gone]) == []


def test_meetings_are_dated_by_their_start_not_by_change_stamps() -> None:
    regenerated = NOW + dt.timedelta(days=200)  # an export stamping every event when written
    old = [cancelled(2, changed=regenerated, month=2), cancelled(9, changed=regenerated, month=2)]
    assert reschedules(NOW, old) == []
    stale = at(1, 9, month=1)  # a calendar that never updates the stamp
    recent = [cancelled(12, changed=stale), cancelled(18, changed=stale)]
    assert len(reschedules(NOW, recent)) == 1


def test_upcoming_meetings_called_off_count_and_since_stays_put() -> None:
    calls = [cancelled(24, changed=at(15, 9)), cancelled(27, changed=at(16, 9))]
    [finding] = reschedules(NOW, calls)
    assert finding.since == at(16, 9) and finding.count == 2
    assert reschedules(NOW + dt.timedelta(days=1), calls)[0].since == finding.since


def test_a_move_is_dated_by_the_start_it_was_moved_from() -> None:
    recent = moved(at(22, 15), at(29, 15), changed=at(1, 9, month=1))
    [finding] = reschedules(NOW, [recent, cancelled(18)])
    assert finding.count == 2
    old_move = moved(at(2, 15, month=1), at(9, 15, month=3), changed=at(15, 9))
    assert reschedules(NOW, [old_move, cancelled(18)]) == []
