"""A local-files world for the conformance suite and the local connector's own tests.

It writes real files (a Maildir and a directory of .ics files) and builds the
connector through the registry from a validated ``Config``, as production does.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import shutil
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime
from pathlib import Path

from dealnudge.config.schema import Config
from dealnudge.connectors import registry
from dealnudge.connectors.base import Connector, ConnectorContext, Stream
from dealnudge.connectors.local import LocalConnector

from tests.conformance import EventSpec, MessageSpec

NOW = dt.datetime(2026, 3, 10, 0, 30, tzinfo=dt.UTC)

_PARTSTAT = {"accepted": "ACCEPTED", "declined": "DECLINED", "tentative": "TENTATIVE",
             "needs_action": "NEEDS-ACTION"}


def mime_bytes(spec: MessageSpec) -> bytes:
    msg = MimeMessage(policy=email.policy.SMTP)
    msg["From"] = spec.sender
    msg["To"] = ", ".join(spec.to)
    msg["Subject"] = spec.subject
    msg["Date"] = format_datetime(spec.sent_at)
    msg["Message-ID"] = f"<{spec.key}@world.example>"
    msg.set_content(spec.body)
    return msg.as_bytes()


def ics_text(spec: EventSpec, *, cancelled: bool = False) -> str:
    stamp = "%Y%m%dT%H%M%SZ"
    utc = dt.UTC
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//dealnudge tests//EN", "BEGIN:VEVENT",
             f"UID:{spec.uid}", f"DTSTAMP:{spec.start.astimezone(utc).strftime(stamp)}",
             f"DTSTART:{spec.start.astimezone(utc).strftime(stamp)}",
             f"DTEND:{spec.end.astimezone(utc).strftime(stamp)}", f"SUMMARY:{spec.title}",
             f"ORGANIZER:mailto:{spec.organizer}"]
    lines += [f"ATTENDEE;PARTSTAT={_PARTSTAT[r]}:mailto:{a}" for a, r in spec.attendees]
    if cancelled:
        lines += ["STATUS:CANCELLED", "SEQUENCE:1"]
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines)


class LocalWorld:
    rep_email = "rep@northwind.example"
    page_size = 3
    supports_throttling = False

    def __init__(self, root: Path, now: dt.datetime = NOW) -> None:
        self.root = root
        self.mail = root / "mail"
        self.calendar = root / "calendar"
        for sub in ("cur", "new", "tmp"):
            (self.mail / sub).mkdir(parents=True, exist_ok=True)
        self.calendar.mkdir(parents=True, exist_ok=True)
        self.sleeps: list[float] = []
        self.now = now
        self._events: dict[str, EventSpec] = {}

    def config(self) -> Config:
        return Config.model_validate({
            "organization": {"name": "Northwind", "internal_domains": ["northwind.example"]},
            "reps": [{"email": self.rep_email, "timezone": "Asia/Shanghai",
                      "source": {"kind": "local", "calendar": str(self.calendar),
                                 "mail": str(self.mail)}}]})

    def connector(self) -> Connector:
        config = self.config()
        ctx = ConnectorContext(now=self.now, sleep=self.sleeps.append)
        conn = registry.create(config.reps[0], config, ctx)
        assert isinstance(conn, LocalConnector)
        conn.page_size = self.page_size
        return conn

    def add_message(self, spec: MessageSpec) -> None:
        (self.mail / "new" / f"{spec.key}.1773100000.world").write_bytes(mime_bytes(spec))

    def add_event(self, spec: EventSpec) -> None:
        self._events[spec.key] = spec
        (self.calendar / f"{spec.key}.ics").write_text(ics_text(spec), encoding="utf-8")

    def delete_message(self, key: str) -> None:
        for path in self.mail.glob(f"*/{key}.*"):
            path.unlink()

    def cancel_event(self, key: str) -> None:
        (self.calendar / f"{key}.ics").write_text(ics_text(self._events[key], cancelled=True),
                                                  encoding="utf-8")

    def expire_cursor(self, stream: Stream) -> None:
        """Restore the directory from a "backup": same files, a new directory."""
        target = self.mail if stream.kind == "mail" else self.calendar
        backup = target.with_name(target.name + ".bak")
        shutil.copytree(target, backup)
        shutil.rmtree(target)
        backup.rename(target)

    def throttle(self, times: int, retry_after: float) -> None:
        raise NotImplementedError("local files have no throttling")
