"""The fake tenant (identity + Graph on one TLS server) and the conformance ``World``.

Connectors are built exactly as production builds them — ``connectors.microsoft.create``
from a validated ``Config`` — with ``authority_host`` and ``graph_endpoint`` pointing at
the local server and ``ca_bundle`` naming the test CA.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from dealnudge.config.schema import Config
from dealnudge.connectors import microsoft
from dealnudge.connectors.base import Connector, ConnectorContext, Stream

from tests.conformance import EventSpec, MessageSpec
from tests.microsoft.fake_graph import FakeGraph, Mailbox, mime_of
from tests.microsoft.identity import Identity
from tests.microsoft.server import RecordingServer, Reply, Request
from tests.microsoft.tls import TlsFiles

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TENANT = "72f988bf-0000-0000-0000-000000000001"
CLIENT = "11111111-2222-3333-4444-555555555555"
SECRET = "s3cr3t-value-never-logged"
COLLECTIONS = {"mail:inbox": "inbox", "mail:sent": "sentitems", "calendar": "calendar"}
GRAPH_RESPONSES = {"accepted": "accepted", "declined": "declined",
                   "tentative": "tentativelyAccepted", "needs_action": "notResponded"}


class FakeMicrosoft:
    def __init__(self, tls: TlsFiles, host: str = "127.0.0.1") -> None:
        self.identity = Identity(TENANT, CLIENT, secret=SECRET)
        self.graph = FakeGraph()
        self.tls = tls
        self.server = RecordingServer(self._handle, tls)
        self.base = f"https://{host}:{self.server.port}"

    def _handle(self, request: Request) -> Reply:
        if self.identity.handles(request):
            reply = self.identity.handle(request)
            self.graph.valid_tokens |= self.identity.issued
            return reply
        return self.graph.handle(request)

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def graph_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.startswith("/v1.0/")]

    def token_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/oauth2/v2.0/token")]

    def config(self, reps: list[str], **provider: Any) -> Config:
        settings: dict[str, Any] = {
            "tenant_id": TENANT, "client_id": CLIENT, "client_secret": SECRET,
            "authority_host": self.base, "graph_endpoint": self.base,
            "ca_bundle": str(self.tls.ca_pem), "page_size": 3, **provider}
        return Config.model_validate({
            "organization": {"name": "Northwind", "internal_domains": ["northwind.example"]},
            "providers": {"microsoft": settings},
            "reps": [{"email": r, "timezone": "Asia/Shanghai", "source": {"kind": "microsoft"}}
                     for r in reps]})

    def throttle(self, times: int, retry_after: float, status: int = 429) -> None:
        code = "ApplicationThrottled" if status == 429 else "ServiceUnavailable"
        self.server.script(lambda r: r.path.startswith("/v1.0/"),
                           Reply.graph_error(status, code, "Too many requests.",
                                             {"Retry-After": f"{retry_after:g}"}),
                           f"{status} x{times}", times)

    def assert_clean(self) -> None:
        leftover = [s.label for s in self.server.scripted + self.graph.item_scripts]
        assert not leftover, f"scripted responses never used: {leftover}"
        problems = self.server.violations + self.graph.violations
        assert not problems, problems

    def stop(self) -> None:
        self.server.stop()

    # ---- data in Graph's shape --------------------------------------------------
    def add_message(self, mailbox: str, spec: MessageSpec) -> str:
        item_id = f"AAkALgAA{spec.key}-{secrets.token_hex(4)}"
        sent = spec.sent_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        people = [{"emailAddress": {"name": "", "address": a}} for a in spec.to]
        doc = {
            "id": item_id, "createdDateTime": sent, "lastModifiedDateTime": sent,
            "receivedDateTime": sent, "sentDateTime": sent, "hasAttachments": False,
            "internetMessageId": f"<{spec.key}@acme.example>", "subject": spec.subject,
            "bodyPreview": spec.body[:255], "importance": "normal",
            "parentFolderId": "AQMkAD" + spec.folder, "conversationId": f"conv-{spec.key}",
            "isRead": False, "isDraft": False, "inferenceClassification": "focused",
            "webLink": f"https://outlook.office365.com/owa/?ItemID={item_id}",
            "body": {"contentType": "text", "content": spec.body},
            "sender": {"emailAddress": {"name": "", "address": spec.sender}},
            "from": {"emailAddress": {"name": "", "address": spec.sender}},
            "toRecipients": people, "ccRecipients": [], "bccRecipients": [], "replyTo": [],
            "flag": {"flagStatus": "notFlagged"}, "categories": []}
        folder = "sentitems" if spec.folder == "sent" else "inbox"
        mime = mime_of(spec.subject, spec.sender, list(spec.to), sent, spec.body)
        self.graph.put(mailbox, folder, doc, mime)
        return item_id

    def add_event(self, mailbox: str, spec: EventSpec, **extra: Any) -> str:
        item_id = f"AAMkAGI{spec.key}-{secrets.token_hex(4)}"
        attendees = [{"type": "required",
                      "status": {"response": "organizer" if email == spec.organizer
                                 else GRAPH_RESPONSES[status], "time": "0001-01-01T00:00:00Z"},
                      "emailAddress": {"name": "", "address": email}}
                     for email, status in spec.attendees]
        doc = {
            "id": item_id, "iCalUId": spec.uid, "subject": spec.title,
            "bodyPreview": "", "body": {"contentType": "text", "content": ""},
            "start": _graph_time(spec.start), "end": _graph_time(spec.end),
            "isAllDay": False, "isCancelled": False, "type": "singleInstance",
            "showAs": "busy", "location": {"displayName": "Teams"},
            "organizer": {"emailAddress": {"name": "", "address": spec.organizer}},
            "attendees": attendees, "lastModifiedDateTime": "2026-03-01T08:00:00Z",
            "webLink": f"https://outlook.office365.com/owa/?itemid={item_id}&exvsurl=1"
                       "&path=/calendar/item", **extra}
        self.graph.put(mailbox, "calendar", doc)
        return item_id


def _graph_time(moment: dt.datetime) -> dict[str, str]:
    return {"dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"),
            "timeZone": "UTC"}


class GraphWorld:
    """The conformance suite's view of the fake tenant."""

    rep_email = "rep@northwind.example"
    page_size = 3
    supports_throttling = True

    def __init__(self, fake: FakeMicrosoft) -> None:
        self.fake = fake
        self.sleeps: list[float] = []
        self.clock = 0.0
        self.now = NOW
        self.keys: dict[str, tuple[str, str]] = {}
        self.config = fake.config([self.rep_email], page_size=self.page_size)
        fake.graph.mailboxes.setdefault(self.rep_email, Mailbox())

    def context(self) -> ConnectorContext:
        return ConnectorContext(now=self.now, sleep=self._sleep, monotonic=lambda: self.clock)

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock += seconds

    def connector(self) -> Connector:
        return microsoft.create(self.config.reps[0], self.config, self.context())

    def add_message(self, spec: MessageSpec) -> None:
        folder = "sentitems" if spec.folder == "sent" else "inbox"
        self.keys[spec.key] = (folder, self.fake.add_message(self.rep_email, spec))

    def add_event(self, spec: EventSpec) -> None:
        self.keys[spec.key] = ("calendar", self.fake.add_event(self.rep_email, spec))

    def delete_message(self, key: str) -> None:
        self.fake.graph.remove(self.rep_email, *self.keys[key])

    def cancel_event(self, key: str) -> None:
        self.fake.graph.remove(self.rep_email, *self.keys[key])

    def expire_cursor(self, stream: Stream) -> None:
        self.fake.graph.expire(COLLECTIONS[stream.name])

    def throttle(self, times: int, retry_after: float) -> None:
        self.fake.throttle(times, retry_after)
