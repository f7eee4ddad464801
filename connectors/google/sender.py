"""Nudges sent through the Gmail API as ``providers.google.sender``.

The sender has its own credential carrying only ``gmail.send`` (a separate
delegation subject), so a leaked or misused sender token cannot read mail.
Sending is not retried here: a 5xx may still have delivered the message, and the
scheduler owns the retry policy (it knows whether the nudge was recorded).

With ``nudges.delivery.sent_check`` a second credential, ``gmail.readonly`` alone and
for the sender mailbox alone, looks a stranded nudge up in the sender's own mail:
``users.messages.list(q="rfc822msgid:<id>")`` (Gmail's search operator for the
Message-ID header; ``gmail.metadata`` may not use ``q``), Sent and Trash included.
The send token still cannot read, and the read token cannot send. A refused token
(the delegation entry lacks the scope) makes the check fail with one clear message,
and the claim stays unverified.
"""

from __future__ import annotations

import base64
import email.message
import logging
import threading
from typing import Any

from dealnudge.config.schema import Config, GmailDelivery
from dealnudge.connectors.base import (
    SENT_CLOCK_MARGIN,
    AdminError,
    ConnectorContext,
    ConnectorError,
    SentQuery,
    SentVerdict,
    sent_verdict,
)
from dealnudge.connectors.google.auth import (
    GMAIL_READONLY,
    SEND_SCOPES,
    credentials_for,
    provider_of,
)
from dealnudge.connectors.google.calls import GMAIL_UNITS, Caller
from dealnudge.connectors.google.connector import build_service
from dealnudge.connectors.google.errors import Call
from dealnudge.connectors.retry import Backoff

log = logging.getLogger(__name__)
SENT_CHECK_SCOPES = (GMAIL_READONLY,)


class GmailSender:
    def __init__(self, config: Config, ctx: ConnectorContext) -> None:
        provider = provider_of(config)
        if provider.sender is None:
            raise AdminError("nudges.delivery is gmail but providers.google.sender is not set")
        self.address = provider.sender
        creds = credentials_for(provider, provider.sender, SEND_SCOPES)
        self.caller = Caller(provider.sender, ctx, provider.quota_units_per_minute,
                             backoff=Backoff(attempts=1), lock=threading.Lock())
        self._gmail = build_service("gmail", "v1", creds, provider.api_endpoint)
        self.last_id: str | None = None  # Gmail id of the last message sent
        self._provider = provider
        self._ctx = ctx
        self._reader: Any = None  # the gmail.readonly service, built on first lookup
        self.sent_check = isinstance(config.nudges.delivery, GmailDelivery) and \
            config.nudges.delivery.sent_check

    def send(self, message: email.message.EmailMessage) -> None:
        raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
        sent: dict[str, Any] = self.caller.run(
            lambda: self._gmail.users().messages().send(userId="me", body={"raw": raw}),
            call=Call.SEND, cost=GMAIL_UNITS["send"])
        self.last_id = str(sent.get("id")) if sent.get("id") else None

    def find_sent(self, query: SentQuery) -> SentVerdict:
        """Look ``query`` up in the sender's own mail with a read-only token."""
        if not query.searchable:
            return "unknown"
        try:
            found = self._list(f"rfc822msgid:{query.message_id}")
            if found:
                return "delivered"
            after = int((query.since - SENT_CLOCK_MARGIN).timestamp())
            others = self._list(f"in:sent to:{query.recipient} after:{after}")
        except AdminError as err:
            raise AdminError(f"the Gmail sent check for {self.address} needs the scope "
                             f"{GMAIL_READONLY} for that mailbox ({err})") from None
        return sent_verdict(query, ours=False, others=others, where=f"Gmail of {self.address}",
                            warn=log.warning)

    def _list(self, q: str) -> int:
        if self._reader is None:
            creds = credentials_for(self._provider, self.address, SENT_CHECK_SCOPES)
            self._reader = build_service("gmail", "v1", creds, self._provider.api_endpoint)
        reader = self._reader
        listed: dict[str, Any] = self.caller.run(
            lambda: reader.users().messages().list(userId="me", q=q, maxResults=10,
                                                   includeSpamTrash=True),
            call=Call.GMAIL, cost=GMAIL_UNITS["list"])
        messages = listed.get("messages")
        if messages is not None and not isinstance(messages, list):
            raise ConnectorError(f"Gmail of {self.address}: messages.list answered "
                                 "something that is not a list")
        return len(messages or [])

    def close(self) -> None:
        self._gmail.close()
        if self._reader is not None:
            self._reader.close()


def create_sender(config: Config, ctx: ConnectorContext) -> GmailSender:
    return GmailSender(config, ctx)
