"""The one small contract every connector implements, and the errors it may raise.

A connector reads one rep's calendar and mail from one provider and yields
``SyncPage`` objects (``dealnudge.records``). It never touches the database: the
caller (``dealnudge.pipeline``) stores each page and its cursor in one transaction.
A connector is built by ``connectors.registry.create`` from the validated config,
so a deployment without, say, msal still runs Google and local sources.

Errors are classified once, here: everything a connector raises on purpose is a
``ConnectorError`` whose ``kind`` says what the caller should do with it. One policy
for every connector: a cursor the provider no longer accepts, and a stored cursor we
cannot read, are both ``CursorExpired`` (kind ``EXPIRED``): the pipeline logs it and
runs one full resync of that stream.

Optional capabilities are declared, not probed: ``Connector`` gives each one a typed
default (``prefetches = False`` and a no-op ``prefetch``) that a connector overrides.
"""

from __future__ import annotations

import abc
import datetime as dt
import email.message
import enum
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal, Protocol, runtime_checkable

from dealnudge.records import SyncPage

StreamKind = Literal["calendar", "mail"]


@dataclass(frozen=True)
class Stream:
    """One cursor's worth of data: ``calendar``, ``mail:inbox``, ``mail:sent`` …"""

    name: str
    kind: StreamKind


class ErrorKind(enum.Enum):
    TRANSIENT = "transient"  # throttling, 5xx, network: back off and retry later
    EXPIRED = "expired"  # the cursor is no longer accepted (or unreadable): one full resync
    ADMIN = "admin"  # bad/revoked credentials, missing consent, disabled user: alert, do not retry
    BAD_DATA = "bad_data"  # the provider sent something we cannot read: log, skip, count
    BUG = "bug"  # anything else: a defect on our side or an undocumented provider change


class ConnectorError(Exception):
    """A classified failure. Messages are plain sentences and never contain secrets."""

    kind: ErrorKind = ErrorKind.BUG

    def __init__(self, message: str, *, kind: ErrorKind | None = None,
                 retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind
        self.retry_after = retry_after
        self.status = status


class TransientError(ConnectorError):
    kind = ErrorKind.TRANSIENT


class AdminError(ConnectorError):
    """The admin must act (credentials, consent, disabled account); retrying will not help."""

    kind = ErrorKind.ADMIN


class CursorExpired(ConnectorError):
    """The stored sync token / history id / delta link is no longer accepted.

    Raised for exactly the provider signals that mean it (Gmail history 404, Calendar
    410, Graph 410 / ``syncStateNotFound``, IMAP UIDVALIDITY change, a CalDAV sync token
    the server forgot) and for a stored cursor that cannot be decoded; the caller drops
    the cursor and runs one full resync of that stream only. Never retried as is.
    """

    kind = ErrorKind.EXPIRED


Progress = Callable[[str, int, int | None], None]  # (stream name, items done, total or None)


def _no_progress(stream: str, done: int, total: int | None) -> None:
    return None


def _never() -> bool:
    return False


@dataclass
class ConnectorContext:
    """What a connector may take from its surroundings; tests inject every part."""

    now: dt.datetime
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    progress: Progress = field(default=_no_progress)
    # asked between pages: True makes the caller stop (a worker shutting down)
    should_stop: Callable[[], bool] = field(default=_never)


class Connector(abc.ABC):
    """Reads one rep's data from one provider.

    Subclasses implement ``streams``, ``sync`` and ``close`` and may override the
    optional capabilities below, each declared with its default here.
    """

    kind: ClassVar[str]
    cursor_version: ClassVar[int]  # bump when the cursor format changes: stored ones are then ignored

    # Capability: fetch the first page of every stream in one round trip (Graph ``$batch``)
    # before the caller iterates the streams with the same cursors.
    prefetches: ClassVar[bool] = False

    @abc.abstractmethod
    def streams(self) -> list[Stream]:
        """The streams this source has, each with its own cursor."""

    @abc.abstractmethod
    def sync(self, stream: Stream, cursor: str | None) -> Iterator[SyncPage]:
        """Full sync when ``cursor`` is None, else incremental; may raise ``CursorExpired``."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""

    def prefetch(self, cursors: Mapping[str, str | None]) -> None:  # noqa: B027 - optional
        """With ``prefetches``: the first request of every stream, keyed by stream name."""


@runtime_checkable
class Sender(Protocol):
    """Delivers one finished nudge e-mail (outbox, SMTP, Gmail API, Graph sendMail)."""

    def send(self, message: email.message.EmailMessage) -> None:
        """Deliver or raise ``ConnectorError`` (TRANSIENT ones are retried by the caller)."""


SentVerdict = Literal["delivered", "absent", "unknown"]
# How far before the claim a copy may be dated and still count: clocks of this host and
# of the provider differ, and a provider stamps the time it accepted the message.
SENT_CLOCK_MARGIN = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class SentQuery:
    """A nudge whose process stopped between claiming and recording it: was it sent?

    ``message_id`` is the nudge's own (deterministic) Message-ID, ``recipient`` its To
    address, ``since`` the claim's instant (nothing of this claim went out before it),
    ``label`` the nudge's name at the deliverer (the outbox file name).
    """

    message_id: str
    recipient: str
    since: dt.datetime
    label: str = ""

    @property
    def searchable(self) -> bool:
        """Only a well-formed id can go into a provider's search syntax unquoted."""
        mid, to = self.message_id, self.recipient
        return (mid.startswith("<") and mid.endswith(">") and "@" in mid and "@" in to
                and not any(c.isspace() or c in "\"'\\()" for c in mid + to))


def sent_verdict(query: SentQuery, *, ours: bool, others: int, where: str,
                 warn: Callable[[str], None]) -> SentVerdict:
    """The one rule for a sent-folder lookup.

    Found by its Message-ID: delivered. Not found, and the folder holds no other message
    to the recipient since the claim: absent, so the claim can be released and sent once.
    Not found, but something else went to the recipient since the claim (a provider that
    replaced the Message-ID, a roll-up to a rep who is also a manager): unknown, because
    a wrong "absent" would send the digest twice.
    """
    if ours:
        return "delivered"
    if others:
        warn(f"{where} holds {others} other message(s) to {query.recipient} since the claim "
             f"but none with Message-ID {query.message_id}; left unverified")
        return "unknown"
    return "absent"


@runtime_checkable
class SentLookup(Protocol):
    """A sender that can look a nudge up in the sending account's Sent folder."""

    def find_sent(self, query: SentQuery) -> SentVerdict:
        """``sent_verdict`` of the lookup; raise ``ConnectorError`` when it cannot look."""
