"""``dealnudge check --online`` for IMAP sources: log in, show the folders that would be
read and what the calendar URL leads to, writing nothing anywhere.

An admin adding a rep wants to know *before* the first night's sync that the password
works, that the sent folder is the one holding the rep's mail (not an empty
``INBOX.Sent`` beside ``INBOX.Sent Items``) and that the CalDAV URL they were handed
is a calendar and not a principal. Each line is one plain sentence; the caller turns
any failed line into exit status 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dealnudge.config.schema import Config, Rep
from dealnudge.connectors.base import ConnectorContext, ConnectorError
from dealnudge.connectors.imap import ImapConnector, create
from dealnudge.connectors.imap.caldav_reader import find_calendar
from dealnudge.connectors.imap.calendar import mode_of
from dealnudge.connectors.imap.folders import find_named


@dataclass(frozen=True)
class Probe:
    ok: bool
    what: str


def check_online(rep: Rep, config: Config, ctx: ConnectorContext) -> list[Probe]:
    try:
        conn = create(rep, config, ctx)
    except ConnectorError as err:
        return [Probe(False, str(err))]
    try:
        out = list(_mail(conn))
        if conn.source.calendar:
            out += list(_calendar(conn))
        return out
    finally:
        conn.close()


def _mail(conn: ImapConnector) -> Iterator[Probe]:
    s = conn.settings
    session = conn.session
    try:
        with session.guard("login"):
            client = session.client
        yield Probe(True, f"IMAP login as {conn.username} at {s.host}:{s.port}")
        with session.guard("EXAMINE INBOX"):
            inbox = client.select_folder("INBOX", readonly=True)
        yield Probe(True, f"Inbox: {int(inbox.get(b'EXISTS', 0))} message(s)")
        with session.guard("LIST"):
            listing = list(client.list_folders())
    except ConnectorError as err:
        yield Probe(False, f"IMAP {s.host}:{s.port}: {err}")
        return
    try:
        choice = conn.choose_sent(listing)
    except ConnectorError as err:
        yield Probe(False, f"sent folder: {err}")
    else:
        yield Probe(choice.folder is not None, f"sent folder: {choice.reason}")
    for name in conn.source.folders:
        found = find_named(listing, name)
        yield Probe(found is not None, f"folder {name!r}: " + ("found" if found else "not found"))


def _calendar(conn: ImapConnector) -> Iterator[Probe]:
    sync = conn.calendar_sync()
    label = f"calendar {sync.location}"
    try:
        if sync.mode == "caldav":
            found = find_calendar(sync)
            label = f"calendar {found.sentence()}"
        pages = list(sync.run(None))
    except ConnectorError as err:
        yield Probe(False, f"calendar: {err}")
        return
    events = sum(len(p.events) for p in pages)
    skipped = sum(len(p.skipped) for p in pages)
    extra = f", {skipped} item(s) skipped" if skipped else ""
    kind = {"caldav": "", "feed": " (.ics feed)", "file": " (local file)"}[mode_of(sync.location)]
    yield Probe(True, f"{label}{kind}: {events} event(s) in the sync window{extra}")
