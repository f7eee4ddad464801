"""Rule 7: single_threaded — several meetings, always the same one customer person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dealnudge.config.schema import Thresholds

from dealnudge.records import Finding
from tests.rules.factories import DANA, REP, Record, at, event, mail, person, run

NOW = at(25, 12)
OPS = "ops@acme.example"


def threads(now: dt.datetime, events: Sequence[Record] = (), messages: Sequence[Record] = (),
            **options: object) -> list[Finding]:
    return [f for f in run(now, events, messages, **options) if f.kind == "single_threaded"]


def three_meetings(customers: Sequence[str] = (DANA,)) -> list[Record]:
    return [event(at(day, 15), customers=customers) for day in (5, 12, 19)]


def test_three_meetings_with_one_person_are_single_threaded() -> None:
    talk = [mail(DANA, REP, at(6, 9), "Thanks for the demo."), mail(REP, DANA, at(13, 9), "Notes.")]
    [finding] = threads(NOW, three_meetings(), talk)
    assert (finding.rep, finding.account, finding.meeting_uid) == (REP, "acme.example", None)
    assert finding.evidence == DANA and finding.count == 3
    assert finding.since == at(19, 16)  # the end of the third meeting
    assert "decision maker, finance or the technical evaluators" in finding.detail


def test_a_second_customer_person_in_a_meeting_or_the_mail_ends_it() -> None:
    meetings = three_meetings()
    joined = [*meetings[:2], event(at(19, 15), customers=[DANA, OPS])]
    assert threads(NOW, joined) == []
    cc = mail(DANA, REP, at(20, 9), "Looping in our ops lead.", cc=[OPS])
    assert threads(NOW, meetings, [cc]) == []
    written_to = mail(REP, [DANA, OPS], at(20, 9), "Agenda for the review.")
    assert threads(NOW, meetings, [written_to]) == []


def test_a_person_who_declined_did_not_take_part() -> None:
    meetings = [*three_meetings()[:2],
                event(at(19, 15), customers=[DANA], extra=[person(OPS, "declined")])]
    assert len(threads(NOW, meetings)) == 1


def test_never_a_free_mail_account() -> None:
    assert threads(NOW, three_meetings(["zhang.san@qq.com"])) == []


def test_fewer_meetings_than_the_threshold() -> None:
    assert threads(NOW, three_meetings()[:2]) == []
    two = Thresholds(single_thread_min_meetings=2)
    assert len(threads(NOW, three_meetings()[:2], thresholds=two)) == 1


def test_only_meetings_within_the_active_window_count() -> None:
    assert threads(at(10, 12, month=4), three_meetings()) == []  # 5 and 12 March are too old
    cancelled = [event(at(day, 15), status="cancelled") for day in (5, 12, 19)]
    assert threads(NOW, cancelled) == []  # called off: not held
