"""Rule 1 (which events are customer meetings) and rule 2 (missing_follow_up).

The next-step window is pushed far out here so these tests look at one rule only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from dealnudge.analyzer.rules import analyze
from dealnudge.config.schema import Thresholds

from dealnudge.records import Finding
from tests.rules.factories import (
    DANA,
    REP,
    REP2,
    Record,
    at,
    event,
    kinds,
    mail,
    make_input,
    person,
    rep_view,
    run,
)

ONLY_FOLLOW_UP = Thresholds(follow_up_within_hours=24, next_step_within_hours=10_000)
MEETING = event(at(3, 14), title="Pricing workshop", uid="workshop@acme.example")
LATER = at(5)


def follow_ups(now: dt.datetime, events: Sequence[Record], messages: Sequence[Record] = (),
               **options: object) -> list[Finding]:
    options.setdefault("thresholds", ONLY_FOLLOW_UP)
    return [f for f in run(now, events, messages, **options) if f.kind == "missing_follow_up"]


def test_meeting_without_follow_up_is_reported_once_its_window_ends() -> None:
    [finding] = follow_ups(LATER, [MEETING])
    assert (finding.rep, finding.account, finding.meeting_uid) == (
        REP, "acme.example", "workshop@acme.example")
    assert finding.since == at(4, 15)  # end + 24 h
    assert finding.meeting_key == "workshop@acme.example/2026-03-03T14:00:00+00:00"
    assert finding.meeting_title == "Pricing workshop"
    # quoted in the rep's own zone: 14:00 UTC is 09:00 in New York
    assert "Pricing workshop" in finding.detail and "Tue 3 Mar 2026, 09:00" in finding.detail


def test_no_finding_until_the_window_has_passed() -> None:
    assert follow_ups(at(4, 14, 59), [MEETING]) == []
    assert follow_ups(at(4, 15), [MEETING]) == []
    assert len(follow_ups(at(4, 15, 1), [MEETING])) == 1


def test_follow_up_in_time_clears() -> None:
    recap = mail(REP, DANA, at(3, 16), "Thanks for today, slides attached.")
    assert follow_ups(LATER, [MEETING], [recap]) == []


def test_late_follow_up_clears_once_sent() -> None:
    late = mail(REP, DANA, at(6, 9), "Sorry for the delay, here are the slides.")
    assert len(follow_ups(at(6, 8), [MEETING], [late])) == 1  # not sent yet at that instant
    assert follow_ups(at(6, 10), [MEETING], [late]) == []


def test_agenda_sent_before_the_meeting_does_not_count() -> None:
    agenda = mail(REP, DANA, at(3, 13), "Agenda for this afternoon.")
    assert len(follow_ups(LATER, [MEETING], [agenda])) == 1


def test_mail_to_anyone_at_the_account_counts() -> None:
    recap = mail(REP, "cfo@mail.acme.example", at(3, 18), "Recap attached.")
    assert follow_ups(LATER, [MEETING], [recap]) == []


def test_mail_to_another_account_or_a_colleague_does_not_count() -> None:
    other = mail(REP, "sam@globex.example", at(3, 18), "Recap attached.")
    internal = mail(REP, REP2, at(3, 18), "Notes from the Acme call.")
    assert len(follow_ups(LATER, [MEETING], [other, internal])) == 1


def test_mail_from_an_alias_counts_and_auto_replies_do_not() -> None:
    rep = rep_view(REP, "sarah@sales.northwind.example")
    auto = mail(REP, DANA, at(3, 18), "I am out of the office.", auto=True)
    assert len(follow_ups(LATER, [MEETING], [auto], reps=[rep])) == 1
    alias = mail("sarah@sales.northwind.example", DANA, at(3, 18), "Recap attached.")
    assert follow_ups(LATER, [MEETING], [alias], reps=[rep]) == []


def test_cancelled_declined_all_day_and_unfinished_events_are_not_meetings() -> None:
    assert follow_ups(LATER, [event(at(3, 14), status="cancelled")]) == []
    assert follow_ups(LATER, [event(at(3, 14), rep_response="declined")]) == []
    assert follow_ups(LATER, [event(at(3), hours=24, all_day=True)]) == []
    assert follow_ups(at(3, 14, 30), [event(at(3, 14))]) == []


def test_declined_through_an_alias_address() -> None:
    rep = rep_view(REP, "sarah@sales.northwind.example")
    declined = event(at(3, 14), extra=[person("sarah@sales.northwind.example", "declined")])
    declined = dataclasses.replace(declined, participants=declined.participants[1:])
    assert follow_ups(LATER, [declined], reps=[rep]) == []


def test_events_without_a_customer_are_not_meetings() -> None:
    internal = event(at(3, 14), customers=[REP2])
    room = event(at(3, 14), customers=[], extra=[
        person("c_1882@resource.calendar.google.com", resource=True),
        person("boardroom@northwind-rooms.example", resource=True)])
    bot = event(at(3, 14), customers=["calendar-notification@google.com", "noreply@acme.example"])
    ignored = event(at(3, 14), customers=["dana@partner.example"])
    assert follow_ups(LATER, [internal, room, bot, ignored], ignore=["@partner.example"]) == []


def test_customer_organiser_alone_makes_it_a_customer_meeting() -> None:
    invite = event(at(3, 14), customers=[], organizer=DANA)
    [finding] = follow_ups(LATER, [invite])
    assert finding.account == "acme.example"


def test_free_mail_customer_account_is_the_address() -> None:
    [finding] = follow_ups(LATER, [event(at(3, 14), customers=["zhang.san@qq.com"])])
    assert finding.account == "zhang.san@qq.com"


def test_shared_meeting_is_one_meeting_and_each_attending_rep_owns_the_follow_up() -> None:
    reps = [rep_view(REP), rep_view(REP2)]
    copy1 = event(at(3, 14), uid="shared@acme.example")
    copy2 = dataclasses.replace(copy1, source_id="other-calendar-id")
    findings = follow_ups(LATER, [(REP, copy1), (REP2, copy2)], reps=reps)
    assert kinds(findings) == [(REP2, "missing_follow_up", "acme.example"),
                               (REP, "missing_follow_up", "acme.example")]
    assert len({f.meeting_key for f in findings}) == 1
    recap = mail(REP, DANA, at(3, 16), "Recap attached.")
    remaining = follow_ups(LATER, [(REP, copy1), (REP2, copy2)], [(REP, recap)], reps=reps)
    assert kinds(remaining) == [(REP2, "missing_follow_up", "acme.example")]


def test_a_rep_who_declined_a_shared_meeting_owes_nothing() -> None:
    reps = [rep_view(REP), rep_view(REP2)]
    copy1 = event(at(3, 14), uid="shared@acme.example")
    copy2 = event(at(3, 14), uid="shared@acme.example", rep=REP2, rep_response="declined")
    assert kinds(follow_ups(LATER, [(REP, copy1), (REP2, copy2)], reps=reps)) == [
        (REP, "missing_follow_up", "acme.example")]


def test_duplicate_copies_on_one_calendar_are_one_meeting() -> None:
    copy = dataclasses.replace(MEETING, source_id="second-calendar")
    assert len(follow_ups(LATER, [MEETING, copy])) == 1


def test_recurring_occurrences_are_separate_meetings() -> None:
    first = event(at(2, 14), uid="weekly@acme.example")
    second = event(at(3, 14), uid="weekly@acme.example")
    findings = follow_ups(LATER, [first, second])
    assert [f.meeting_start for f in findings] == [at(2, 14), at(3, 14)]
    assert len({f.key for f in findings}) == 2


def test_records_for_unknown_reps_are_ignored() -> None:
    inp = make_input([("stranger@northwind.example", MEETING)], thresholds=ONLY_FOLLOW_UP)
    assert analyze(inp, LATER) == []


def test_a_meeting_every_customer_declined_is_not_a_meeting() -> None:
    assert follow_ups(LATER, [event(at(3, 14), customer_response="declined")]) == []
    mixed = event(at(3, 14), customers=[DANA, "cfo@acme.example"], customer_response="declined",
                  extra=[person("ops@acme.example", "needs_action")])
    assert len(follow_ups(LATER, [mixed])) == 1


def test_the_customer_writing_is_not_the_reps_follow_up() -> None:
    thanks = mail(DANA, REP, at(3, 16), "Thanks for the session!")
    assert len(follow_ups(LATER, [MEETING], [thanks])) == 1


def test_two_mails_sharing_a_message_id_are_still_two_mails() -> None:
    elsewhere = mail(REP, "sam@globex.example", at(3, 18), "Recap for Globex.", message_id="same@x")
    recap = mail(REP, DANA, at(3, 18), "Recap for Acme.", message_id="same@x")
    copy = dataclasses.replace(recap, source_id="inbox-copy", folder="inbox")
    assert follow_ups(LATER, [MEETING], [elsewhere, recap, copy]) == []
    assert follow_ups(LATER, [MEETING], [recap, elsewhere]) == []


def test_findings_name_the_rep_as_configured_whatever_the_records_case() -> None:
    rep = rep_view("Sarah.Chen@Northwind.example")
    [finding] = follow_ups(LATER, [("sarah.chen@northwind.example", MEETING)], reps=[rep])
    assert finding.rep == "Sarah.Chen@Northwind.example"
