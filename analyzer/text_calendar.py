"""Calendar arithmetic for the date grammar: weeks, month ends, business days, numerals.

Kept apart from analyzer.dates so the grammar module reads as patterns plus policy;
everything here is pure date arithmetic relative to ``today`` (the sent day).
"""

from __future__ import annotations

import calendar
import datetime as dt

ROLL_FORWARD_DAYS = 62  # an explicit date further in the past than this means next year
ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}


def zh_number(text: str) -> int | None:
    """Chinese or Arabic numerals up to 99: "12", "十二", "二十", "三十一"."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        high = ZH_DIGITS.get(tens, -1) if tens else 1
        low = ZH_DIGITS.get(units, -1) if units else 0
        return None if high < 0 or low < 0 else high * 10 + low
    if len(text) == 1 and text in ZH_DIGITS:
        return ZH_DIGITS[text]
    return None


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(today: dt.date, months: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 + months
    return index // 12, index % 12 + 1


def week_start(today: dt.date, weeks_ahead: int = 0) -> dt.date:
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks_ahead)


def coming(today: dt.date, weekday: int) -> dt.date:
    """Next such weekday strictly after today."""
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def week_friday(today: dt.date, weeks_ahead: int) -> dt.date:
    return max(today, week_start(today, weeks_ahead) + dt.timedelta(days=4))


def month_day(today: dt.date, month: int, day: int, year: str | None) -> dt.date | None:
    if year:
        full = int(year) if len(year) == 4 else 2000 + int(year)
        return safe_date(full, month, day)
    found = safe_date(today.year, month, day)
    if found is not None and (today - found).days > ROLL_FORWARD_DAYS:
        found = safe_date(today.year + 1, month, day)
    return found


def day_of_month(today: dt.date, day: int | None) -> dt.date | None:
    if day is None or not 1 <= day <= 31:
        return None
    for ahead in range(3):
        year, month = add_months(today, ahead)
        found = safe_date(year, month, day)
        if found is not None and found >= today:
            return found
    return None


def add_business_days(today: dt.date, count: int) -> dt.date:
    day = today
    while count > 0:
        day += dt.timedelta(days=1)
        count -= day.weekday() < 5
    return day


_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"]


def ordinal_word(word: str) -> int:
    """1-31 from "first" … "thirty-first"."""
    parts = word.replace("-", " ").split()
    if parts[0] == "twenty" and len(parts) == 2:
        return 20 + _ORDINALS.index(parts[1]) + 1
    if parts[0] == "thirty" or word == "thirtieth":
        return 31 if len(parts) == 2 else 30
    return _ORDINALS.index(parts[0]) + 1
