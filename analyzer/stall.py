"""Stalled deals (docs/method.md, rule 4): the rep keeps acting while the customer does not.

Per rep and account, everything that happened is sorted into customer actions and
seller-only touches:

* customer actions — an e-mail from someone at the account (auto-replies were
  already dropped by the mail index); a meeting held with a customer on it who did
  not decline (at its end); a customer accepting or organising an invitation (at
  the event's ``updated`` stamp, else its start, never after *now* — so an accepted
  meeting still ahead keeps the deal alive); a dated customer commitment written
  down in the rep's own recap (at the recap's time); a new person from the account
  joining — someone who was not among its first contacts writing (an e-mail, above)
  or answering an invitation, even tentatively. A person the rep merely writes to
  has not acted.
* seller-only touches — the rep's own e-mails to the account, invitations the rep
  organised that no customer accepted and that were not held, cancelled meetings.

The deal is stalled when the last customer action is more than ``stall_after_days``
old, at least ``stall_min_seller_touches`` touches came after it, and the latest
touch is within ``active_within_days`` of *now* (older silence is a dormant deal,
which a nudge cannot help). With no customer action at all, the first touch is the
reference and every touch counts. ``since`` is reference + ``stall_after_days``:
the instant the silence became a stall, stable while nothing changes.

Recaps are only run through the commitment extractor when the cheap checks already
say "stalled", so a team's whole sent folder is not parsed for this rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from dealnudge.analyzer.context import Context
from dealnudge.analyzer.mailbox import Mail, RepMail, TimeLine, is_dated
from dealnudge.analyzer.meetings import EventView

from dealnudge.records import Finding


@dataclass(frozen=True)
class Action:
    at: dt.datetime
    what: str


@dataclass(frozen=True)
class Touch:
    at: dt.datetime
    what: str
    mail: Mail | None = None


@dataclass
class Deal:
    customer: list[Action]
    touches: list[Touch]


def _event_entries(view: EventView, account: str, now: dt.datetime, deal: Deal) -> None:
    title = _title(view)
    if view.cancelled:
        deal.touches.append(Touch(view.changed_at(now), f"cancelled meeting {title}"))
        return
    held = (not view.event.all_day and view.end <= now
            and account in view.attended_accounts())
    engaged = account in view.engaged_accounts()
    if held:
        deal.customer.append(Action(view.end, f"meeting {title} held"))
    if engaged:
        organised = any(s.is_organizer for s in view.customers if s.account == account)
        verb = "organised the meeting" if organised else "accepted the invitation"
        deal.customer.append(Action(view.changed_at(now), f"{verb} {title}"))
    if not held and not engaged and view.rep_organised:
        deal.touches.append(Touch(view.changed_at(now), f"unanswered invitation {title}"))


def _newcomers(ctx: Context, box: RepMail, views: list[EventView], account: str
               ) -> list[Action]:
    """Invitation answers from people who were not among the account's first contacts.

    A customer bringing their boss in shows up as a new attendee on the rep's
    invitation (forwarded to them) who answers it, often only tentatively — which
    from an established contact would not count. New people's e-mails need nothing
    here: every customer e-mail is an action already.
    """
    first_seen: dict[str, dt.datetime] = {}

    def see(email: str, at: dt.datetime) -> None:
        if ctx.book.customer_account(email) != account:
            return
        if email not in first_seen or at < first_seen[email]:
            first_seen[email] = at

    for mail in _mails(box.sent, account):
        for addr in mail.message.recipients:
            see(addr.email, mail.sent_at)
    for mail in _mails(box.received, account):
        for addr in (mail.message.sender, *mail.message.recipients):
            see(addr.email, mail.sent_at)
    for view in views:
        for seat in view.customers:
            see(seat.email, view.changed_at(ctx.now))
    if not first_seen:
        return []
    opening = min(first_seen.values())
    return [Action(view.changed_at(ctx.now), f"{seat.email} joined {_title(view)}")
            for view in views for seat in view.customers
            if seat.account == account and first_seen[seat.email] > opening
            and seat.response in ("accepted", "tentative")]


def _title(view: EventView) -> str:
    return f"\u201c{view.event.title or '(untitled)'}\u201d"


def _mails(lines: dict[str, TimeLine], account: str) -> list[Mail]:
    return lines[account].mails if account in lines else []


def _deals(ctx: Context, rep: str, views: list[EventView]) -> dict[str, Deal]:
    box = ctx.mailbox(rep)
    deals: dict[str, Deal] = defaultdict(lambda: Deal([], []))
    for account, line in box.sent.items():
        deals[account].touches.extend(
            Touch(mail.sent_at, f"e-mail \u201c{mail.message.subject}\u201d", mail)
            for mail in line.mails)
    for account, line in box.received.items():
        deals[account].customer.extend(
            Action(mail.sent_at, f"e-mail from {mail.message.sender.email}") for mail in line.mails)
    by_account: dict[str, list[EventView]] = defaultdict(list)
    for view in views:
        for account in view.accounts:
            by_account[account].append(view)
            _event_entries(view, account, ctx.now, deals[account])
    for account, deal in deals.items():
        deal.customer.extend(_newcomers(ctx, box, by_account[account], account))
    return deals


@dataclass(frozen=True)
class Stall:
    reference: dt.datetime
    last_action: Action | None
    touches: list[Touch]


def _judge(ctx: Context, last: Action | None, touches: list[Touch]) -> Stall | None:
    """The cheap checks, on touches sorted by time."""
    th = ctx.thresholds
    after = [t for t in touches if last is None or t.at > last.at]
    if not after:
        return None
    reference = last.at if last is not None else after[0].at
    if (ctx.now - reference <= dt.timedelta(days=th.stall_after_days)
            or len(after) < th.stall_min_seller_touches
            or ctx.now - after[-1].at > dt.timedelta(days=th.active_within_days)):
        return None
    return Stall(reference, last, after)


def _stall(ctx: Context, deal: Deal) -> Stall | None:
    touches = sorted(deal.touches, key=lambda t: (t.at, t.what))
    actions = [a for a in deal.customer if a.at <= ctx.now]
    last = max(actions, key=lambda a: (a.at, a.what), default=None)
    stall = _judge(ctx, last, touches)
    if stall is None:
        return None
    for touch in reversed(stall.touches):  # a recap of a dated customer promise is an action
        if touch.mail and any(is_dated(s) for s in ctx.commitments.customer_steps(touch.mail)):
            return _judge(ctx, Action(touch.at, "a dated customer commitment in the recap "
                                      f"{touch.what}"), touches)
    return stall


def deal_of(ctx: Context, rep: str, account: str) -> Deal:
    """Everything the rule sorted for one rep and account (for ``analyzer.explain``)."""
    return _deals(ctx, rep, ctx.views_by_rep().get(rep, [])).get(account) or Deal([], [])


def stall_of(ctx: Context, deal: Deal) -> Stall | None:
    """The rule's judgement of one deal (for ``analyzer.explain``)."""
    return _stall(ctx, deal)


