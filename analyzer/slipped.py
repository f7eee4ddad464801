"""Slipped commitments (the method's rule 5): the customer promised a day, the day
passed, and the customer has done nothing since.

Per rep and account only the latest dated customer (or joint) commitment is
tracked — a newer promise supersedes an older one — read from the same mail as
the next-step rule: the customer's own mail and the team's recaps ("As agreed,
you'll bring Dana from finance on March 10"). The rep's own promises never count.
It has slipped when its day D, read in the rep's zone, ended at least
``slip_grace_days`` before *now*, D lies within ``active_within_days``, and since
the message the account shows no customer action: no mail from the account, no
meeting held with a customer attending, no meeting starting after the promise that
a customer accepted or organised.

Cost: extraction is the expensive step, so the latest customer action is found
first from cheap facts; any promise written before it is answered already, and
only the few messages after it are read, newest first, until one holds a dated
customer step.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from dealnudge.analyzer.context import Context
from dealnudge.analyzer.mailbox import Commitment, Mail, MessageIdentity, RepMail, is_dated
from dealnudge.analyzer.meetings import EventView

from dealnudge.records import Finding

EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Promise:
    mail: Mail
    step: Commitment
    due: dt.date


def _last_customer_action(ctx: Context, box: RepMail, views: list[EventView], account: str
                          ) -> dt.datetime:
    """The latest instant after which no promise has been answered by the customer."""
    latest = EPOCH
    if account in box.received and box.received[account].mails:
        latest = box.received[account].mails[-1].sent_at
    for view in views:
        if view.cancelled or view.event.all_day:
            continue
        if view.end <= ctx.now and account in view.attended_accounts():
            latest = max(latest, view.end)
        if account in view.engaged_accounts():
            latest = max(latest, view.start)
    return latest


def _latest_promise(ctx: Context, box: RepMail, account: str, after: dt.datetime
                    ) -> Promise | None:
    """The newest dated customer step written at or after ``after`` (customer mail or recap)."""
    candidates: dict[MessageIdentity, Mail] = {}
    for lines in (box.received, box.team_to):
        if account in lines:
            candidates.update((mail.identity, mail) for mail in lines[account].since(after))
    newest_first = sorted(candidates.items(), key=lambda item: (item[1].order(), item[0]),
                          reverse=True)
    for _, mail in newest_first:
        dated = [s for s in ctx.commitments.customer_steps(mail) if is_dated(s)]
        if dated:
            step = max(dated, key=lambda s: s.due or dt.date.min)
            assert step.due is not None  # noqa: S101 - is_dated says so
            return Promise(mail, step, step.due)
    return None


def _day_end(day: dt.date, ctx: Context, rep: str) -> dt.datetime:
    zone = ctx.reps[rep].zone
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def _finding(ctx: Context, rep: str, account: str, promise: Promise, since: dt.datetime
             ) -> Finding:
    zone = ctx.reps[rep].zone
    written = promise.mail.sent_at.astimezone(zone).date()
    late = (ctx.now.astimezone(zone).date() - promise.due).days
    quote = promise.step.text.strip()
    detail = (f"{account} promised on {written.isoformat()}: \u201c{quote}\u201d \u2014 due "
              f"{promise.due.isoformat()}, {late} days ago, and has not acted since. Ask what "
              "happened and for a new date.")
    return Finding(
        rep=ctx.reps[rep].email, kind="slipped_commitment", account=account, meeting_uid=None,
        since=since, detail=detail, evidence=quote, due=promise.due,
        message_id=promise.mail.message.message_id,
        subject=promise.mail.message.subject or None, web_link=promise.mail.message.web_link)


def slipped_findings(ctx: Context) -> list[Finding]:
    th = ctx.thresholds
    grace = dt.timedelta(days=th.slip_grace_days)
    findings = []
    views_by_rep = ctx.views_by_rep()
    for rep in sorted(ctx.reps):
        box = ctx.mailbox(rep)
        by_account: dict[str, list[EventView]] = defaultdict(list)
        for view in views_by_rep.get(rep, []):
            for account in view.accounts:
                by_account[account].append(view)
        oldest = ctx.now.astimezone(ctx.reps[rep].zone).date() - dt.timedelta(
            days=th.active_within_days)
        for account in sorted(set(box.received) | set(box.team_to)):
            after = _last_customer_action(ctx, box, by_account[account], account)
            promise = _latest_promise(ctx, box, account, after)
            if promise is None or promise.due < oldest:
                continue
            since = _day_end(promise.due, ctx, rep) + grace
            if ctx.now > since:
                findings.append(_finding(ctx, rep, account, promise, since))
    return findings
