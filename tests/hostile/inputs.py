"""Hostile mail and calendar inputs, built in code: the cases that once stopped a rep's
stream, hung ``sync`` or wiped stored events. The tests and ``bench/hostile_inputs.py``
share them.
"""

from __future__ import annotations

import base64
import datetime as dt

HEAD = (b"Date: Mon, 2 Mar 2026 10:00:00 +0800\r\nTo: rep@northwind.example\r\n"
        b"Message-ID: <%s@hostile.example>\r\n")


def _mail(key: str, headers: bytes, body: bytes = b"Thanks for the meeting.\r\n") -> bytes:
    return (b"From: Buyer <buyer@customer.example>\r\n" + HEAD % key.encode() + headers
            + b"\r\n" + body)


def poison_mail() -> dict[str, bytes]:
    """File name → bytes of one e-mail each that must be skipped or read, never raise."""
    nested = b"".join(b"--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n"
                      % (i, i + 1) for i in range(5000))
    word_nul = base64.b64encode(b"Re: offer\x00")
    return {
        "word_decodes_to_nul.eml": _mail("nul", b"Subject: =?utf-8?B?" + word_nul + b"?=\r\n"),
        "charset_undefined.eml": _mail(
            "undef", b"Content-Type: text/plain; charset=\"undefined\"\r\n", b"caf\xe9\r\n"),
        "charset_with_nul.eml": _mail(
            "nulcs", b"Content-Type: text/plain; charset=\"utf\x00-8\"\r\n", b"hi\r\n"),
        "word_charset_with_nul.eml": _mail("wnul", b"Subject: =?ut\x00f-8?Q?hi?=\r\n"),
        "five_thousand_nested_multiparts.eml": _mail(
            "nest", b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n",
            nested + b"text\r\n"),
        "from_with_200000_parens.eml": b"From: " + b"(" * 200_000 + b" x@customer.example\r\n"
        + HEAD % b"paren" + b"\r\nhi\r\n",
        "from_with_900_parens.eml": b"From: " + b"(" * 900 + b" x@customer.example\r\n"
        + HEAD % b"paren900" + b"\r\nhi\r\n",
        "huge_header.eml": _mail("hdr", b"X-Junk: " + b"a" * 100_000 + b"\r\n"),
        "binary_garbage.eml": bytes(range(256)) * 40,
        "outlook.msg": bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504,
    }


def calendar(*events: str, zones: str = "") -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//dealnudge hostile//EN\r\n" + zones
            + "".join(events) + "END:VCALENDAR\r\n").encode()


def vevent(uid: str, start: str, *, extra: str = "", duration: str = "PT1H",
           attendee: str = "buyer@customer.example") -> str:
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260301T000000Z\r\n{start}\r\n"
            f"DURATION:{duration}\r\nSUMMARY:Meeting {uid}\r\n"
            f"ORGANIZER:mailto:rep@northwind.example\r\n"
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{attendee}\r\n{extra}END:VEVENT\r\n")


REPEATED_TZID_ZONE = ("BEGIN:VTIMEZONE\r\nTZID:Broken Zone\r\nTZID:Broken Zone\r\n"
                      "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0800\r\n"
                      "TZOFFSETTO:+0800\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")


def hostile_events(day: dt.date) -> dict[str, str]:
    """Name → one VEVENT each that once failed a whole calendar or hung the expansion."""
    d = day.strftime("%Y%m%d")
    exdates = ",".join((dt.date(2020, 1, 1) + dt.timedelta(days=i)).strftime("%Y%m%dT090000Z")
                       for i in range(2000))
    return {
        "empty_tzid": vevent("empty-tzid", f"DTSTART;TZID=:{d}T100000"),
        "broken_zone_ref": vevent("broken-zone", f"DTSTART;TZID=Broken Zone:{d}T110000"),
        "display_name_tzid": vevent(
            "display-tz", f'DTSTART;TZID="(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi"'
                          f":{d}T150000"),
        "date_with_tzid": vevent("date-tz", f"DTSTART;TZID=Europe/Berlin;VALUE=DATE:{d}",
                                 duration="P1D"),
        "secondly_forever": vevent("secondly", f"DTSTART:{d}T080000Z",
                                   extra="RRULE:FREQ=SECONDLY\r\n", duration="PT1S"),
        "minutely_forever": vevent("minutely", "DTSTART:20250101T080000Z",
                                   extra="RRULE:FREQ=MINUTELY\r\n", duration="PT1M"),
        "daily_long_exdate": vevent("exdates", "DTSTART:20200101T090000Z",
                                    extra=f"RRULE:FREQ=DAILY\r\nEXDATE:{exdates}\r\n"),
        "bad_dtstart": vevent("bad-start", "DTSTART:2026-13-45T99"),
    }


def big_calendar(count: int, start: dt.datetime) -> bytes:
    """``count`` one-hour meetings, ten minutes apart from ``start`` (UTC)."""
    parts = []
    for i in range(count):
        at = (start + dt.timedelta(minutes=10 * i)).strftime("%Y%m%dT%H%M%SZ")
        parts.append(vevent(f"bulk-{i}", f"DTSTART:{at}", attendee=f"c{i % 97}@customer.example"))
    return calendar(*parts)


OUTLOOK_ZONE = ("BEGIN:VTIMEZONE\r\nTZID:China Standard Time\r\n"
                "BEGIN:STANDARD\r\nDTSTART:16010101T000000\r\nTZOFFSETFROM:+0800\r\n"
                "TZOFFSETTO:+0800\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")


def years_calendar(count: int, first: dt.datetime, last: dt.datetime) -> bytes:
    """``count`` one-hour meetings spread evenly from ``first`` to ``last`` (local wall
    times in an Outlook-style zone with its VTIMEZONE), three attendees and a reminder
    each; every 250th is a weekly series of 12 with one moved instance."""
    step = (last - first) / max(count, 1)
    parts = []
    for i in range(count):
        at = (first + step * i).replace(second=0, microsecond=0)
        local = at.strftime("%Y%m%dT%H%M%S")
        extra = ("BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\n"
                 "TRIGGER:-PT15M\r\nEND:VALARM\r\n"
                 f"ATTENDEE;CN=Colleague {i % 7};PARTSTAT=TENTATIVE:mailto:c{i % 7}"
                 "@northwind.example\r\n"
                 f"ATTENDEE;CN=\"Buyer, {i % 13}\";PARTSTAT=NEEDS-ACTION;ROLE=OPT-PARTICIPANT:"
                 f"mailto:b{i % 13}@customer{i % 31}.example\r\n")
        start = f"DTSTART;TZID=China Standard Time:{local}"
        if i % 250 == 0:
            parts.append(vevent(f"series-{i}", start, attendee=f"a{i % 97}@customer.example",
                                extra=extra + "RRULE:FREQ=WEEKLY;COUNT=12\r\n"))
            moved = (at + dt.timedelta(weeks=3)).strftime("%Y%m%dT%H%M%S")
            later = (at + dt.timedelta(weeks=3, hours=2)).strftime("%Y%m%dT%H%M%S")
            parts.append(vevent(f"series-{i}", f"DTSTART;TZID=China Standard Time:{later}",
                                attendee=f"a{i % 97}@customer.example",
                                extra=f"RECURRENCE-ID;TZID=China Standard Time:{moved}\r\n"))
            continue
        parts.append(vevent(f"meeting-{i}", start, attendee=f"a{i % 97}@customer.example",
                            extra=extra))
    return calendar(*parts, zones=OUTLOOK_ZONE)
