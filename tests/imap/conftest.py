"""Session-wide real servers (Dovecot, Radicale) and the IMAP/CalDAV test world.

Each test gets its own Dovecot user (passwd-file is re-read by Dovecot when it
changes) and its own Radicale calendar, so tests never see each other's data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from email.message import EmailMessage as Mime
from email.utils import format_datetime
from pathlib import Path

import pytest
from caldav.calendarobjectresource import Event
from caldav.collection import Calendar
from caldav.davclient import DAVClient
from dealnudge.config.schema import Config, ImapProvider, ImapSource, Organization, Providers, Rep
from dealnudge.connectors.base import ConnectorContext, Stream
from dealnudge.connectors.imap import ImapConnector, create

from tests.conformance import EventSpec, MessageSpec
from tests.imap.servers import Dovecot, LocalCA, Radicale, temp_root

NOW = dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC)
CAL_USER, CAL_PASSWORD = "calendars", "cal-secret"
_counter = itertools.count(1)
POOL = 400


@pytest.fixture(scope="session")
def ca() -> Iterator[LocalCA]:
    root = temp_root("dealnudge-ca-")
    yield LocalCA.create(root)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot(ca: LocalCA) -> Iterator[Dovecot]:
    users: dict[str, str | None] = {f"rep{i}@northwind.example": "pw" for i in range(1, POOL)}
    users["locked@northwind.example"] = None
    server = Dovecot(temp_root("dealnudge-dovecot-"), ca, users)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def radicale(ca: LocalCA) -> Iterator[Radicale]:
    users = {f"rep{i}@northwind.example": "pw" for i in range(1, POOL)}  # same as IMAP
    server = Radicale(temp_root("dealnudge-radicale-"), ca, {CAL_USER: CAL_PASSWORD, **users})
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


def next_rep() -> str:
    """A fresh mailbox (Dovecot does not notice passwd-file edits reliably: a pool)."""
    n = next(_counter)
    assert n < POOL, "raise POOL in tests/imap/conftest.py"
    return f"rep{n}@northwind.example"


def new_calendar(radicale: Radicale, ca: LocalCA) -> Calendar:
    client = DAVClient(url=f"https://127.0.0.1:{radicale.port}/{CAL_USER}/",
                              username=CAL_USER, password=CAL_PASSWORD,
                              ssl_verify_cert=str(ca.ca_file))
    name = f"cal-{uuid.uuid4().hex[:10]}"
    return client.principal().make_calendar(name=name, cal_id=name)


def mime(spec: MessageSpec, charset: str = "utf-8") -> bytes:
    msg = Mime()
    msg["From"], msg["To"] = spec.sender, ", ".join(spec.to)
    msg["Subject"] = spec.subject
    msg["Date"] = format_datetime(spec.sent_at)
    msg["Message-ID"] = f"<{spec.key}.{spec.sent_at.timestamp():.0f}@test.northwind.example>"
    msg.set_content(spec.body, charset=charset)
    return msg.as_bytes()


def ics(spec: EventSpec, status: str = "CONFIRMED") -> str:
    fmt = "%Y%m%dT%H%M%SZ"
    people = "".join(f"ATTENDEE;PARTSTAT={r.upper()};CN={e}:mailto:{e}\r\n"
                     for e, r in spec.attendees)
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//dealnudge tests//EN\r\n"
            f"BEGIN:VEVENT\r\nUID:{spec.uid}\r\nDTSTAMP:{NOW.strftime(fmt)}\r\n"
            f"DTSTART:{spec.start.strftime(fmt)}\r\nDTEND:{spec.end.strftime(fmt)}\r\n"
            f"SUMMARY:{spec.title}\r\nSTATUS:{status}\r\n"
            f"ORGANIZER:mailto:{spec.organizer}\r\n{people}END:VEVENT\r\nEND:VCALENDAR\r\n")


class ImapWorld:
    """Drives a real Dovecot mailbox and a real Radicale calendar for one rep."""

    supports_throttling = False

    def __init__(self, dovecot: Dovecot, radicale: Radicale, ca: LocalCA, *,
                 page_size: int = 3, sent_name: str = "Sent", password: str = "pw") -> None:
        self.dovecot, self.radicale, self.ca = dovecot, radicale, ca
        self.rep_email = next_rep()
        self.password = password
        self.page_size = page_size
        self.sent_name = sent_name
        self.sleeps: list[float] = []
        self.progress: list[tuple[str, int, int | None]] = []
        self.calendar = new_calendar(radicale, ca)
        self.events: dict[str, tuple[EventSpec, Event]] = {}
        self.conns: list[ImapConnector] = []
        self.extra: dict[str, object] = {}
        with self.imap() as c:
            if sent_name not in [n for _, _, n in c.list_folders()]:
                c.create_folder(sent_name)

    def imap(self):  # type: ignore[no-untyped-def]  # IMAPClient is untyped
        return self.dovecot.client(self.rep_email)

    def config(self, **source: object) -> Config:
        settings: dict[str, object] = {
            "host": "127.0.0.1", "port": self.dovecot.imaps_port, "ca_bundle": self.ca.ca_file,
            "fetch_batch": self.page_size, "timeout_seconds": 10, "max_connections": 20}
        settings.update(self.extra)
        provider = ImapProvider.model_validate(settings)
        fields: dict[str, object] = {
            "kind": "imap", "password": self.password, "calendar": str(self.calendar.url),
            "calendar_username": CAL_USER, "calendar_password": CAL_PASSWORD}
        fields.update(source)
        rep = Rep(email=self.rep_email, timezone="Asia/Shanghai",
                  source=ImapSource.model_validate(fields))
        return Config(organization=Organization(name="Northwind",
                                                internal_domains=["northwind.example"]),
                      providers=Providers(imap=provider), reps=[rep])

    def ctx(self) -> ConnectorContext:
        return ConnectorContext(now=NOW, sleep=self.sleeps.append,
                                progress=lambda s, d, t: self.progress.append((s, d, t)))

    def connector(self, **source: object) -> ImapConnector:
        config = self.config(**source)
        conn = create(config.reps[0], config, self.ctx())
        self.conns.append(conn)
        return conn

    def folder_of(self, spec: MessageSpec) -> str:
        return "INBOX" if spec.folder == "inbox" else self.sent_name

    def add_message(self, spec: MessageSpec, charset: str = "utf-8") -> None:
        self.append(self.folder_of(spec), mime(spec, charset), spec.sent_at)

    def append(self, folder: str, raw: bytes, when: dt.datetime | None = None) -> None:
        with self.imap() as c:
            c.append(folder, raw, msg_time=when)

    def add_messages(self, specs: list[MessageSpec]) -> None:
        with self.imap() as c:
            for spec in specs:
                c.append(self.folder_of(spec), mime(spec), msg_time=spec.sent_at)

    def add_event(self, spec: EventSpec) -> None:
        saved = self.calendar.save_event(ics(spec))
        assert isinstance(saved, Event)  # the synchronous client returns the event itself
        self.events[spec.key] = (spec, saved)

    def delete_message(self, key: str) -> None:
        with self.imap() as c:
            for folder in ("INBOX", self.sent_name):
                c.select_folder(folder)
                uids = c.search(["HEADER", "Message-ID", f"<{key}."])
                if uids:
                    c.delete_messages(uids)
                    c.expunge()

    def cancel_event(self, key: str) -> None:
        spec, event = self.events[key]
        event.data = ics(spec, status="CANCELLED")
        event.save()

    def expire_cursor(self, stream: Stream) -> None:
        folder = "INBOX" if stream.name == "mail:inbox" else self.sent_name
        self.doveadm("mailbox", "update", "--uid-validity", str(int(NOW.timestamp()) + int(uuid.uuid4().int % 100000)), "-u", self.rep_email, folder)

    def doveadm(self, *args: str) -> str:
        conf = self.dovecot.root / "dovecot.conf"
        out = subprocess.run(["doveadm", "-c", str(conf), *args], capture_output=True, text=True,
                             timeout=30, check=False)
        assert out.returncode == 0, out.stderr
        return out.stdout

    def throttle(self, times: int, retry_after: float) -> None:
        raise NotImplementedError("IMAP has no throttling signal")

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        with self.imap() as c:
            c.select_folder(folder, readonly=True)
            return {u: f[b"FLAGS"] for u, f in c.fetch(c.search("ALL"), ["FLAGS"]).items()}

    def close(self) -> None:
        for conn in self.conns:
            conn.close()


@pytest.fixture
def world(dovecot: Dovecot, radicale: Radicale, ca: LocalCA) -> Iterator[ImapWorld]:
    w = ImapWorld(dovecot, radicale, ca)
    yield w
    w.close()


def here() -> Path:
    return Path(__file__).parent
