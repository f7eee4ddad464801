"""Rendering the sample team's records as the files real exports contain.

Calendars come out as Outlook/Exchange would write them for one rep (Windows zone
names as TZID, with a VTIMEZONE of that name) and as CalDAV-style directories with
IANA zones for the others; mail as Maildir (``cur/`` with flags, ``new/``) or
directories of .eml. Some Chinese customers write GB18030 (Foxmail's default) and
some English ones send HTML-only mail, so the demo exercises the same decoding as
production. Every byte is deterministic: no clock, no random boundaries or ids.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import icalendar

from dealnudge.connectors.ics import WINDOWS_ZONES
from dealnudge.demo.scenes import Mail, Meeting
from dealnudge.demo.text import Person

CalendarLayout = Literal["file", "windows-file", "dir"]
MailLayout = Literal["maildir", "eml"]
_UTC = dt.UTC
_IANA_TO_WINDOWS = {iana: name for name, iana in reversed(WINDOWS_ZONES.items())}


# --- e-mail ----------------------------------------------------------------------------

def _address(person: Person) -> str:
    return formataddr((person.name, person.email), charset="utf-8")


def _utf8_qp() -> Charset:
    charset = Charset("utf-8")
    charset.body_encoding = QP  # readable in a text editor, unlike the default base64
    return charset


def render_mail(mail: Mail) -> bytes:
    """The message as its sender's client would store it (compat32: fast, deterministic)."""
    if mail.html:
        msg = MIMEText(_as_html(mail.body), "html", _utf8_qp())  # type: ignore[arg-type]  # runtime takes a Charset
    elif mail.charset == "utf-8":
        msg = MIMEText(mail.body, "plain", _utf8_qp())  # type: ignore[arg-type]
    else:
        msg = MIMEText(mail.body, "plain", mail.charset)  # GB18030 goes out as base64
    headers = [("From", _address(mail.sender)), ("To", ", ".join(map(_address, mail.to)))]
    if mail.cc:
        headers.append(("Cc", ", ".join(map(_address, mail.cc))))
    headers += [("Subject", Header(mail.subject, "utf-8").encode() if not mail.subject.isascii()
                 else mail.subject),
                ("Date", format_datetime(mail.sent_at)), ("Message-ID", f"<{mail.message_id}>")]
    if mail.in_reply_to:
        headers.append(("In-Reply-To", f"<{mail.in_reply_to}>"))
    if mail.references:
        headers.append(("References", " ".join(f"<{r}>" for r in mail.references)))
    headers += list(mail.headers.items())
    if mail.sender.lang == "zh" and mail.charset != "utf-8":
        headers.append(("X-Mailer", "Foxmail 7.2.25.228[cn]"))
    body_headers = list(msg.items())
    for name in list(msg.keys()):
        del msg[name]
    for name, value in headers + body_headers:
        msg[name] = value
    return msg.as_bytes(policy=compat32.clone(linesep="\r\n"))


def _as_html(text: str) -> str:
    """Outlook-style HTML: one <div> per line, quoted lines inside a <blockquote>."""
    parts = ["<html><head><style>p{margin:0}</style></head><body>"]
    quoting = False
    for line in text.splitlines():
        quoted = line.startswith(">")
        if quoted != quoting:
            parts.append("<blockquote>" if quoted else "</blockquote>")
            quoting = quoted
        content = html.escape(line.lstrip("> ") if quoted else line)
        parts.append(f"<div>{content or '<br>'}</div>")
    parts.append("</blockquote></body></html>" if quoting else "</body></html>")
    return "\n".join(parts)


def write_mailbox(root: Path, layout: MailLayout, mails: list[tuple[Mail, bytes]],
                  now: dt.datetime) -> int:
    """Writes one rep's mail; returns the number of files."""
    ordered = sorted(mails, key=lambda item: (item[0].sent_at.astimezone(_UTC), item[0].message_id))
    if layout == "maildir":
        for sub in ("cur", "new", "tmp"):
            (root / sub).mkdir(parents=True, exist_ok=True)
    for seq, (mail, raw) in enumerate(ordered, 1):
        stamp = int(mail.sent_at.timestamp())
        if layout == "maildir":
            fresh = now - mail.sent_at < dt.timedelta(days=1)
            name = f"{stamp}.M{seq:06d}P4242Q1.northwind"
            path = root / ("new" if fresh else "cur") / (name if fresh else name + ":2,S")
        else:
            month = mail.sent_at.astimezone(_UTC).strftime("%Y-%m")
            path = root / month / f"{stamp}-{seq:05d}.eml"
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
    return len(ordered)


