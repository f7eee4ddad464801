"""Why a finding was raised: the evidence trail behind one finding, as typed data.

A rep who thinks a nudge is wrong, and the admin she asks, need more than its one
sentence: the meeting and who answered the invitation how; the mails the rule looked
at after it, who wrote them, and what each sentence amounted to (who acts, which
day, vague or not, or why it was left out: quoted, signature, auto-reply, the rep's
own promise); the thresholds that applied and the instants that were compared.

Pure like the rest of the analyzer: the same input and *now* as ``analyze``, no I/O;
``dealnudge explain`` renders the result. The trail is rebuilt with the rules' own
functions, so it shows what the rules saw, not a second opinion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from dealnudge.analyzer.accounts import Party
from dealnudge.analyzer.aftermeeting import mail_about
from dealnudge.analyzer.context import AnalysisInput, Context, build_context
from dealnudge.analyzer.evidence import SentenceVerdict, judge_message
from dealnudge.analyzer.mailbox import CommitmentCache, Mail
from dealnudge.analyzer.meetings import EventView, Meeting, customer_meetings
from dealnudge.analyzer.rules import analyze_with
from dealnudge.analyzer.stall import deal_of, stall_of

from dealnudge.records import Finding

Side = Literal["rep", "colleague", "customer", "room", "nobody"]
MAX_ACTIVITY = 12
AGENDA_DAYS = 7  # mail this long before a meeting is shown as "before it": an agenda


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    side: Side
    account: str | None
    response: str
    organizer: bool


@dataclass(frozen=True)
class MeetingTrail:
    uid: str
    title: str
    start: dt.datetime
    end: dt.datetime
    status: str
    calendars: tuple[str, ...]  # the reps whose calendars hold it
    people: tuple[Person, ...]
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return {"uid": self.uid, "title": self.title, "start": _iso(self.start),
                "end": _iso(self.end), "status": self.status, "calendars": list(self.calendars),
                "note": self.note, "people": [p.__dict__ for p in self.people]}


@dataclass(frozen=True)
class MailTrail:
    sent_at: dt.datetime
    sender: str
    to: tuple[str, ...]
    subject: str
    message_id: str
    author: str  # customer | seller | other
    note: str
    sentences: tuple[SentenceVerdict, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"sent_at": _iso(self.sent_at), "sender": self.sender, "to": list(self.to),
                "subject": self.subject, "message_id": self.message_id, "author": self.author,
                "note": self.note, "sentences": [s.to_json() for s in self.sentences]}


@dataclass(frozen=True)
class Moment:
    label: str
    at: dt.datetime


@dataclass(frozen=True)
class Explanation:
    finding: Finding
    now: dt.datetime
    verdict: str
    meeting: MeetingTrail | None = None
    later_meetings: tuple[MeetingTrail, ...] = ()
    mails: tuple[MailTrail, ...] = ()
    activity: tuple[tuple[dt.datetime, str, str], ...] = ()  # (when, customer|seller, what)
    thresholds: dict[str, float] = field(default_factory=dict)
    instants: tuple[Moment, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "finding": self.finding.to_json(), "now": _iso(self.now), "verdict": self.verdict,
            "meeting": self.meeting.to_json() if self.meeting else None,
            "later_meetings": [m.to_json() for m in self.later_meetings],
            "mails": [m.to_json() for m in self.mails],
            "activity": [{"at": _iso(at), "side": side, "what": what}
                         for at, side, what in self.activity],
            "thresholds": self.thresholds,
            "instants": [{"label": m.label, "at": _iso(m.at)} for m in self.instants],
        }


def explain(inp: AnalysisInput, now: dt.datetime, key: str) -> Explanation | None:
    """The evidence trail of the finding whose ``Finding.key`` is ``key``, if open at now."""
    cache = CommitmentCache()
    finding = next((f for f in analyze_with(inp, now, cache) if f.key == key), None)
    if finding is None:
        return None
    ctx = build_context(inp, now, cache)
    if finding.kind == "stalled_deal":
        return _stalled(ctx, finding)
    if finding.meeting_key is None:
        return _deal_signal(ctx, finding)
    meeting = next((m for m in customer_meetings(ctx.views, ctx.now)
                    if m.key == finding.meeting_key), None)
    if meeting is None:  # a kind this module does not trace yet
        return Explanation(finding, ctx.now, finding.detail, thresholds=_thresholds(ctx))
    if finding.kind == "missing_follow_up":
        return _follow_up(ctx, finding, meeting)
    return _next_step(ctx, finding, meeting)


def _thresholds(ctx: Context, *names: str) -> dict[str, float]:
    values = ctx.thresholds.model_dump()
    return {name: values[name] for name in names} if names else values


def _person(ctx: Context, email: str, name: str, response: str, organizer: bool,
            resource: bool) -> Person:
    party = ctx.book.classify(email.lower())
    side: Side = ("room" if resource else "rep" if party is Party.TEAM else "colleague"
                  if party is Party.INTERNAL else "customer" if party is Party.CUSTOMER
                  else "nobody")
    account = ctx.book.customer_account(email.lower()) if side == "customer" else None
    return Person(email, name, side, account, response, organizer)


def _meeting_trail(ctx: Context, copies: Iterable[EventView], note: str = "") -> MeetingTrail:
    copies = list(copies)
    event = copies[0].event
    people = tuple(_person(ctx, p.email, p.name, p.response, p.is_organizer, p.is_resource)
                   for p in event.participants)
    return MeetingTrail(event.uid, event.title, copies[0].start, copies[0].end, event.status,
                        tuple(sorted({c.rep for c in copies})), people, note)


def _mail_trail(mail: Mail, note: str, *, judged: bool) -> MailTrail:
    m = mail.message
    sentences = judge_message(m.body_text, sent_at=m.sent_at, author=mail.author,
                              auto_reply=m.is_auto_reply) if judged else []
    return MailTrail(mail.sent_at, m.sender.email, tuple(a.email for a in m.recipients),
                     m.subject, m.message_id, mail.author or "other", note, tuple(sentences))


def _follow_up(ctx: Context, finding: Finding, meeting: Meeting) -> Explanation:
    rep = finding.rep.lower()
    box = ctx.mailbox(rep)
    window = dt.timedelta(hours=ctx.thresholds.follow_up_within_hours)
    shown = {}
    for account in meeting.accounts:
        if account in box.sent:
            for mail in box.sent[account].since(meeting.start - dt.timedelta(days=AGENDA_DAYS)):
                note = ("sent before the meeting started: an agenda does not count"
                        if mail.sent_at < meeting.start else "a follow-up")
                shown[mail.identity] = _mail_trail(mail, note, judged=False)
    verdict = (f"No e-mail from {finding.rep} to {', '.join(meeting.accounts)} since the "
               f"meeting started; the follow-up was due {meeting.end + window:%Y-%m-%d %H:%M} "
               "UTC.")
    return Explanation(
        finding, ctx.now, verdict, meeting=_meeting_trail(ctx, meeting.copies),
        mails=tuple(sorted(shown.values(), key=lambda m: m.sent_at)),
        thresholds=_thresholds(ctx, "follow_up_within_hours"),
        instants=(Moment("meeting start", meeting.start), Moment("meeting end", meeting.end),
                  Moment("follow-up due (end + follow_up_within_hours)", meeting.end + window),
                  Moment("now", ctx.now)))


def _later_meetings(ctx: Context, meeting: Meeting) -> tuple[MeetingTrail, ...]:
    """Meetings with the account after this one, and whether each is evidence."""
    grouped: dict[str, list[EventView]] = {}
    for view in ctx.views:
        if view.start > meeting.start and set(view.accounts) & set(meeting.accounts):
            grouped.setdefault(view.key, []).append(view)
    trails = []
    for copies in grouped.values():
        engaged = any(set(c.engaged_accounts()) & set(meeting.accounts) for c in copies)
        note = ("cancelled: not evidence" if any(c.cancelled for c in copies) else
                "a customer accepted or organised it: evidence" if engaged else
                "no customer accepted or organised it: not evidence")
        trails.append(_meeting_trail(ctx, copies, note))
    return tuple(sorted(trails, key=lambda t: t.start))


def _next_step(ctx: Context, finding: Finding, meeting: Meeting) -> Explanation:
    window = dt.timedelta(hours=ctx.thresholds.next_step_within_hours)
    mails = tuple(_mail_trail(mail, "after the meeting started", judged=True)
                  for mail in mail_about(ctx, meeting))
    if finding.kind == "vague_next_step":
        verdict = (f"Only vague customer steps since the meeting started, the first: "
                   f"\u201c{finding.evidence}\u201d; no dated one and no later meeting a "
                   "customer accepted.")
    else:
        verdict = ("No customer step since the meeting started: no dated or vague "
                   "commitment in the mail and no later meeting a customer accepted.")
    return Explanation(
        finding, ctx.now, verdict, meeting=_meeting_trail(ctx, meeting.copies),
        later_meetings=_later_meetings(ctx, meeting), mails=mails,
        thresholds=_thresholds(ctx, "next_step_within_hours"),
        instants=(Moment("meeting start", meeting.start), Moment("meeting end", meeting.end),
                  Moment("next step due (end + next_step_within_hours)", meeting.end + window),
                  Moment("now", ctx.now)))


def _stalled(ctx: Context, finding: Finding) -> Explanation:
    rep = finding.rep.lower()
    deal = deal_of(ctx, rep, finding.account)
    stall = stall_of(ctx, deal)
    activity = sorted([(a.at, "customer", a.what) for a in deal.customer if a.at <= ctx.now]
                      + [(t.at, "seller", t.what) for t in deal.touches])[-MAX_ACTIVITY:]
    mails = tuple(_mail_trail(t.mail, "a seller-only touch since the last customer action",
                              judged=True) for t in (stall.touches if stall else []) if t.mail)
    thresholds = _thresholds(ctx, "stall_after_days", "stall_min_seller_touches",
                             "active_within_days")
    instants = [Moment("now", ctx.now)]
    if stall is not None:
        last = stall.last_action
        instants = [Moment("last customer action" if last else "first contact (no customer "
                           "action since)", stall.reference),
                    Moment("stalled from (+ stall_after_days)",
                           stall.reference + dt.timedelta(days=ctx.thresholds.stall_after_days)),
                    Moment("latest seller touch", stall.touches[-1].at), *instants]
    return Explanation(finding, ctx.now, finding.detail, mails=mails,
                       activity=tuple(activity), thresholds=thresholds, instants=tuple(instants))


def _mail_by_id(ctx: Context, rep: str, account: str, message_id: str | None) -> Mail | None:
    box = ctx.mailbox(rep)
    for lines in (box.received, box.team_to):
        if account in lines:
            for mail in lines[account].mails:
                if mail.message.message_id == message_id:
                    return mail
    return None


_SIGNAL_THRESHOLDS = {
    "slipped_commitment": ("slip_grace_days", "active_within_days"),
    "repeated_reschedules": ("reschedule_window_days", "reschedule_min_count"),
    "single_threaded": ("single_thread_min_meetings", "active_within_days"),
    "unanswered_customer": ("reply_within_hours", "active_within_days"),
}


def _deal_signal(ctx: Context, finding: Finding) -> Explanation:
    """Slipped promises, reschedules, single threads, unanswered mail: the message the
    finding quotes (judged sentence by sentence), or what the calendar showed."""
    mails: tuple[MailTrail, ...] = ()
    activity: tuple[tuple[dt.datetime, str, str], ...] = ()
    instants = [Moment("now", ctx.now)]
    mail = _mail_by_id(ctx, finding.rep.lower(), finding.account, finding.message_id)
    if mail is not None:
        what = "the promise" if finding.kind == "slipped_commitment" else "the question"
        mails = (_mail_trail(mail, f"{what}: \u201c{finding.evidence}\u201d", judged=True),)
        instants.insert(0, Moment("mail sent", mail.sent_at))
    elif finding.evidence:
        side = "seller" if finding.kind == "single_threaded" else "customer"
        label = {"single_threaded": "the only customer person",
                 "repeated_reschedules": "called off or moved"}.get(finding.kind, "evidence")
        activity = ((finding.since, side, f"{label}: {finding.evidence}"),)
    instants.insert(-1, Moment("finding since", finding.since))
    names = _SIGNAL_THRESHOLDS.get(finding.kind, ())
    return Explanation(finding, ctx.now, finding.detail, mails=mails, activity=activity,
                       thresholds=_thresholds(ctx, *names) if names else _thresholds(ctx),
                       instants=tuple(instants))
