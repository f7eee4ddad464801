"""Small builders for the analyzer's input records, so each test states only what
matters to it. Times are UTC unless a test passes an aware datetime of its own."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from dealnudge.analyzer.rules import AnalysisInput, RepView, analyze
from dealnudge.config.schema import Thresholds

from dealnudge.records import (
    Address,
    CalendarEvent,
    EmailMessage,
    EventStatus,
    Finding,
    Participant,
    ResponseStatus,
)

UTC = dt.UTC
REP = "sarah.chen@northwind.example"
REP2 = "li.wei@northwind.example"
DANA = "dana@acme.example"
NEW_YORK = ZoneInfo("America/New_York")
_ids = itertools.count(1)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> dt.datetime:
    """An instant in March 2026 (UTC) by default."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


def person(email: str, response: ResponseStatus = "accepted", *, organizer: bool = False,
           is_self: bool = False, resource: bool = False) -> Participant:
    return Participant(email=email, response=response, is_organizer=organizer,
                       is_self=is_self, is_resource=resource)


def event(start: dt.datetime, *, hours: float = 1, uid: str | None = None, title: str = "Demo",
          customers: Iterable[str] = (DANA,), customer_response: ResponseStatus = "accepted",
          rep: str = REP, rep_response: ResponseStatus = "accepted", organizer: str | None = None,
          status: EventStatus = "confirmed", all_day: bool = False,
          extra: Iterable[Participant] = (), updated: dt.datetime | None = None) -> CalendarEvent:
    """A rep-organised event (unless ``organizer`` says otherwise) with customers."""
    organizer = organizer or rep
    people = [person(rep, rep_response, organizer=organizer == rep, is_self=True)]
    people += [person(c, customer_response, organizer=organizer == c) for c in customers]
    people += list(extra)
    uid = uid or f"uid-{next(_ids)}@northwind.example"
    return CalendarEvent(
        source_id=f"{uid}:{start.isoformat()}", uid=uid, title=title, start=start,
        end=start + dt.timedelta(hours=hours), all_day=all_day, status=status,
        organizer=organizer, participants=tuple(people), updated=updated)


def mail(sender: str, to: str | Iterable[str], sent_at: dt.datetime, body: str = "",
         *, subject: str = "Re: Demo", cc: Iterable[str] = (), auto: bool = False,
         message_id: str | None = None) -> EmailMessage:
    recipients = (to,) if isinstance(to, str) else tuple(to)
    message_id = message_id or f"m{next(_ids)}@mail.example"
    return EmailMessage(
        source_id=message_id, message_id=message_id, sent_at=sent_at,
        sender=Address(sender), to=tuple(Address(a) for a in recipients),
        cc=tuple(Address(a) for a in cc), subject=subject, body_text=body,
        folder="sent" if sender.endswith("@northwind.example") else "inbox",
        is_auto_reply=auto)


def rep_view(email: str = REP, *aliases: str, zone: ZoneInfo = NEW_YORK) -> RepView:
    return RepView(email=email, aliases=aliases, zone=zone)


Record = CalendarEvent | EmailMessage | tuple[str, CalendarEvent] | tuple[str, EmailMessage]


def make_input(events: Iterable[Record] = (), messages: Iterable[Record] = (), *,
               reps: Iterable[RepView] = (), thresholds: Thresholds | None = None,
               ignore: Iterable[str] = ()) -> AnalysisInput:
    """Records without a rep belong to ``REP``."""
    def owned(items: Iterable[object]) -> tuple:  # type: ignore[type-arg]
        return tuple(item if isinstance(item, tuple) else (REP, item) for item in items)

    return AnalysisInput(
        reps=tuple(reps) or (rep_view(),), internal_domains=("northwind.example",),
        ignore_addresses=tuple(ignore), thresholds=thresholds or Thresholds(),
        events=owned(events), messages=owned(messages))


def run(now: dt.datetime, events: Iterable[Record] = (), messages: Iterable[Record] = (),
        **options: object) -> list[Finding]:
    return analyze(make_input(events, messages, **options), now)  # type: ignore[arg-type]


def kinds(findings: Iterable[Finding], kind: str | None = None) -> list[tuple[str, str, str]]:
    """(rep, kind, account) of each finding, optionally of one kind."""
    return [(f.rep, f.kind, f.account) for f in findings if kind is None or f.kind == kind]