# --- calendars -----------------------------------------------------------------------------

def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """RFC 5545 folding at 75 octets, never inside a UTF-8 sequence."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _zone_key(moment: dt.datetime) -> str:
    tz = moment.tzinfo
    return tz.key if isinstance(tz, ZoneInfo) else "UTC"


def _when(name: str, moment: dt.datetime, windows: bool) -> str:
    key = _zone_key(moment)
    if key == "UTC" or (windows and key not in _IANA_TO_WINDOWS):
        return f"{name}:{moment.astimezone(_UTC):%Y%m%dT%H%M%SZ}"
    tzid = _IANA_TO_WINDOWS[key] if windows else key
    return f'{name};TZID="{tzid}":{moment:%Y%m%dT%H%M%S}' if windows else \
        f"{name};TZID={tzid}:{moment:%Y%m%dT%H%M%S}"


def _person(prop: str, person: Person, extra: str = "") -> str:
    name = person.name.replace('"', "'")
    return f'{prop};CN="{name}"{extra}:mailto:{person.email}'


def _event_lines(m: Meeting, windows: bool) -> list[str]:
    stamp = (m.stamp or m.start).astimezone(_UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VEVENT", f"UID:{m.uid}", f"DTSTAMP:{stamp}", f"LAST-MODIFIED:{stamp}"]
    if m.all_day:
        lines += [f"DTSTART;VALUE=DATE:{m.start:%Y%m%d}", f"DTEND;VALUE=DATE:{m.end:%Y%m%d}"]
    else:
        lines += [_when("DTSTART", m.start, windows), _when("DTEND", m.end, windows)]
    if m.rrule:
        lines.append(f"RRULE:{m.rrule}")
    lines += [_when("EXDATE", x, windows) for x in m.exdates]
    lines += [f"SUMMARY:{_escape(m.title)}", f"STATUS:{m.status}",
              f"SEQUENCE:{1 if m.status == 'CANCELLED' else 0}"]
    if m.location:
        lines.append(f"LOCATION:{_escape(m.location)}")
    if m.description:
        lines.append(f"DESCRIPTION:{_escape(m.description)}")
    lines.append(_person("ORGANIZER", m.organizer))
    for a in m.attendees:
        cutype = ";CUTYPE=ROOM" if a.resource else ";CUTYPE=INDIVIDUAL"
        lines.append(_person("ATTENDEE", a.person,
                             f"{cutype};ROLE=REQ-PARTICIPANT;PARTSTAT={a.partstat};RSVP=TRUE"))
    return [*lines, "END:VEVENT"]


def _timezones(meetings: list[Meeting], windows: bool, now: dt.datetime) -> list[str]:
    keys = sorted({_zone_key(m.start) for m in meetings if not m.all_day} - {"UTC"})
    first, last = (now - dt.timedelta(days=400)).date(), (now + dt.timedelta(days=200)).date()
    lines: list[str] = []
    for key in keys:
        if windows and key not in _IANA_TO_WINDOWS:
            continue
        lines += _vtimezone(key, windows, first, last)
    return lines


@functools.lru_cache(maxsize=64)
def _vtimezone(key: str, windows: bool, first: dt.date, last: dt.date) -> list[str]:
    text = icalendar.Timezone.from_tzid(key, first_date=first, last_date=last).to_ical().decode()
    if windows:
        text = text.replace(f"TZID:{key}", f"TZID:{_IANA_TO_WINDOWS[key]}")
    return [line for line in text.splitlines() if line and not line.startswith("COMMENT")]


def render_calendar(meetings: list[Meeting], *, windows: bool, now: dt.datetime) -> bytes:
    prodid = ("-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN" if windows
              else "-//Northwind//dealnudge demo//EN")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", *_timezones(meetings, windows, now)]
    for meeting in sorted(meetings, key=lambda m: (m.start.astimezone(_UTC), m.uid)):
        lines += _event_lines(meeting, windows)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def write_calendar(path: Path, layout: CalendarLayout, meetings: list[Meeting],
                   now: dt.datetime) -> int:
    """Writes one rep's calendar; returns the number of files."""
    if layout != "dir":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_calendar(meetings, windows=layout == "windows-file", now=now))
        return 1
    path.mkdir(parents=True, exist_ok=True)
    for meeting in meetings:
        name = hashlib.sha1(meeting.uid.encode(), usedforsecurity=False).hexdigest()[:16] + ".ics"
        (path / name).write_bytes(render_calendar([meeting], windows=False, now=now))
    return len(meetings)
