"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time zone type: SQLAlchemy's ``DateTime`` silently drops ``tzinfo``
and hands back naive values, so an aware datetime written in Asia/Shanghai would
come back eight hours "wrong" and compare unequal to every aware value. PostgreSQL
``timestamptz`` keeps the instant but returns it in the session's zone. ``UTCDateTime``
makes both behave alike: it refuses naive values (a naive datetime in this code base
is always a bug), stores the UTC instant, and always returns aware UTC datetimes.

An instant loses the writer's zone, which the analyzer needs ("明天" in a mail sent
from Shanghai means Shanghai's tomorrow). ``zone_name``/``in_zone`` encode the zone
as a short string kept in a companion column: an IANA key for ``ZoneInfo`` values,
a fixed offset such as ``+08:00`` otherwise.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

UTC = dt.UTC
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})(?::(\d{2}))?$")

# JSON on SQLite, JSONB on PostgreSQL (smaller, and comparable in SQL if ever needed).
JSONType = JSON().with_variant(JSONB(), "postgresql")


class NaiveDatetimeError(ValueError):
    """A datetime without ``tzinfo`` reached the database layer."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware instant: ``timestamptz`` on PostgreSQL, naive UTC text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[dt.datetime]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(DateTime(timezone=False))

    def process_bind_param(self, value: dt.datetime | None,
                           dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(f"naive datetime {value.isoformat()} cannot be stored")
        instant = value.astimezone(UTC)
        return instant if dialect.name == "postgresql" else instant.replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None,
                             dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def require_aware(value: dt.datetime, what: str) -> dt.datetime:
    """Return ``value`` or raise ``NaiveDatetimeError`` naming the field."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(f"{what} is a naive datetime ({value.isoformat()})")
    return value


def zone_name(value: dt.datetime) -> str:
    """The zone of an aware datetime as a string ``in_zone`` understands."""
    require_aware(value, "datetime")
    tz = value.tzinfo
    if isinstance(tz, ZoneInfo) and tz.key:
        return tz.key
    offset = value.utcoffset()
    assert offset is not None  # noqa: S101 - narrows a type the lines above established
    return format_offset(offset)


def format_offset(offset: dt.timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{secs:02d}" if secs else text


@functools.lru_cache(maxsize=512)
def parse_zone(name: str) -> dt.tzinfo:
    """Inverse of ``zone_name``; unknown IANA keys fall back to UTC rather than crash."""
    match = _OFFSET.match(name)
    if match:
        sign, hours, minutes, secs = match.groups()
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes), seconds=int(secs or 0))
        return dt.timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def in_zone(instant: dt.datetime, name: str | None) -> dt.datetime:
    """Show a stored UTC instant in the zone it was written in."""
    return instant if name is None else instant.astimezone(parse_zone(name))


def maybe_in_zone(instant: dt.datetime | None, name: str | None) -> dt.datetime | None:
    return None if instant is None else in_zone(instant, name)


def maybe_zone_name(value: dt.datetime | None) -> str | None:
    return None if value is None else zone_name(value)
