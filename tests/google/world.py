"""Test wiring for the Google connector: a throwaway service-account key, the
config that points the real client libraries at the fake, and the conformance
``World`` that drives the fake's mailboxes and calendars."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from dealnudge.config.schema import (
    Config,
    GoogleProvider,
    GoogleSource,
    Organization,
    Providers,
    Rep,
)
from dealnudge.connectors.base import ConnectorContext, Stream
from dealnudge.connectors.google import GoogleConnector, create

from tests.conformance import EventSpec, MessageSpec
from tests.google.fake_google import CALENDAR_READ, GMAIL_READ, GMAIL_SEND, FakeGoogle
from tests.google.fake_mail import rfc822

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
CLIENT_EMAIL = "dealnudge-sync@northwind-prod.iam.gserviceaccount.com"
ALL_GRANTED = {GMAIL_READ, GMAIL_SEND} | CALENDAR_READ


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: bytes


def make_key() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return KeyPair(private, public)


def write_key_file(path: Path, key: KeyPair, token_uri: str) -> Path:
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "northwind-prod",
        "private_key_id": "0123456789abcdef", "private_key": key.private_pem,
        "client_email": CLIENT_EMAIL, "client_id": "104242424242424242424",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
    }))
    return path


def make_config(fake: FakeGoogle, key_file: Path, reps: list[str], **overrides: object) -> Config:
    provider = GoogleProvider(service_account_file=key_file, api_endpoint=fake.url,
                              calendar_endpoint=fake.url + "calendar/v3/",
                              sender="nudges@northwind.example", **overrides)  # type: ignore[arg-type]
    return Config(organization=Organization(name="Northwind",
                                            internal_domains=["northwind.example"]),
                  providers=Providers(google=provider),
                  reps=[Rep(email=r, source=GoogleSource(kind="google")) for r in reps])


@dataclass
class GoogleWorld:
    fake: FakeGoogle
    config: Config
    rep_email: str = "rep@northwind.example"
    page_size: int = 3
    supports_throttling: bool = True
    sleeps: list[float] = field(default_factory=list)
    clock: list[float] = field(default_factory=lambda: [0.0])
    message_ids: dict[str, str] = field(default_factory=dict)
    event_ids: dict[str, str] = field(default_factory=dict)

    def ctx(self) -> ConnectorContext:
        def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)
            # A real sleep never returns in zero time; without this floor a token bucket
            # can ask for ever-smaller float-rounding sleeps that no longer move the clock.
            self.clock[0] += max(seconds, 1e-3)
        return ConnectorContext(now=NOW, sleep=sleep, monotonic=lambda: self.clock[0])

    def connector(self, rep: str | None = None) -> GoogleConnector:
        return create(self.config.rep(rep or self.rep_email), self.config, self.ctx())

    def add_message(self, spec: MessageSpec, *, labels: list[str] | None = None,
                    rep: str | None = None) -> str:
        raw = rfc822(spec.sender, spec.to, spec.subject, spec.body, spec.sent_at,
                     f"{spec.key}@mail.example")
        default = ["SENT"] if spec.folder == "sent" else ["INBOX", "UNREAD"]
        msg = self.fake.mailbox(rep or self.rep_email).add(raw, labels or default, spec.sent_at)
        self.message_ids[spec.key] = msg.id
        return msg.id

    def add_event(self, spec: EventSpec, *, rep: str | None = None) -> str:
        owner = rep or self.rep_email
        event_id = f"ev{len(self.event_ids) + 1:04d}{spec.key}"
        attendees = [{"email": e, "responseStatus": _google_status(s), **(
            {"self": True} if e == owner else {}), **(
            {"organizer": True} if e == spec.organizer else {})} for e, s in spec.attendees]
        resource: dict[str, object] = {"kind": "calendar#event", "id": event_id, "status": "confirmed",
                    "iCalUID": spec.uid, "summary": spec.title,
                    "start": {"dateTime": spec.start.isoformat(), "timeZone": "UTC"},
                    "end": {"dateTime": spec.end.isoformat(), "timeZone": "UTC"},
                    "organizer": {"email": spec.organizer, **(
                        {"self": True} if spec.organizer == owner else {})},
                    "attendees": attendees}
        self.fake.calendar(owner).put(resource, spec.start, spec.end)
        self.event_ids[spec.key] = event_id
        return event_id

    def delete_message(self, key: str) -> None:
        self.fake.mailbox(self.rep_email).delete(self.message_ids[key])

    def cancel_event(self, key: str) -> None:
        self.fake.calendar(self.rep_email).cancel(self.event_ids[key])

    def expire_cursor(self, stream: Stream) -> None:
        if stream.kind == "mail":
            self.fake.mailbox(self.rep_email).expire_history()
        else:
            self.fake.calendar(self.rep_email).expire_tokens()

    def throttle(self, times: int, retry_after: float) -> None:
        self.fake.stub(lambda r: r.path != "/token" and r.batch is None, 429,
                       reason="rateLimitExceeded", times=times,
                       headers={"Retry-After": str(int(retry_after))}, label="throttle")


def _google_status(status: str) -> str:
    return {"needs_action": "needsAction"}.get(status, status)
