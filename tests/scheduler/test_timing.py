"""Due or not due, in the rep's own zone, across weekdays and daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from dealnudge.config.schema import Mute, Weekday
from dealnudge.scheduler.timing import due_instant, is_due, local_day, muted_accounts, rep_muted

from tests.scheduler.factories import sarah

UTC = dt.UTC
NY = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK: list[Weekday] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WORKDAYS: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(("now", "due"), [
    (utc(2026, 3, 8, 6, 59), False),  # 01:59 EST: before the gap
    (utc(2026, 3, 8, 7, 0), True),  # 03:00 EDT: the clock jumped past 02:30
    (utc(2026, 3, 8, 7, 30), True),
])
def test_spring_forward_send_at_inside_the_gap(now: dt.datetime, due: bool) -> None:
    assert is_due(now, dt.time(2, 30), WEEK, NY) is due
    assert due_instant(dt.date(2026, 3, 8), dt.time(2, 30), NY) == utc(2026, 3, 8, 7, 0)


def test_spring_forward_ordinary_send_at_is_an_hour_earlier_in_utc() -> None:
    assert due_instant(dt.date(2026, 3, 7), dt.time(8, 0), NY) == utc(2026, 3, 7, 13, 0)
    assert due_instant(dt.date(2026, 3, 8), dt.time(8, 0), NY) == utc(2026, 3, 8, 12, 0)
    assert due_instant(dt.date(2026, 3, 9), dt.time(8, 0), NY) == utc(2026, 3, 9, 12, 0)


def test_fall_back_ambiguous_send_at_is_due_at_the_first_occurrence() -> None:
    first = utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    assert due_instant(dt.date(2026, 11, 1), dt.time(1, 30), NY) == first
    assert not is_due(first - dt.timedelta(minutes=1), dt.time(1, 30), WEEK, NY)
    assert is_due(first, dt.time(1, 30), WEEK, NY)
    # 01:10 EST, after the clocks went back: wall time is before 01:30 again, but the
    # day's send time has passed, so the digest is still due (and claimed only once).
    assert is_due(utc(2026, 11, 1, 6, 10), dt.time(1, 30), WEEK, NY)
    assert due_instant(dt.date(2026, 11, 2), dt.time(8, 0), NY) == utc(2026, 11, 2, 13, 0)


def test_shanghai_has_no_dst_and_its_local_day_runs_ahead_of_utc() -> None:
    assert not is_due(utc(2026, 3, 8, 23, 59), dt.time(8, 0), WEEK, SHANGHAI)  # 07:59 on the 9th
    assert is_due(utc(2026, 3, 9, 0, 0), dt.time(8, 0), WEEK, SHANGHAI)
    assert local_day(utc(2026, 3, 9, 0, 0), SHANGHAI) == dt.date(2026, 3, 9)
    for day in (dt.date(2026, 3, 8), dt.date(2026, 11, 1), dt.date(2026, 7, 1)):
        instant = due_instant(day, dt.time(8, 0), SHANGHAI)
        assert instant == dt.datetime.combine(day, dt.time(0, 0), UTC)


@pytest.mark.parametrize(("now", "zone", "due"), [
    (utc(2026, 3, 6, 13, 0), NY, True),  # Friday 08:00 in New York
    (utc(2026, 3, 7, 13, 0), NY, False),  # Saturday
    (utc(2026, 3, 9, 3, 0), NY, False),  # Sunday 23:00 in New York, Monday in UTC
    (utc(2026, 3, 8, 23, 30), SHANGHAI, False),  # Monday 07:30 in Shanghai
    (utc(2026, 3, 8, 0, 30), SHANGHAI, False),  # Sunday in Shanghai
    (utc(2026, 3, 9, 1, 0), SHANGHAI, True),  # Monday 09:00 in Shanghai, Monday in UTC
    (utc(2026, 3, 13, 16, 30), SHANGHAI, False),  # Saturday 00:30 in Shanghai, Friday in UTC
])
def test_weekdays_are_judged_on_the_rep_local_day(now: dt.datetime, zone: ZoneInfo,
                                                  due: bool) -> None:
    assert is_due(now, dt.time(8, 0), WORKDAYS, zone) is due


def test_grace_window_ends_the_catch_up() -> None:
    start = due_instant(dt.date(2026, 3, 6), dt.time(8, 0), NY)
    grace = dt.timedelta(hours=4)
    assert is_due(start + grace, dt.time(8, 0), WORKDAYS, NY, grace=grace)
    assert not is_due(start + grace + dt.timedelta(seconds=1), dt.time(8, 0), WORKDAYS, NY,
                      grace=grace)
    assert is_due(start + grace + dt.timedelta(seconds=1), dt.time(8, 0), WORKDAYS, NY)


def test_cron_trigger_fires_on_dst_days_in_the_rep_zone() -> None:
    """What the service relies on from APScheduler 3.11 (measured, see scheduler/service.py)."""
    spring = CronTrigger(day_of_week="sun", hour=2, minute=30, timezone=NY)
    fired = spring.get_next_fire_time(None, dt.datetime(2026, 3, 7, 12, tzinfo=NY))
    assert fired is not None and fired.astimezone(UTC) == utc(2026, 3, 8, 7, 30)
    assert is_due(fired, dt.time(2, 30), WEEK, NY)

    fall = CronTrigger(day_of_week="sun", hour=1, minute=30, timezone=NY)
    first = fall.get_next_fire_time(None, dt.datetime(2026, 10, 31, 12, tzinfo=NY))
    assert first is not None and first.astimezone(UTC) == utc(2026, 11, 1, 5, 30)
    second = fall.get_next_fire_time(first, first + dt.timedelta(seconds=1))
    assert second is not None and second.astimezone(UTC) == utc(2026, 11, 1, 6, 30)
    assert local_day(first, NY) == local_day(second, NY)  # same day: one claim covers both

    shanghai = CronTrigger(day_of_week="mon-fri", hour=8, minute=0, timezone=SHANGHAI)
    nxt = shanghai.get_next_fire_time(None, utc(2026, 3, 6, 1, 0))  # Friday 09:00 local
    assert nxt is not None and nxt.astimezone(UTC) == utc(2026, 3, 9, 0, 0)  # Monday 08:00


def test_mutes_are_inclusive_of_their_last_day() -> None:
    rep = sarah(mute=[Mute(until=dt.date(2026, 3, 6)),
                      Mute(until=dt.date(2026, 3, 10), account="Acme.example")])
    assert rep_muted(rep, dt.date(2026, 3, 6)) is not None
    assert rep_muted(rep, dt.date(2026, 3, 7)) is None
    assert muted_accounts(rep, dt.date(2026, 3, 10)) == {"acme.example"}
    assert muted_accounts(rep, dt.date(2026, 3, 11)) == set()
