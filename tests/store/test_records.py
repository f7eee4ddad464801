"""Neutral records come back exactly as they went in, zones and Chinese text included."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import string

import pytest
from dealnudge.store import NaiveDatetimeError, Store

from dealnudge.records import Address, Participant, SyncPage
from tests.store.samples import (
    CALENDAR,
    INBOX,
    KOLKATA,
    MINUS5,
    NEW_YORK,
    OTHER_REP,
    PLUS8,
    REP,
    SHANGHAI,
    UTC,
    event,
    message,
)


def test_event_round_trip_keeps_zones_participants_and_text(store: Store) -> None:
    shanghai = event("evt-sh")
    new_york = dataclasses.replace(
        event("evt-ny", start=dt.datetime(2026, 3, 8, 9, 30, tzinfo=NEW_YORK)),  # DST day
        recurrence_id=dt.datetime(2026, 3, 8, 9, 30, tzinfo=NEW_YORK), participants=())
    all_day = dataclasses.replace(
        event("evt-day", start=dt.datetime(2026, 3, 9, tzinfo=SHANGHAI)), all_day=True,
        end=dt.datetime(2026, 3, 10, tzinfo=SHANGHAI), updated=None, organizer=None)
    store.apply_page(REP, CALENDAR, SyncPage(events=[new_york, all_day, shanghai]), 1)

    stored = [record for _, record in store.events(REP)]

    assert stored == [shanghai, new_york, all_day]  # ordered by start instant
    for got, want in zip(stored, [shanghai, new_york, all_day], strict=True):
        assert got.start.tzinfo == want.start.tzinfo
        assert got.start.utcoffset() == want.start.utcoffset()
        assert got.end.utcoffset() == want.end.utcoffset()
    assert stored[1].recurrence_id is not None
    assert stored[1].recurrence_id.utcoffset() == dt.timedelta(hours=-4)  # EDT began that day
    assert stored[0].participants[2].is_resource and stored[0].participants[1].name == "王总"


def test_message_round_trip_keeps_writer_offset(store: Store) -> None:
    zones = [PLUS8, MINUS5, KOLKATA, UTC, SHANGHAI, NEW_YORK]
    originals = [message(f"m-{i}", sent_at=dt.datetime(2026, 3, 5, 23, 30, tzinfo=zone),
                         body="我们明天签合同。\n> 之前的邮件\n-- \n王总")
                 for i, zone in enumerate(zones)]
    store.apply_page(REP, INBOX, SyncPage(messages=originals), 1)

    stored = {m.source_id: m for rep, m in store.messages(REP) if rep == REP}

    assert len(stored) == len(originals)
    for original in originals:
        back = stored[original.source_id]
        assert back == original
        assert back.sent_at.utcoffset() == original.sent_at.utcoffset()
        assert back.sent_at.date() == original.sent_at.date()  # "明天" is the writer's day
        assert back.sent_at.tzinfo == original.sent_at.tzinfo


def test_messages_filtered_by_rep_and_since_and_ordered(store: Store) -> None:
    early = message("a", sent_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=PLUS8))  # 01:00 UTC
    late = message("b", sent_at=dt.datetime(2026, 3, 1, 1, 30, tzinfo=UTC))
    latest = message("c", sent_at=dt.datetime(2026, 3, 1, 8, 0, tzinfo=MINUS5))  # 13:00 UTC
    store.apply_page(REP, INBOX, SyncPage(messages=[latest, late, early]), 1)
    store.apply_page(OTHER_REP, INBOX, SyncPage(messages=[early]), 1)

    assert [m.source_id for _, m in store.messages(REP)] == ["a", "b", "c"]
    since = dt.datetime(2026, 3, 1, 9, 30, tzinfo=PLUS8)  # 01:30 UTC, inclusive
    assert [m.source_id for _, m in store.messages(REP, since=since)] == ["b", "c"]
    assert REP < OTHER_REP  # all reps: grouped by rep e-mail, then by instant
    assert [(r, m.source_id) for r, m in store.messages()] == [
        (REP, "a"), (REP, "b"), (REP, "c"), (OTHER_REP, "a")]
    assert store.messages(REP) == store.messages(REP)  # deterministic


def test_same_source_id_in_two_streams_are_two_records(store: Store) -> None:
    store.apply_page(REP, "google:mail:inbox", SyncPage(messages=[message("x")]), 1)
    store.apply_page(REP, "google:mail:sent", SyncPage(messages=[message("x", folder="sent")]), 1)

    assert sorted(m.folder for _, m in store.messages(REP)) == ["inbox", "sent"]


def test_naive_datetime_is_rejected_and_nothing_is_stored(store: Store) -> None:
    naive = message("naive", sent_at=dt.datetime(2026, 3, 5, 18, 0))
    with pytest.raises(NaiveDatetimeError):
        store.apply_page(REP, INBOX, SyncPage(messages=[message("ok"), naive], cursor="c"), 1)
    assert store.messages() == [] and store.get_cursor(REP, INBOX, 1) is None

    naive_event = dataclasses.replace(event(), end=dt.datetime(2026, 3, 5, 15, 0))
    with pytest.raises(NaiveDatetimeError):
        store.apply_page(REP, CALENDAR, SyncPage(events=[naive_event]), 1)
    with pytest.raises(NaiveDatetimeError):
        store.messages(since=dt.datetime(2026, 3, 1))
    assert store.events() == []


def test_participants_are_replaced_not_appended(store: Store) -> None:
    store.apply_page(REP, CALENDAR, SyncPage(events=[event("e")]), 1)
    fewer = event("e", participants=(Participant("wang.zong@acme.cn", "王总", "declined"),))

    stats = store.apply_page(REP, CALENDAR, SyncPage(events=[fewer]), 1)

    assert (stats.updated, stats.inserted) == (1, 0)
    assert [record for _, record in store.events(REP)] == [fewer]


def test_participant_answers_change_in_place(store: Store) -> None:
    original = event("e")
    store.apply_page(REP, CALENDAR, SyncPage(events=[original]), 1)
    answered = dataclasses.replace(original, participants=tuple(
        dataclasses.replace(p, response="declined") if p.email == "wang.zong@acme.cn" else p
        for p in original.participants))

    stats = store.apply_page(REP, CALENDAR, SyncPage(events=[answered]), 1)

    assert stats.updated == 1
    assert [record for _, record in store.events(REP)] == [answered]


def test_ensure_rep_from_two_stores_at_once(store: Store, store_url: str) -> None:
    other = Store.open(store_url)
    try:
        store.ensure_rep(REP, "Li", "UTC")
        other.ensure_rep(REP, "李伟", "Asia/Shanghai")
        store.apply_page(REP, INBOX, SyncPage(messages=[message()]), 1)  # rep row exists
    finally:
        other.close()
    with store.engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT name, timezone FROM reps").one()
    assert tuple(row) == ("李伟", "Asia/Shanghai")


def test_long_provider_strings_are_stored_whole(store: Store) -> None:
    """A malformed 5000-character Message-ID must not fail its page on PostgreSQL."""
    noise = random.Random(7)  # incompressible: PostgreSQL cannot shrink it below index limits
    long_id = "".join(noise.choice(string.ascii_letters) for _ in range(5000)) + "@broken"
    odd = dataclasses.replace(message("m-odd"), message_id=long_id, in_reply_to=long_id,
                              thread_id=long_id[::-1],
                              sender=Address(long_id.lower(), "破损的发件人"))
    store.apply_page(REP, INBOX, SyncPage(messages=[odd]), 1)

    assert [m for _, m in store.messages()] == [odd]
