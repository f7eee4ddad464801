"""When a rep's digest is due, in the rep's own time zone, across DST changes.

A digest belongs to a rep-local day. It is due from the first instant whose local
wall-clock time is at or past ``nudges.send_at`` on a configured weekday. Two DST
cases need care and are tested explicitly:

* spring forward: a ``send_at`` inside the gap (02:30 in America/New_York on the
  second Sunday of March) never appears on the wall clock; the digest is due at the
  transition itself (03:00 EDT), the first instant that is "past" 02:30.
* fall back: 01:30 happens twice; the digest is due at the first one, and the
  second is an ordinary "already sent" (APScheduler's CronTrigger fires at both).

Only ``now`` (an aware instant) is used: nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dealnudge.config.schema import WEEKDAYS, Mute, Rep, Weekday

UTC = dt.UTC


def local_day(now: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The calendar day it is in ``zone`` at the instant ``now``."""
    return now.astimezone(zone).date()


def weekday_name(day: dt.date) -> Weekday:
    return WEEKDAYS[day.weekday()]


def _wall(instant: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def due_instant(day: dt.date, send_at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The first UTC instant of ``day`` whose wall time in ``zone`` is at/past ``send_at``."""
    wall = dt.datetime.combine(day, send_at)
    candidates = sorted(wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
    for candidate in candidates:  # an ambiguous time (fall back): the earlier one is real
        if _wall(candidate, zone) == wall:
            return candidate
    # A time in the spring-forward gap: find the transition, where the wall clock jumps
    # from before ``send_at`` to after it. Bisect over whole seconds (gaps are <= 2 h).
    low, high = (int(c.timestamp()) for c in candidates)
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(dt.datetime.fromtimestamp(middle, UTC), zone) >= wall:
            high = middle
        else:
            low = middle
    return dt.datetime.fromtimestamp(high, UTC)


def is_due(now: dt.datetime, send_at: dt.time, weekdays: list[Weekday], zone: ZoneInfo,
           *, grace: dt.timedelta | None = None) -> bool:
    """Whether the digest of the local day at ``now`` is due; with ``grace``, not yet stale."""
    day = local_day(now, zone)
    if weekday_name(day) not in weekdays:
        return False
    start = due_instant(day, send_at, zone)
    if now < start:
        return False
    return grace is None or now - start <= grace


def rep_muted(rep: Rep, day: dt.date) -> Mute | None:
    """The rep-wide mute in force on ``day`` (inclusive ``until``), if any."""
    for mute in rep.mute:
        if mute.account is None and day <= mute.until:
            return mute
    return None


def muted_accounts(rep: Rep, day: dt.date) -> set[str]:
    """Accounts whose findings are left out of the rep's digest on ``day``."""
    return {m.account.strip().lower() for m in rep.mute
            if m.account is not None and day <= m.until}


def week_start(day: dt.date) -> dt.date:
    """Monday of ``day``'s ISO week: the roll-up's week key."""
    return day - dt.timedelta(days=day.weekday())
