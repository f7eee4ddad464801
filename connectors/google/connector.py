"""One rep's Google Workspace source: the ``mail`` and ``calendar`` streams.

The services are built from the discovery documents shipped with
google-api-python-client (``static_discovery=True``, no network), with the
configured endpoints as ``client_options.api_endpoint``. That option *replaces*
the discovery base URL (rootUrl + servicePath) instead of being joined to it, so
the Gmail endpoint is a root (``https://gmail.googleapis.com/``; Gmail's method
paths start with ``gmail/v1/``) while the Calendar endpoint already includes
``calendar/v3/`` (its method paths are relative to it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, ClassVar

from dealnudge.config.schema import Config, GoogleProvider, Rep
from dealnudge.connectors.base import (
    Connector,
    ConnectorContext,
    ConnectorError,
    ErrorKind,
    Stream,
)
from dealnudge.connectors.google.auth import READ_SCOPES, credentials_for, provider_of
from dealnudge.connectors.google.calendar import CalendarSync
from dealnudge.connectors.google.calls import Caller
from dealnudge.connectors.google.gmail import GmailSync
from googleapiclient.discovery import build

from dealnudge.records import SyncPage

MAIL = Stream("mail", "mail")
CALENDAR = Stream("calendar", "calendar")


def build_service(api: str, version: str, credentials: Any, endpoint: str) -> Any:
    return build(api, version, credentials=credentials,
                 client_options={"api_endpoint": endpoint},
                 static_discovery=True, cache_discovery=False)


def batch_uri(provider: GoogleProvider) -> str:
    return provider.api_endpoint.rstrip("/") + "/batch/gmail/v1"


class GoogleConnector(Connector):
    kind: ClassVar[str] = "google"
    cursor_version: ClassVar[int] = 2  # 2: one cursor codec (connectors.cursors)

    def __init__(self, rep: Rep, provider: GoogleProvider, ctx: ConnectorContext) -> None:
        self.rep = rep
        creds = credentials_for(provider, rep.mailbox, READ_SCOPES)
        lock = threading.Lock()
        self.gmail_caller = Caller(rep.email, ctx, provider.quota_units_per_minute, lock=lock)
        self.calendar_caller = Caller(rep.email, ctx, provider.calendar_requests_per_minute,
                                      lock=lock)
        self._gmail = build_service("gmail", "v1", creds, provider.api_endpoint)
        self._calendar = build_service("calendar", "v3", creds, provider.calendar_endpoint)
        self.mail = GmailSync(
            self._gmail, self.gmail_caller, batch_uri=batch_uri(provider),
            page_size=provider.page_size, batch_size=provider.batch_size,
            window_days=provider.mail_window_days, ctx=ctx, default_tz=rep.zone,
            stream_name=MAIL.name, mailbox=rep.mailbox)
        self.calendar = CalendarSync(
            self._calendar, self.calendar_caller, page_size=provider.page_size,
            past_days=provider.calendar_past_days, future_days=provider.calendar_future_days,
            ctx=ctx, default_tz=rep.zone, stream_name=CALENDAR.name)

    def streams(self) -> list[Stream]:
        return [MAIL, CALENDAR]

    def sync(self, stream: Stream, cursor: str | None) -> Iterator[SyncPage]:
        if stream == MAIL:
            return self.mail.sync(cursor)
        if stream == CALENDAR:
            return self.calendar.sync(cursor)
        raise ConnectorError(f"the google source has no stream {stream.name!r}",
                             kind=ErrorKind.BUG)

    def close(self) -> None:
        self._gmail.close()
        self._calendar.close()


def create(rep: Rep, config: Config, ctx: ConnectorContext) -> GoogleConnector:
    return GoogleConnector(rep, provider_of(config), ctx)
