"""UTCDateTime and zone encoding, directly against both databases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dealnudge.store import NaiveDatetimeError, Store
from dealnudge.store.types import UTCDateTime, in_zone, parse_zone, zone_name
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError


@pytest.fixture
def instants(store: Store) -> Table:
    table = Table("instants_under_test", MetaData(), Column("id", Integer, primary_key=True),
                  Column("at", UTCDateTime()))
    table.create(store.engine)
    return table


@pytest.mark.parametrize("value", [
    dt.datetime(2026, 3, 5, 23, 59, 59, 123456, tzinfo=ZoneInfo("Asia/Shanghai")),
    dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),  # repeated hour
    dt.datetime(1999, 12, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-9, minutes=-30))),
])
def test_instants_round_trip_as_utc(store: Store, instants: Table, value: dt.datetime) -> None:
    with store.engine.begin() as connection:
        connection.execute(insert(instants).values(id=1, at=value))
        stored = connection.execute(select(instants.c.at)).scalar_one()

    # timestamps, not ==: PEP 495 makes inter-zone == False inside a repeated hour
    assert stored.timestamp() == value.timestamp() and stored.tzinfo == dt.UTC


def test_repeated_hour_keeps_its_fold() -> None:
    second = dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York"))
    back = in_zone(second.astimezone(dt.UTC), zone_name(second))
    assert back.fold == 1 and back.utcoffset() == dt.timedelta(hours=-5)


def test_naive_values_never_reach_the_database(store: Store, instants: Table) -> None:
    with pytest.raises(StatementError) as raised, store.engine.begin() as connection:
        connection.execute(insert(instants).values(id=1, at=dt.datetime(2026, 3, 5, 12, 0)))
    assert isinstance(raised.value.orig, NaiveDatetimeError)


@pytest.mark.parametrize(("value", "name"), [
    (dt.datetime(2026, 3, 5, tzinfo=ZoneInfo("Asia/Shanghai")), "Asia/Shanghai"),
    (dt.datetime(2026, 3, 5, tzinfo=dt.UTC), "+00:00"),
    (dt.datetime(2026, 3, 5, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=45))), "+05:45"),
    (dt.datetime(2026, 3, 5, tzinfo=dt.timezone(-dt.timedelta(hours=3))), "-03:00"),
    (dt.datetime(1900, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=29143))), "+08:05:43"),
])
def test_zone_names_round_trip(value: dt.datetime, name: str) -> None:
    assert zone_name(value) == name
    back = in_zone(value.astimezone(dt.UTC), name)
    assert back == value and back.utcoffset() == value.utcoffset()
    assert back.tzinfo == value.tzinfo


def test_unknown_zone_key_falls_back_to_utc() -> None:
    assert parse_zone("Mars/Olympus_Mons") == dt.UTC
