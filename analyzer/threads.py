"""Single-threaded deals (the method's rule 7): a deal known through one contact.

Bigger customers buy through several roles — the decision maker, finance, the
technical evaluators, the users — and a deal that after several meetings still
runs through one person is fragile: that person leaves, or cannot sell it inside.
Per rep and account (never a free-mail account: a Gmail buyer is one person by
definition), when at least ``single_thread_min_meetings`` customer meetings were
held within ``active_within_days`` and, across those meetings and all mail with
the account in the same period, only one customer address took part (attended
without declining, wrote, or was written to), the rep is asked to bring more
people in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from dealnudge.analyzer.accounts import is_free_mail
from dealnudge.analyzer.context import Context
from dealnudge.analyzer.mailbox import RepMail
from dealnudge.analyzer.meetings import Meeting

from dealnudge.records import Finding


def _mail_people(ctx: Context, box: RepMail, account: str, since: dt.datetime) -> set[str]:
    people: set[str] = set()
    for lines in (box.received, box.team_to):
        if account not in lines:
            continue
        for mail in lines[account].since(since):
            message = mail.message
            for address in (message.sender, *message.recipients):
                if ctx.book.customer_account(address.email) == account:
                    people.add(address.email.lower())
    return people


def _meeting_people(meetings: list[Meeting], account: str) -> set[str]:
    return {seat.email for meeting in meetings for copy in meeting.copies
            for seat in copy.customers if seat.account == account and seat.response != "declined"}


def thread_findings(ctx: Context, meetings: list[Meeting]) -> list[Finding]:
    th = ctx.thresholds
    since = ctx.now - dt.timedelta(days=th.active_within_days)
    held: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        if meeting.start < since:
            continue
        for account in meeting.accounts:
            if "@" in account or is_free_mail(account):
                continue
            for rep in meeting.reps:
                held[(rep, account)].append(meeting)
    findings = []
    for (rep, account), mine in sorted(held.items()):
        if len(mine) < th.single_thread_min_meetings:
            continue
        people = _meeting_people(mine, account) | _mail_people(ctx, ctx.mailbox(rep), account, since)
        if len(people) != 1:
            continue
        [person] = people
        reached = mine[th.single_thread_min_meetings - 1]
        detail = (f"{len(mine)} meetings with {account} in the last {th.active_within_days} days, "
                  f"and every meeting and e-mail involved only {person}. Ask your contact to bring "
                  "in the decision maker, finance or the technical evaluators.")
        findings.append(Finding(
            rep=ctx.reps[rep].email, kind="single_threaded", account=account, meeting_uid=None,
            since=reached.end, detail=detail, evidence=person, count=len(mine)))
    return findings
