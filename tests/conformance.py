"""One conformance suite every connector passes (sync from empty, incremental,
unchanged incremental, expired cursor, deletion, paging, throttling, restart).

A connector's test module subclasses ``ConnectorConformance`` and provides a
``world`` fixture: an object that drives the connector's fake (or real) server and
builds connectors the way production does, through the real client libraries.
The suite only speaks to it through the small ``World`` protocol below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pytest
from dealnudge.connectors.base import Connector, CursorExpired, Stream

from dealnudge.records import CalendarEvent, EmailMessage, SyncPage

UTC = dt.UTC


@dataclass(frozen=True)
class MessageSpec:
    key: str  # unique name the world can use to find/delete it later
    folder: str  # "inbox" | "sent"
    subject: str
    body: str
    sender: str
    to: tuple[str, ...]
    sent_at: dt.datetime


@dataclass(frozen=True)
class EventSpec:
    key: str
    uid: str
    title: str
    start: dt.datetime
    end: dt.datetime
    organizer: str
    attendees: tuple[tuple[str, str], ...]  # (email, "accepted" | "declined" | ...)


class World(Protocol):
    rep_email: str
    page_size: int  # the fake's page size for list/delta calls (small, to force paging)
    supports_throttling: bool  # False for protocols with no throttling signal (IMAP)
    sleeps: list[float]  # every sleep the connector asked for (injected, never slept)

    def connector(self) -> Connector: ...
    def add_message(self, spec: MessageSpec) -> None: ...
    def add_event(self, spec: EventSpec) -> None: ...
    def delete_message(self, key: str) -> None: ...
    def cancel_event(self, key: str) -> None: ...
    def expire_cursor(self, stream: Stream) -> None: ...
    def throttle(self, times: int, retry_after: float) -> None: ...


@dataclass
class Drained:
    pages: list[SyncPage] = field(default_factory=list)

    @property
    def messages(self) -> list[EmailMessage]:
        return [m for p in self.pages for m in p.messages]

    @property
    def events(self) -> list[CalendarEvent]:
        return [e for p in self.pages for e in p.events]

    @property
    def deleted(self) -> list[str]:
        return [d for p in self.pages for d in p.deleted_ids]

    @property
    def cursor(self) -> str | None:
        cursors = [p.cursor for p in self.pages if p.cursor is not None]
        return cursors[-1] if cursors else None


def drain(conn: Connector, stream: Stream, cursor: str | None) -> Drained:
    out = Drained(list(conn.sync(stream, cursor)))
    assert out.pages, "a sync round must yield at least one page"
    assert out.pages[-1].complete, "the last page of a round must be marked complete"
    assert out.pages[-1].cursor is not None, "the last page must carry the new cursor"
    return out


def streams_of(conn: Connector, kind: str) -> list[Stream]:
    found = [s for s in conn.streams() if s.kind == kind]
    assert found, f"connector offers no {kind} stream"
    return found


T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def message(i: int, folder: str = "inbox", world_rep: str = "rep@northwind.example",
            body: str | None = None) -> MessageSpec:
    customer = f"buyer{i % 3}@acme.example"
    sender, to = (world_rep, (customer,)) if folder == "sent" else (customer, (world_rep,))
    return MessageSpec(
        key=f"m{i}", folder=folder, subject=f"Pilot plan {i} / 试用计划",
        body=body or f"Message {i}. 我们下周三安排王总一起讨论。", sender=sender, to=to,
        sent_at=T0 + dt.timedelta(hours=i))


def event(i: int, rep: str = "rep@northwind.example") -> EventSpec:
    start = T0 + dt.timedelta(days=i % 20, hours=1)
    return EventSpec(
        key=f"e{i}", uid=f"uid-{i}@northwind.example", title=f"Discovery call {i}",
        start=start, end=start + dt.timedelta(minutes=45), organizer=rep,
        attendees=((rep, "accepted"), (f"buyer{i}@acme.example", "accepted")))


def subjects(msgs: Iterable[EmailMessage]) -> list[str]:
    return sorted(m.subject for m in msgs)


class ConnectorConformance:
    """Subclass and provide a ``world`` fixture (see ``World``)."""

    def _full_mail(self, world: World) -> tuple[Connector, dict[str, Drained]]:
        conn = world.connector()
        return conn, {s.name: drain(conn, s, None) for s in streams_of(conn, "mail")}

    def test_sync_from_empty_mail(self, world: World) -> None:
        for i in range(3):
            world.add_message(message(i, "inbox", world.rep_email))
        world.add_message(message(10, "sent", world.rep_email))
        _, rounds = self._full_mail(world)
        msgs = [m for r in rounds.values() for m in r.messages]
        assert subjects(msgs) == subjects_for([0, 1, 2, 10])
        by_subject = {m.subject: m for m in msgs}
        sent = by_subject["Pilot plan 10 / 试用计划"]
        assert sent.folder == "sent" and sent.sender.email == world.rep_email
        received = by_subject["Pilot plan 1 / 试用计划"]
        assert received.folder == "inbox" and received.sender.email == "buyer1@acme.example"
        assert "我们下周三安排王总一起讨论" in received.body_text
        assert received.sent_at == T0 + dt.timedelta(hours=1)
        assert received.sent_at.tzinfo is not None

    def test_sync_from_empty_calendar(self, world: World) -> None:
        world.add_event(event(1, world.rep_email))
        world.add_event(event(2, world.rep_email))
        conn = world.connector()
        got = [e for s in streams_of(conn, "calendar") for e in drain(conn, s, None).events]
        live = [e for e in got if e.status != "cancelled"]
        assert sorted(e.title for e in live) == ["Discovery call 1", "Discovery call 2"]
        one = next(e for e in live if e.title == "Discovery call 1")
        assert one.uid == "uid-1@northwind.example"
        assert one.start == event(1).start and one.end == event(1).end and not one.all_day
        people = {p.email: p for p in one.participants}
        assert people["buyer1@acme.example"].response == "accepted"
        assert one.organizer == world.rep_email

    def test_incremental_returns_only_new(self, world: World) -> None:
        world.add_message(message(0, "inbox", world.rep_email))
        conn, rounds = self._full_mail(world)
        world.add_message(message(1, "inbox", world.rep_email))
        conn = world.connector()  # as after a restart: only the cursor survives
        new = [m for s in streams_of(conn, "mail") for m in
               drain(conn, s, rounds[s.name].cursor).messages]
        assert subjects(new) == subjects_for([1])

    def test_unchanged_incremental_is_empty(self, world: World) -> None:
        world.add_message(message(0, "inbox", world.rep_email))
        world.add_event(event(0, world.rep_email))
        conn = world.connector()
        cursors = {s.name: drain(conn, s, None).cursor for s in conn.streams()}
        for s in conn.streams():
            again = drain(conn, s, cursors[s.name])
            assert again.messages == [] and again.events == [] and again.deleted == []

    def test_expired_cursor_raises_then_full_sync_recovers(self, world: World) -> None:
        world.add_message(message(0, "inbox", world.rep_email))
        conn, rounds = self._full_mail(world)
        inbox = next(s for s in streams_of(conn, "mail") if s.name in rounds)
        world.expire_cursor(inbox)
        with pytest.raises(CursorExpired):
            drain(conn, inbox, rounds[inbox.name].cursor)
        again = drain(conn, inbox, None)
        assert subjects_for([0])[0] in subjects(again.messages)

    def test_cancellation_is_reported(self, world: World) -> None:
        world.add_event(event(3, world.rep_email))
        conn = world.connector()
        cal = streams_of(conn, "calendar")[0]
        first = drain(conn, cal, None)
        world.cancel_event("e3")
        later = drain(conn, cal, first.cursor)
        gone = {e.source_id for e in later.events if e.status == "cancelled"} | set(later.deleted)
        ids = {e.source_id for e in first.events if e.title == "Discovery call 3"}
        assert ids and ids <= gone

    def test_paging_returns_everything_once(self, world: World) -> None:
        count = world.page_size * 2 + 1
        for i in range(count):
            world.add_message(message(i, "inbox", world.rep_email))
        _, rounds = self._full_mail(world)
        msgs = [m for r in rounds.values() for m in r.messages]
        assert len({m.source_id for m in msgs}) == count == len(msgs)
        assert max(len(r.pages) for r in rounds.values()) >= 2

    def test_restart_mid_round_resumes_without_refetching(self, world: World) -> None:
        """Guards the mid-round cursor: a crash after the first stored page resumes there.

        The first page of a multi-page round must carry a cursor, and the round that
        resumes from it must neither lose a message nor fetch the stored ones again.
        """
        count = world.page_size * 2 + 1
        for i in range(count):
            world.add_message(message(i, "inbox", world.rep_email))
        conn = world.connector()
        stream = streams_of(conn, "mail")[0]
        pages = conn.sync(stream, None)
        first = next(pages)  # "crash" after the first page was stored
        conn.close()
        assert first.messages, "the first page of a long round holds messages"
        assert first.cursor is not None, "a page of a long round must carry a resumable cursor"
        rest = drain(world.connector(), stream, first.cursor)
        stored = {m.source_id for m in first.messages}
        refetched = stored & {m.source_id for m in rest.messages}
        assert not refetched, f"{len(refetched)} stored message(s) fetched again"
        assert len(stored | {m.source_id for m in rest.messages}) == count

    def test_throttling_is_retried_with_backoff(self, world: World) -> None:
        if not world.supports_throttling:
            pytest.skip("this protocol has no throttling signal")
        world.add_message(message(0, "inbox", world.rep_email))
        world.throttle(times=2, retry_after=7)
        _, rounds = self._full_mail(world)
        assert subjects_for([0])[0] in subjects(m for r in rounds.values() for m in r.messages)
        assert len([s for s in world.sleeps if s >= 7]) >= 2, world.sleeps


def subjects_for(indexes: Iterable[int]) -> list[str]:
    return sorted(f"Pilot plan {i} / 试用计划" for i in indexes)
