"""``dealnudge explain`` for a terminal: the evidence trail of one finding, in the
rep's own time zone, one fact per line, so a rep and her admin can check it together."""

from __future__ import annotations

import datetime as dt
import textwrap
from zoneinfo import ZoneInfo

from dealnudge.analyzer.evidence import SentenceVerdict
from dealnudge.analyzer.explain import Explanation, MailTrail, MeetingTrail
from dealnudge.records import KIND_LABELS

WIDTH = 100


def _when(at: dt.datetime, zone: ZoneInfo | dt.timezone) -> str:
    return at.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width=WIDTH, initial_indent=indent,
                         subsequent_indent=indent + "  ") or [indent]


def _meeting(m: MeetingTrail, zone: ZoneInfo | dt.timezone, indent: str) -> list[str]:
    lines = [(f"{indent}\u201c{m.title or '(untitled)'}\u201d {_when(m.start, zone)} \u2013 "
             f"{m.end.astimezone(zone):%H:%M}, {m.status}; on the calendar of "
             f"{', '.join(m.calendars)}")]
    if m.note:
        lines.append(f"{indent}  -> {m.note}")
    for p in m.people:
        role = p.side + (f" ({p.account})" if p.account else "")
        lines.append(f"{indent}  {p.email:<40} {role:<34} {p.response}"
                     + (", organiser" if p.organizer else ""))
    return lines


def _left_out(verdicts: list[SentenceVerdict]) -> list[str]:
    """Quoted and signature blocks in one line each: what was left out and why."""
    lines = []
    for part in ("quoted", "signature"):
        blocks = [v for v in verdicts if v.part == part]
        if blocks:
            first = " ".join(blocks[0].text.split())
            first = first if len(first) <= 60 else first[:59] + "…"
            lines += _wrap(f"[{part}] {len(blocks)} block(s) left out, from “{first}”: "
                           f"{blocks[0].why}", "      ")
    return lines


def _sentence(s: SentenceVerdict) -> list[str]:
    if s.part == "auto_reply":
        return _wrap(f"[auto-reply] {s.why}", "      ")
    facts = ""
    if s.actor is not None:
        day = s.due.isoformat() if s.due else "no day"
        facts = f" (actor {s.actor}, {day}{', vague' if s.vague else ''})"
    mark = "+" if s.evidence else "-"
    return _wrap(f"{mark} \u201c{s.text}\u201d{facts}: {s.why}", "      ")


def _mail(m: MailTrail, zone: ZoneInfo | dt.timezone) -> list[str]:
    lines = [f"  {_when(m.sent_at, zone)}  {m.author:<8} {m.sender} -> {', '.join(m.to)}",
             f"    \u201c{m.subject}\u201d <{m.message_id}>: {m.note}"]
    for sentence in m.sentences:
        if sentence.part in ("new", "auto_reply"):
            lines += _sentence(sentence)
    return lines + _left_out([s for s in m.sentences if s.part in ("quoted", "signature")])


def render_explanation(e: Explanation, zone: ZoneInfo | dt.timezone) -> str:
    f = e.finding
    lines = [f"{KIND_LABELS.get(f.kind, f.kind)} for {f.rep} with {f.account}  (id {f.key})",
             f"as of {_when(e.now, zone)}", *_wrap(e.verdict, "")]
    if e.meeting is not None:
        lines += ["", "Meeting and attendees (response status):", *_meeting(e.meeting, zone, "  ")]
    if e.later_meetings:
        lines += ["", "Later meetings with the account:"]
        for later in e.later_meetings:
            lines += _meeting(later, zone, "  ")
    if e.activity:
        lines += ["", "Activity with the account (latest last):"]
        lines += [f"  {_when(at, zone)}  {side:<8} {what}" for at, side, what in e.activity]
    lines += ["", "Mails considered:" if e.mails else "Mails considered: none."]
    for mail in e.mails:
        lines += _mail(mail, zone)
    lines += ["", "Thresholds: " + ", ".join(f"{k} {v:g}" for k, v in e.thresholds.items()),
              "Instants compared:"]
    lines += [f"  {m.label:<48} {_when(m.at, zone)}" for m in e.instants]
    return "\n".join(lines)
