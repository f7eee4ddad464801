"""Unanswered customers (the method's rule 8): a customer asked the rep something
and is still waiting.

Per rep and customer message: a mail from someone at a customer, addressed to the
rep (To or Cc, any alias), not an auto-reply (flagged by the connector, or reading
like an out-of-office text), whose own text — quotes and signature cut — asks a
question or makes a request (``analyzer.questions``), received more than
``reply_within_hours`` before *now* and within ``active_within_days``, with no mail
from the rep to any address of that account since it arrived. A reply to a
colleague at the same account counts as an answer: the account heard back.
"""

from __future__ import annotations

import datetime as dt

from dealnudge.analyzer.accounts import normalise
from dealnudge.analyzer.aftermeeting import local_when
from dealnudge.analyzer.context import Context
from dealnudge.analyzer.mailbox import Mail
from dealnudge.analyzer.questions import find_question

from dealnudge.records import Finding


def _addressed_to(mail: Mail, addresses: frozenset[str]) -> bool:
    return any(normalise(a.email) in addresses for a in mail.message.recipients)


def unanswered_findings(ctx: Context) -> list[Finding]:
    th = ctx.thresholds
    wait = dt.timedelta(hours=th.reply_within_hours)
    oldest = ctx.now - dt.timedelta(days=th.active_within_days)
    findings = []
    for rep in sorted(ctx.reps):
        box = ctx.mailbox(rep)
        addresses = ctx.reps[rep].addresses
        for account, line in sorted(box.received.items()):
            replies = box.sent.get(account)
            for mail in line.since(oldest):
                if ctx.now - mail.sent_at <= wait or not _addressed_to(mail, addresses):
                    continue
                if replies is not None and replies.first_since(mail.sent_at) is not None:
                    continue
                question = find_question(mail.message.body_text)
                if question is None:
                    continue
                sender = mail.message.sender.email
                detail = (f"{sender} wrote on {local_when(mail.sent_at, ctx, rep)}: "
                          f"\u201c{question}\u201d \u2014 no reply from you to {account} since. "
                          "Answer today.")
                findings.append(Finding(
                    rep=ctx.reps[rep].email, kind="unanswered_customer", account=account,
                    meeting_uid=None, since=mail.sent_at + wait, detail=detail,
                    evidence=question, message_id=mail.message.message_id,
                    contacts=(mail.message.sender.email,), subject=mail.message.subject or None,
                    web_link=mail.message.web_link))
    return findings
