"""Nudges sent through the Gmail API as ``providers.google.sender``.

The sender has its own credential carrying only ``gmail.send`` (a separate
delegation subject), so a leaked or misused sender token cannot read mail.
Sending is not retried here: a 5xx may still have delivered the message, and the
scheduler owns the retry policy (it knows whether the nudge was recorded).
"""

from __future__ import annotations

import base64
import email.message
import threading
from typing import Any

from dealnudge.config.schema import Config
from dealnudge.connectors.base import AdminError, ConnectorContext
from dealnudge.connectors.google.auth import SEND_SCOPES, credentials_for, provider_of
from dealnudge.connectors.google.calls import GMAIL_UNITS, Caller
from dealnudge.connectors.google.connector import build_service
from dealnudge.connectors.google.errors import Call
from dealnudge.connectors.retry import Backoff


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

    def send(self, message: email.message.EmailMessage) -> None:
        raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
        sent: dict[str, Any] = self.caller.run(
            lambda: self._gmail.users().messages().send(userId="me", body={"raw": raw}),
            call=Call.SEND, cost=GMAIL_UNITS["send"])
        self.last_id = str(sent.get("id")) if sent.get("id") else None

    def close(self) -> None:
        self._gmail.close()


def create_sender(config: Config, ctx: ConnectorContext) -> GmailSender:
    return GmailSender(config, ctx)
