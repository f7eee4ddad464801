"""Rules 5-8 and their near misses on records that went through the store, on SQLite and
PostgreSQL: what the rules read (auto-reply flags, Cc, quoted bodies, first starts of
moved meetings) must survive the database unchanged."""

from __future__ import annotations

import dataclasses

from dealnudge.analyzer.rules import analyze
from dealnudge.store import Store

from dealnudge.records import CalendarEvent, EmailMessage, SyncPage
from tests.rules.factories import REP, at, event, mail, make_input

NOW = at(10, 12)
CALENDAR, MAIL = "local:calendar", "local:mail"


def promise(who: str, day: int, due: str, month: int = 3) -> EmailMessage:
    return mail(who, REP, at(day, 15, month=month), f"Hi,\n\nWe'll send you the signed NDA by {due}.")


def slipped_mail() -> list[EmailMessage]:
    return [
        promise("dana@acme.example", 2, "Wednesday, March 4"),  # slipped
        promise("bo@globex.example", 2, "Wednesday, March 4"),  # the customer acted after
        mail("bo@globex.example", REP, at(6, 9), "Sorry, still with legal."),
        promise("cy@initech.example", 6, "Monday, March 9"),  # grace not over yet
        promise("di@umbrella.example", 2, "Wednesday, March 4"),  # superseded by a recap
        mail(REP, "di@umbrella.example", at(3, 14),
             "As agreed, you'll bring your CFO to the review on Friday, March 13."),
        mail(REP, "ed@hooli.example", at(2, 15), "I'll send you the quote by Wednesday, March 4."),
        promise("fa@stark.example", 5, "Wednesday, January 7", month=1),  # too old
    ]


def reschedule_events() -> list[CalendarEvent]:
    def off(who: str, day: int, month: int = 3) -> CalendarEvent:
        return event(at(day, 15, month=month), customers=[who], status="cancelled",
                     updated=at(day - 1, 9, month=month))
    return [off("ga@vandelay.example", 8), off("ga@vandelay.example", 9),  # reported
            off("ha@tyrell.example", 9),  # a single cancellation
            off("io@wayne.example", 2, month=1), off("io@wayne.example", 9, month=1),  # old
            off("ju@monarch.example", 9)]  # plus a move, synced below


def thread_events() -> list[CalendarEvent]:
    def held(*who: str, day: int) -> CalendarEvent:
        return event(at(day, 15), customers=who)
    return [
        *(held("ka@cyberdyne.example", day=d) for d in (1, 4, 7)),  # reported
        held("lu@aperture.example", day=1), held("lu@aperture.example", day=4),
        held("lu@aperture.example", "mo@aperture.example", day=7),  # a second person joined
        *(held("zhang.san@qq.com", day=d) for d in (1, 4, 7)),  # free mail
        held("no@massive.example", day=1), held("no@massive.example", day=4),  # too few
    ]


def unanswered_mail() -> list[EmailMessage]:
    ask = "Could you send us the security whitepaper?"
    quoted = ("Thanks.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Sarah <sarah.chen@northwind.example>"
              " wrote:\n> Could you sign by March 20?\n")
    return [
        mail("pa@bluesun.example", REP, at(5, 9), ask),  # reported
        mail("qi@answered.example", REP, at(5, 9), ask),
        mail(REP, "ra@answered.example", at(5, 16), "Here it is."),  # anyone at the account
        mail("sa@statement.example", REP, at(5, 9), "Thanks, we are reviewing it."),
        mail("tu@auto.example", REP, at(5, 9), ask, auto=True),
        mail("uv@recent.example", REP, at(10, 2), ask),  # not 24 hours yet
        mail("wx@quoted.example", REP, at(5, 9), quoted, cc=["yz@quoted.example"]),
        mail("ab@nanjing.cn", REP, at(5, 9), "能否把数据安全白皮书发给我们？"),  # reported
    ]


def test_rules_5_to_8_and_their_near_misses_through_the_store(store: Store) -> None:
    monarch = event(at(19, 15), customers=["ju@monarch.example"], updated=at(3, 9))
    events = [*reschedule_events(), *thread_events(), monarch]
    store.apply_page(REP, CALENDAR, SyncPage(events=events), 1)
    moved = dataclasses.replace(monarch, start=at(26, 15), end=at(26, 16), updated=at(7, 9))
    store.apply_page(REP, CALENDAR, SyncPage(events=[moved]), 1)  # the second sync: it moved
    messages = [*slipped_mail(), *unanswered_mail()]
    store.apply_page(REP, MAIL, SyncPage(messages=messages), 1)

    found = analyze(make_input(store.events(), store.messages()), NOW)

    def accounts(kind: str) -> set[str]:
        return {f.account for f in found if f.kind == kind}

    assert accounts("slipped_commitment") == {"acme.example"}
    assert accounts("repeated_reschedules") == {"vandelay.example", "monarch.example"}
    assert accounts("single_threaded") == {"cyberdyne.example"}
    assert accounts("unanswered_customer") == {"bluesun.example", "nanjing.cn"}
    [monarch_finding] = [f for f in found if f.account == "monarch.example"]
    assert "moved from" in (monarch_finding.evidence or "") and monarch_finding.count == 2
