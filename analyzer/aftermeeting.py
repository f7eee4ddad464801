"""The two duties every customer meeting leaves behind (docs/method.md, rules 2 and 3):
a follow-up e-mail from the rep, and a dated next step the customer committed to.

Shared meetings: when several reps have the same occurrence on their calendars,
each rep who did not decline owns the follow-up duty (each is nudged about their
own silence), while next-step evidence is shared — a customer's dated promise in
any attending rep's mailbox, or a follow-up meeting on anyone's calendar, settles
the next step for all of them. A meeting with several customer accounts is one
finding per duty, filed under its primary account (the customer organiser's, else
the best-represented one); mail to or from any of its accounts counts.

Windows are measured in real elapsed time (UTC), so a 24-hour window across a DST
change is 24 hours, not "the same clock time tomorrow". A finding's ``since`` is
the end of its window: the instant the duty became overdue.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from dealnudge.analyzer.context import Context
from dealnudge.analyzer.mailbox import Mail, MessageIdentity, is_dated
from dealnudge.analyzer.meetings import EventView, Meeting

from dealnudge.records import Finding, FindingKind


def local_when(instant: dt.datetime, ctx: Context, rep: str) -> str:
    """``Tue 3 Mar 2026, 14:00`` in the rep's own zone."""
    local = instant.astimezone(ctx.reps[rep].zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


@dataclass
class FollowUpMeetings:
    """Later meetings a customer accepted or organised, per account, for evidence."""

    starts: dict[str, list[tuple[dt.datetime, str]]]

    @classmethod
    def build(cls, views: list[EventView]) -> FollowUpMeetings:
        cancelled = {view.key for view in views if view.cancelled}
        engaged: dict[str, set[str]] = defaultdict(set)
        start_of: dict[str, dt.datetime] = {}
        for view in views:
            if view.key not in cancelled:
                engaged[view.key] |= view.engaged_accounts()
                start_of[view.key] = view.start
        starts: dict[str, list[tuple[dt.datetime, str]]] = defaultdict(list)
        for key, accounts in engaged.items():
            for account in accounts:
                starts[account].append((start_of[key], key))
        for entries in starts.values():
            entries.sort()
        return cls(starts)

    def after(self, meeting: Meeting) -> bool:
        for account in meeting.accounts:
            entries = self.starts.get(account, [])
            # A later start is a different occurrence: keys embed the start instant.
            if bisect.bisect_right(entries, (meeting.start, "\U0010ffff")) < len(entries):
                return True
        return False


def _follow_up_sent(ctx: Context, rep: str, meeting: Meeting) -> bool:
    box = ctx.mailbox(rep)
    return any(box.sent[account].first_since(meeting.start) is not None
               for account in meeting.accounts if account in box.sent)


def mail_about(ctx: Context, meeting: Meeting) -> list[Mail]:
    """Mail from the meeting's accounts, or from the team to them, since it started."""
    found: dict[MessageIdentity, Mail] = {}
    for rep in meeting.reps:
        box = ctx.mailbox(rep)
        for lines in (box.received, box.team_to):
            for account in meeting.accounts:
                if account in lines:
                    found.update((mail.identity, mail) for mail in lines[account].since(meeting.start))
    return sorted(found.values(), key=Mail.order)


def _next_step(ctx: Context, meeting: Meeting, later: FollowUpMeetings
               ) -> tuple[FindingKind, str | None] | None:
    """None when a dated customer step exists, else the kind and the vague quote."""
    if later.after(meeting):
        return None
    vague: str | None = None
    for mail in mail_about(ctx, meeting):
        steps = ctx.commitments.customer_steps(mail)
        if any(is_dated(step) for step in steps):
            return None
        if vague is None and steps:
            vague = steps[0].text.strip()
    return ("vague_next_step", vague) if vague is not None else ("no_next_step", None)


def _finding(ctx: Context, rep: str, meeting: Meeting, kind: FindingKind, since: dt.datetime,
             detail: str, evidence: str | None = None) -> Finding:
    copy = next(c for c in meeting.copies if c.rep == rep)
    return Finding(
        rep=ctx.reps[rep].email, kind=kind, account=meeting.primary_account, meeting_uid=meeting.uid,
        since=since, detail=detail, meeting_key=meeting.key, meeting_title=copy.event.title,
        meeting_start=meeting.start, evidence=evidence, web_link=copy.event.web_link,
        contacts=tuple(seat.email for seat in copy.customers))


def _describe(ctx: Context, rep: str, meeting: Meeting) -> str:
    title = next(c for c in meeting.copies if c.rep == rep).event.title or "(untitled)"
    return (f"the meeting \u201c{title}\u201d with {meeting.primary_account} on "
            f"{local_when(meeting.start, ctx, rep)}")


def follow_up_findings(ctx: Context, meetings: list[Meeting]) -> list[Finding]:
    window = dt.timedelta(hours=ctx.thresholds.follow_up_within_hours)
    findings = []
    for meeting in meetings:
        due = meeting.end + window
        if ctx.now <= due:
            continue
        for rep in meeting.reps:
            if not _follow_up_sent(ctx, rep, meeting):
                detail = (f"No follow-up e-mail since {_describe(ctx, rep, meeting)}; "
                          f"it was due by {local_when(due, ctx, rep)}.")
                findings.append(_finding(ctx, rep, meeting, "missing_follow_up", due, detail))
    return findings


def next_step_findings(ctx: Context, meetings: list[Meeting]) -> list[Finding]:
    window = dt.timedelta(hours=ctx.thresholds.next_step_within_hours)
    later = FollowUpMeetings.build(ctx.views)
    findings = []
    for meeting in meetings:
        due = meeting.end + window
        if ctx.now <= due:
            continue
        outcome = _next_step(ctx, meeting, later)
        if outcome is None:
            continue
        kind, quote = outcome
        for rep in meeting.reps:
            if quote is None:
                detail = (f"No dated customer next step after {_describe(ctx, rep, meeting)}: "
                          "no later meeting the customer accepted and no dated commitment "
                          "in the mail since.")
            else:
                detail = (f"Only a vague next step after {_describe(ctx, rep, meeting)}: "
                          f"\u201c{quote}\u201d \u2014 ask the customer for a day.")
            findings.append(_finding(ctx, rep, meeting, kind, due, detail, quote))
    return findings