def _describe(ctx: Context, rep: str, account: str, stall: Stall) -> str:
    days = int((ctx.now - stall.reference) / dt.timedelta(days=1))
    local = stall.reference.astimezone(ctx.reps[rep].zone).date().isoformat()
    n = len(stall.touches)
    if stall.last_action is None:
        return (f"{account} has not acted since your first contact {days} days ago ({local}); "
                f"{n} seller-only touches went unanswered. Stop sending more of the same: ask "
                "what holds them back, ask for a small dated step, or disqualify the deal.")
    return (f"{account} last acted {days} days ago ({local}: {stall.last_action.what}); since "
            f"then {n} seller-only touches went unanswered. Stop sending more of the same: ask "
            "what holds them back, ask for a small dated step, or disqualify the deal.")


def _latest_link(stall: Stall) -> str | None:
    """The newest unanswered e-mail's thread, where the provider gave it a web page."""
    for touch in reversed(stall.touches):
        if touch.mail is not None and touch.mail.message.web_link:
            return touch.mail.message.web_link
    return None


def stall_findings(ctx: Context) -> list[Finding]:
    window = dt.timedelta(days=ctx.thresholds.stall_after_days)
    findings = []
    views_by_rep = ctx.views_by_rep()
    for rep in sorted(ctx.reps):
        for account, deal in sorted(_deals(ctx, rep, views_by_rep.get(rep, [])).items()):
            stall = _stall(ctx, deal)
            if stall is None:
                continue
            last = stall.last_action
            findings.append(Finding(
                rep=ctx.reps[rep].email, kind="stalled_deal", account=account, meeting_uid=None,
                since=stall.reference + window, detail=_describe(ctx, rep, account, stall),
                evidence=last.what if last else "no customer action since the first contact",
                last_customer_action=last.at if last else None,
                seller_touches=len(stall.touches), web_link=_latest_link(stall)))
    return findings
