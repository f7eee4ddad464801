"""Mail over IMAP and calendars over CalDAV / .ics for providers without an HTTP API.

Tencent Exmail, Alibaba Mail, NetEase (163 / qiye.163), Fastmail, Dovecot and
Exchange on-premises all speak IMAP; that is the one way to read a rep's mail
there. The client is IMAPClient rather than ``imaplib`` because it is maintained,
parses responses into typed Python values (UIDVALIDITY as int, FETCH as dicts),
sends literals and encodes/decodes modified UTF-7 folder names (``已发送`` is
``&XfJT0ZAB-`` on the wire), and knows CONDSTORE's HIGHESTMODSEQ.

The connector is read-only by construction: folders are opened with EXAMINE,
bodies read with BODY.PEEK[], no STORE/EXPUNGE/APPEND is ever sent, so unread
mail stays unread. Streams: ``mail:inbox``, ``mail:sent``, ``mail:<folder>`` for
each ``source.folders`` entry, and ``calendar`` when ``source.calendar`` is set.
Each mail round logs in, works, and logs out, so a rep holds one of the server's
``max_connections`` slots only while a folder is being read: with more reps than
slots, the others wait seconds, not for a whole rep's sync.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import ClassVar

from dealnudge.config.schema import Config, ImapProvider, ImapSource, Rep
from dealnudge.config.secrets import SecretMissing, read_secret
from dealnudge.connectors.base import (
    AdminError,
    Connector,
    ConnectorContext,
    ConnectorError,
    CursorExpired,
    ErrorKind,
    Stream,
)
from dealnudge.connectors.imap.calendar import CalendarSync
from dealnudge.connectors.imap.cursor import FolderCursor
from dealnudge.connectors.imap.folders import (
    FolderSpec,
    FolderUse,
    ListEntry,
    SentChoice,
    choose_sent,
    find_named,
    same_name,
)
from dealnudge.connectors.imap.mail import FolderSync
from dealnudge.connectors.imap.session import Session

from dealnudge.records import SyncPage

kind = "imap"
log = logging.getLogger(__name__)


def _secret(source: ImapSource, calendar: bool) -> str | None:
    try:
        if calendar and (source.calendar_password or source.calendar_password_file):
            return read_secret(source.calendar_password, source.calendar_password_file,
                               what="calendar_password")
        return read_secret(source.password, source.password_file, what="IMAP password")
    except SecretMissing as err:
        raise AdminError(str(err)) from None


class ImapConnector(Connector):
    kind: ClassVar[str] = "imap"
    cursor_version: ClassVar[int] = 1

    def __init__(self, rep: Rep, settings: ImapProvider, ctx: ConnectorContext) -> None:
        if not isinstance(rep.source, ImapSource):
            raise AdminError(f"{rep.email}: source kind {rep.source.kind!r} is not imap")
        self.rep, self.source, self.settings, self.ctx = rep, rep.source, settings, ctx
        self.username = self.source.username or rep.email
        password = _secret(self.source, calendar=False)
        if password is None:
            raise AdminError(f"{rep.email}: the imap source needs password or password_file")
        self.session = Session(settings, self.username, password)
        self.specs = [FolderSpec("inbox", "inbox"), FolderSpec("sent", "sent")] + [
            FolderSpec("extra", name, configured=name) for name in self.source.folders]

    def streams(self) -> list[Stream]:
        out = [Stream(s.stream_name, "mail") for s in self.specs]
        if self.source.calendar:
            out.append(Stream("calendar", "calendar"))
        return out

    def sync(self, stream: Stream, cursor: str | None) -> Iterator[SyncPage]:
        if stream.kind == "calendar":
            return self.calendar_sync().run(cursor)
        spec = next((s for s in self.specs if s.stream_name == stream.name), None)
        if spec is None:
            raise AdminError(f"{self.rep.email}: no stream named {stream.name!r}")
        if spec.role == "sent" and cursor and self._sent_moved(cursor):
            cursor = None  # the admin named another sent folder: read that one from the start
        since = (self.ctx.now - dt.timedelta(days=self.settings.mail_window_days)).date()
        folder = FolderSync(self.session, spec, self.ctx, since=since,
                            batch=self.settings.fetch_batch, zone=self.rep.zone,
                            resolve=self._resolve)
        return self._released_after(folder.run(cursor))

    def _sent_moved(self, cursor: str) -> bool:
        wanted = self.source.sent_folder
        try:
            folder = FolderCursor.loads(cursor).folder
        except CursorExpired:
            return False  # FolderSync reports the unreadable cursor itself
        return bool(wanted and folder and not same_name(folder, wanted))

    def _released_after(self, pages: Iterator[SyncPage]) -> Iterator[SyncPage]:
        try:
            yield from pages
        finally:
            self.session.close()

    def _resolve(self, spec: FolderSpec) -> str | None:
        """The server folder for a stream (LIST: only when no cursor names it, or it is gone)."""
        if spec.role == "inbox":
            return "INBOX"
        with self.session.guard("LIST"):
            listing = list(self.session.client.list_folders())
        if spec.role == "sent":
            return self.choose_sent(listing).folder
        return find_named(listing, spec.configured or spec.label)

    def choose_sent(self, listing: list[ListEntry]) -> SentChoice:
        choice = choose_sent(listing, self._probe, self.source.sent_folder)
        if choice.folder is None or choice.ambiguous:
            log.warning("%s: sent folder: %s", self.rep.email, choice.reason)
        else:
            log.info("%s: sent folder: %s", self.rep.email, choice.reason)
        return choice

    def _probe(self, name: str) -> FolderUse:
        """STATUS, then (only if it holds mail) EXAMINE and a SEARCH FROM the rep's addresses."""
        client = self.session.client
        with self.session.guard("STATUS"):
            total = int(client.folder_status(name, [b"MESSAGES"]).get(b"MESSAGES", 0))
        if not total:
            return FolderUse(0, 0)
        addresses = [self.rep.email, *self.rep.aliases]
        criteria: list[object] = ["FROM", addresses[-1]]
        for address in reversed(addresses[:-1]):
            criteria = ["OR", "FROM", address, *criteria]
        try:
            with self.session.guard(f"EXAMINE {name}"):
                client.select_folder(name, readonly=True)
            with self.session.guard("SEARCH FROM"):
                return FolderUse(total, len(client.search(criteria)))
        except ConnectorError as err:
            if err.kind is ErrorKind.TRANSIENT:
                raise
            return FolderUse(total, 0)  # the size alone still ranks it

    def calendar_sync(self) -> CalendarSync:
        assert self.source.calendar is not None  # noqa: S101 - narrows a type the lines above established
        username = self.source.calendar_username or self.username
        return CalendarSync(self.source.calendar, self.settings, self.ctx, owner=self.rep.email,
                            zone=self.rep.zone, username=username,
                            password=_secret(self.source, calendar=True),
                            aliases=tuple(self.rep.aliases),
                            calendar_name=self.source.calendar_name)

    def close(self) -> None:
        self.session.close()


def create(rep: Rep, config: Config, ctx: ConnectorContext) -> ImapConnector:
    if config.providers.imap is None:
        raise AdminError(f"{rep.email} uses an imap source but providers.imap is not configured")
    return ImapConnector(rep, config.providers.imap, ctx)
