"""The reps' mail, indexed once per analysis by rep and account.

Every rule asks time-range questions of one rep's mail with one account — "did the
rep write to acme.example after 14:00 on March 3?", "what did acme.example write
since?" — for thousands of meetings, so messages are classified once (who wrote
it, which accounts it reaches) and kept in per-(rep, account) lists sorted by time
that the rules bisect. A message appears in several places (the rep's Sent folder
and a colleague's Inbox, or twice after a folder move), so each rep's mailbox is
de-duplicated by Message-ID. Messages stamped after *now* are left out: an analysis
"as of" a past instant must not see the future.

Commitment extraction is the expensive step, so it runs at most once per message
and only when a rule needs that message's text.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol

from dealnudge.analyzer.accounts import AddressBook, Party, normalise
from dealnudge.analyzer.commitments import extract_commitments

from dealnudge.records import EmailMessage

UTC = dt.UTC
Author = Literal["customer", "seller"]


class Commitment(Protocol):
    """What ``analyzer.commitments.extract_commitments`` returns for each step found."""

    @property
    def actor(self) -> str: ...
    @property
    def due(self) -> dt.date | None: ...
    @property
    def vague(self) -> bool: ...
    @property
    def text(self) -> str: ...


Extractor = Callable[..., Sequence[Commitment]]


MessageIdentity = tuple[str, str, dt.datetime, tuple[str, ...], str]


def message_identity(message: EmailMessage) -> MessageIdentity:
    """What makes two stored copies one message. The Message-ID alone is not enough:
    some generators derive it from sender, time and subject, so two different mails
    sent at once with one subject share it (measured on generated sample mail)."""
    recipients = tuple(sorted(a.email for a in message.recipients))
    return (message.message_id, message.sender.email, message.sent_at.astimezone(UTC),
            recipients, message.body_text)


@dataclass(frozen=True)
class Mail:
    """One message classified for the rules."""

    message: EmailMessage
    sent_at: dt.datetime  # UTC
    author: Author | None  # None: neither a customer nor the team (bots, ignored senders)
    sender_account: str | None
    recipient_accounts: frozenset[str]

    @cached_property
    def identity(self) -> MessageIdentity:
        return message_identity(self.message)

    def order(self) -> tuple[dt.datetime, str]:
        return self.sent_at, self.message.message_id


@dataclass
class TimeLine:
    """Mails sorted by time, answering "the ones from ``start`` on"."""

    mails: list[Mail] = field(default_factory=list)
    _times: list[dt.datetime] = field(default_factory=list)

    def freeze(self) -> None:
        self.mails.sort(key=Mail.order)
        self._times = [mail.sent_at for mail in self.mails]

    def since(self, start: dt.datetime) -> list[Mail]:
        return self.mails[bisect.bisect_left(self._times, start):]

    def first_since(self, start: dt.datetime) -> Mail | None:
        index = bisect.bisect_left(self._times, start)
        return self.mails[index] if index < len(self.mails) else None


@dataclass
class RepMail:
    """One rep's de-duplicated mailbox, split by account."""

    sent: dict[str, TimeLine] = field(default_factory=lambda: defaultdict(TimeLine))
    received: dict[str, TimeLine] = field(default_factory=lambda: defaultdict(TimeLine))
    team_to: dict[str, TimeLine] = field(default_factory=lambda: defaultdict(TimeLine))

    def freeze(self) -> None:
        for lines in (self.sent, self.received, self.team_to):
            for line in lines.values():
                line.freeze()


def classify(message: EmailMessage, book: AddressBook) -> Mail:
    sender = normalise(message.sender.email)
    party = book.classify(sender)
    author: Author | None = None
    if party is Party.CUSTOMER:
        author = "customer"
    elif party in (Party.TEAM, Party.INTERNAL):
        author = "seller"
    accounts = (book.customer_account(a.email) for a in message.recipients)
    return Mail(
        message=message, sent_at=message.sent_at.astimezone(UTC), author=author,
        sender_account=book.customer_account(sender) if author == "customer" else None,
        recipient_accounts=frozenset(a for a in accounts if a is not None),
    )


class Classified:
    """Messages classified once across analyses of one team with one address book.

    ``dealnudge backtest`` analyses the same records at many instants; classifying a
    message (who wrote it, which accounts it reaches) does not depend on the instant,
    so it is done once. Keyed by the message object, which the caller keeps alive.
    """

    def __init__(self) -> None:
        self._mails: dict[int, Mail] = {}

    def mail(self, message: EmailMessage, book: AddressBook) -> Mail:
        found = self._mails.get(id(message))
        if found is None or found.message is not message:
            found = self._mails[id(message)] = classify(message, book)
        return found


def index_mail(messages: Iterable[tuple[str, EmailMessage]], rep_addresses: dict[str, frozenset[str]],
               book: AddressBook, now: dt.datetime,
               memo: Classified | None = None) -> dict[str, RepMail]:
    """Per rep: the rep's own non-automatic mail to each account (``sent``), the
    customers' non-automatic mail from each account (``received``) and any team
    member's mail to each account (``team_to``, where recaps are looked for)."""
    seen: set[tuple[str, MessageIdentity]] = set()
    index: dict[str, RepMail] = defaultdict(RepMail)
    # Sorted first so that which of several copies wins never depends on the order the
    # store returned the records in.
    for rep, message in sorted(messages, key=lambda item: (
            item[0], item[1].message_id, item[1].folder, item[1].source_id)):
        if message.is_auto_reply or message.sent_at > now:
            continue
        mail = memo.mail(message, book) if memo is not None else classify(message, book)
        slot = (rep, mail.identity)
        if slot in seen:
            continue
        seen.add(slot)
        box = index[rep]
        if mail.author == "customer" and mail.sender_account is not None:
            box.received[mail.sender_account].mails.append(mail)
        elif mail.author == "seller":
            own = normalise(message.sender.email) in rep_addresses.get(rep, frozenset())
            for account in mail.recipient_accounts:
                box.team_to[account].mails.append(mail)
                if own:
                    box.sent[account].mails.append(mail)
    for box in index.values():
        box.freeze()
    return index


class CommitmentCache:
    """Runs the extractor at most once per message, on demand."""

    def __init__(self, extract: Extractor | None = None) -> None:
        self._extract = extract
        self._found: dict[MessageIdentity, tuple[Commitment, ...]] = {}
        self.calls = 0

    def customer_steps(self, mail: Mail) -> tuple[Commitment, ...]:
        """Next steps the customer (alone or jointly) takes, from the message's own text."""
        if mail.author is None:
            return ()
        if mail.identity not in self._found:
            self.calls += 1
            if self._extract is None:
                self._extract = extract_commitments
            found = self._extract(mail.message.body_text, sent_at=mail.message.sent_at,
                                  author=mail.author)
            self._found[mail.identity] = tuple(c for c in found if c.actor in ("customer", "joint"))
        return self._found[mail.identity]


def is_dated(step: Commitment) -> bool:
    return step.due is not None and not step.vague
