"""Delta sync of one rep's Inbox, Sent Items and calendar view through Microsoft Graph.

Each stream is one Graph delta collection with its own cursor:
``mail:inbox`` -> ``mailFolders/inbox/messages/delta``, ``mail:sent`` ->
``mailFolders/sentitems/messages/delta``, ``calendar`` ->
``calendarView/delta?startDateTime=…&endDateTime=…``.

Graph quirks this module honours (Graph docs; modelled by the test fake):
- Query options (``$select``, ``$filter=receivedDateTime ge …``, the calendar window)
  go on the first request only; Graph encodes them into every ``@odata.nextLink`` and
  ``@odata.deltaLink``, which we follow verbatim. Calendar delta accepts no ``$select``.
- The ``@odata.deltaLink`` arrives only with the last page and becomes the cursor;
  intermediate ``@odata.nextLink``s are yielded as resumable cursors, so a crash
  between pages resumes where the store left off.
- ``@removed`` items become ``deleted_ids``; calendar ones may name events outside
  the window (harmless: deleting an id we never stored is a no-op).
- Replays and duplicates happen: within a round an item identical to one already
  yielded is dropped; a changed one is yielded again (the store upserts).
- The calendar window is fixed when a round starts and lives in the cursor; once the
  window's future half has been used up a fresh full round starts with a new window.
- Size: the first mail request asks for each message's PidTagMessageSize
  (``mapping.SIZE_EXPAND``). A message over ``MAX_MESSAGE_BYTES`` is stored without
  its text, like an IMAP message over the cap, and reported in ``skipped``; Graph
  sends the text inline in the page, so what this bounds is the analysis, while
  the page itself is bounded by ``graph.MAX_RESPONSE_BYTES``: a page over it is
  asked for again one item per page (for the next ``page_size`` pages), and an item
  too large even alone is skipped with a reason, the stream going on from the link
  that closes its page.
- ``prefetch`` (optional, called by the pipeline before the streams) sends the first
  request of every stream with a cursor in one ``$batch``; ``sync`` then starts from
  that stream's answer, or raises that stream's error (a 410 item: ``CursorExpired``
  for that stream only). A stream without a matching answer asks for itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from dealnudge.config.schema import MicrosoftProvider
from dealnudge.connectors.base import (
    Connector,
    ConnectorContext,
    ConnectorError,
    CursorExpired,
    ErrorKind,
    Stream,
)
from dealnudge.connectors.cursors import decode_cursor, encode_cursor
from dealnudge.connectors.items import MAX_MESSAGE_BYTES, clean_event, clean_message, skip_reason
from dealnudge.connectors.microsoft.batch import Answer, BatchItem, get_all
from dealnudge.connectors.microsoft.graph import (
    TEXT_BODIES,
    UTC_TIMES,
    GraphClient,
    ResponseTooLarge,
)
from dealnudge.connectors.microsoft.mapping import (
    MESSAGE_FIELDS,
    SIZE_EXPAND,
    BadItem,
    message_size,
    parse_event,
    parse_message,
    without_body,
)

from dealnudge.records import CalendarEvent, EmailMessage, Folder, SyncPage

log = logging.getLogger(__name__)
UTC = dt.UTC
FOLDERS: dict[str, tuple[str, Folder]] = {"mail:inbox": ("inbox", "inbox"),
                                          "mail:sent": ("sentitems", "sent")}
Record = EmailMessage | CalendarEvent


@dataclass(frozen=True)
class Cursor:
    """What we store: Graph's link plus the little it does not tell us."""

    link: str
    full: bool
    window_end: str | None = None  # calendar only: the round's endDateTime (ISO, UTC)

    def dump(self) -> str:
        return encode_cursor({"link": self.link, "full": self.full,
                              "window_end": self.window_end})

    @classmethod
    def load(cls, text: str) -> Cursor:
        doc = decode_cursor(text, "Microsoft 365")
        try:
            end = doc.get("window_end")
            return cls(str(doc["link"]), bool(doc["full"]), None if end is None else str(end))
        except KeyError as err:
            raise CursorExpired(f"the saved Microsoft 365 cursor cannot be read ({err!r})") \
                from None


@dataclass
class Start:
    url: str
    params: dict[str, str] | None
    full: bool
    window_end: str | None = None


@dataclass
class Prefetched:
    """A stream's first request, already answered inside a ``$batch``."""

    start: Start
    answer: Answer

    def doc_for(self, start: Start) -> dict[str, Any] | None:
        """The answer if it is for exactly this first request; raises its error."""
        if (start.url, start.params) != (self.start.url, self.start.params):
            return None
        if isinstance(self.answer, ConnectorError):
            raise self.answer
        return self.answer


class MicrosoftConnector(Connector):
    kind: ClassVar[str] = "microsoft"
    cursor_version: ClassVar[int] = 1
    prefetches: ClassVar[bool] = True

    def __init__(self, client: GraphClient, provider: MicrosoftProvider, zone: ZoneInfo,
                 ctx: ConnectorContext) -> None:
        self.client = client
        self.provider = provider
        self.zone = zone
        self.ctx = ctx
        self._prefetched: dict[str, Prefetched] = {}

    def streams(self) -> list[Stream]:
        return [Stream("mail:inbox", "mail"), Stream("mail:sent", "mail"),
                Stream("calendar", "calendar")]

    def prefetch(self, cursors: Mapping[str, str | None]) -> None:
        """Send the first request of every stream with a cursor in one ``$batch``.

        Only incremental rounds are batched (a full round pages on for a while anyway);
        with fewer than two such streams a batch saves nothing.
        """
        self._prefetched.clear()
        starts: dict[str, tuple[str, Start]] = {}  # item id -> (stream name, first request)
        items: list[BatchItem] = []
        for stream in self.streams():
            start = self._incremental_start(stream, cursors.get(stream.name))
            if start is not None:
                item_id = str(len(items) + 1)
                starts[item_id] = (stream.name, start)
                items.append(BatchItem(item_id, start.url, start.params,
                                       self._prefer(stream), self._what(stream)))
        if len(items) < 2:
            return
        try:
            answers = get_all(self.client, items)  # Graph's refusals are per item inside
        except Exception:  # a defect here must not cost the sync: each stream asks itself
            log.exception("%s: batching the first requests failed", self.client.rep)
            return
        for item_id, answer in answers.items():
            name, start = starts[item_id]
            self._prefetched[name] = Prefetched(start, answer)

    def sync(self, stream: Stream, cursor: str | None) -> Iterator[SyncPage]:
        start = self._start(stream, Cursor.load(cursor) if cursor else None)
        prefetched = self._prefetched.pop(stream.name, None)
        url, params = start.url, start.params
        seen: dict[str, Record] = {}
        done = 0
        single = 0  # pages still to ask for one item at a time (after a too-large page)
        while True:
            doc = prefetched.doc_for(start) if prefetched is not None else None
            prefetched = None
            lost: list[str] = []
            if doc is None:
                try:
                    doc = self.client.get_json(url, params=params,
                                               prefer=self._prefer(stream, one=single > 0),
                                               what=self._what(stream), salvage=single > 0)
                except ResponseTooLarge as err:
                    if not single:
                        log.info("%s: %s; asking again one item per page", self.client.rep, err)
                        single = self.provider.page_size
                        continue
                    doc, lost = self._salvaged(stream, err)
                except ConnectorError as err:
                    if params is None or not _expand_refused(err, params):
                        raise
                    log.warning("%s: Graph refused the message-size $expand on %s (%s); "
                                "reading without it (sizes are then checked as bodies arrive)",
                                self.client.rep, stream.name, err)
                    params = {k: v for k, v in params.items() if k != "$expand"}
                    continue
                single = max(single - 1, 0)
            params = None
            page = self._page(stream, doc, seen)
            page.skipped[:0] = lost
            page.full = start.full
            done += len(page.messages) + len(page.events)
            self.ctx.progress(stream.name, done, None)
            next_link, delta_link = doc.get("@odata.nextLink"), doc.get("@odata.deltaLink")
            link = next_link or delta_link
            if not isinstance(link, str):
                raise ConnectorError(f"Microsoft 365 ({self.client.rep}): {stream.name} page "
                                     f"has neither nextLink nor deltaLink", kind=ErrorKind.BUG)
            self.client.check_link(link)
            page.cursor = Cursor(link, start.full, start.window_end).dump()
            page.complete = not next_link
            yield page
            if page.complete:
                return
            url = link

    def close(self) -> None:
        """The session and token cache are shared per provider config; nothing to free."""

    def _salvaged(self, stream: Stream, err: ResponseTooLarge) -> tuple[dict[str, Any], list[str]]:
        """An empty page in place of one item too large to read, and why it was skipped."""
        link = err.link()
        if link is None:
            raise ConnectorError(f"{err}; its link to the next page was not found, so "
                                 f"{stream.name} cannot go past it", kind=ErrorKind.BAD_DATA)
        kind, url = link
        reason = f"{err.item_id() or 'an item'}: {err}; skipped without being read"
        return {"value": [], f"@odata.{kind}Link": url}, [reason]

    def _what(self, stream: Stream) -> str:
        return f"{stream.name} of {self.client.mailbox}"

    def _incremental_start(self, stream: Stream, cursor: str | None) -> Start | None:
        """The first request of an incremental round, None when there is none to batch."""
        if cursor is None or stream.name not in (*FOLDERS, "calendar"):
            return None
        try:
            start = self._start(stream, Cursor.load(cursor))
        except ConnectorError:
            return None  # an unreadable cursor: the stream's own sync reports it
        if start.params is not None or self.client.relative(start.url) is None:
            return None  # a fresh calendar window, or a link that is not ours
        return start

    def _prefer(self, stream: Stream, *, one: bool = False) -> tuple[str, ...]:
        size = f"odata.maxpagesize={1 if one else self.provider.page_size}"
        return (size, TEXT_BODIES, UTC_TIMES) if stream.kind == "calendar" else (size, TEXT_BODIES)

    def _start(self, stream: Stream, cursor: Cursor | None) -> Start:
        if stream.kind == "calendar":
            if cursor is not None and not self._window_used_up(cursor):
                return Start(cursor.link, None, cursor.full, cursor.window_end)
            return self._calendar_start()
        if stream.name not in FOLDERS:
            raise ConnectorError(f"unknown Microsoft 365 stream {stream.name}",
                                 kind=ErrorKind.BUG)
        if cursor is not None:
            return Start(cursor.link, None, cursor.full)
        folder = FOLDERS[stream.name][0]
        since = self.ctx.now - dt.timedelta(days=self.provider.mail_window_days)
        params = {"$select": ",".join(MESSAGE_FIELDS), "$expand": SIZE_EXPAND,
                  "$filter": f"receivedDateTime ge {_iso(since)}"}
        return Start(self.client.user_url(f"mailFolders/{folder}/messages/delta"), params, True)

    def _calendar_start(self) -> Start:
        today = self.ctx.now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        begin = today - dt.timedelta(days=self.provider.calendar_past_days)
        end = today + dt.timedelta(days=self.provider.calendar_future_days + 1)
        params = {"startDateTime": _iso(begin), "endDateTime": _iso(end)}
        return Start(self.client.user_url("calendarView/delta"), params, True, _iso(end))

    def _window_used_up(self, cursor: Cursor) -> bool:
        if cursor.window_end is None:
            return True
        end = dt.datetime.fromisoformat(cursor.window_end)
        return end - self.ctx.now < dt.timedelta(days=self.provider.calendar_future_days / 2)

    def _page(self, stream: Stream, doc: dict[str, Any], seen: dict[str, Record]) -> SyncPage:
        page = SyncPage()
        items = doc.get("value")
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            if "@removed" in item:
                if item.get("id"):
                    page.deleted_ids.append(str(item["id"]))
                    seen.pop(str(item["id"]), None)
                continue
            over = self._over_cap(stream, item)
            if over is not None:
                item = without_body(item)
            try:
                record = self._record(stream, item)
                if record is not None:
                    record = clean_event(record) if isinstance(record, CalendarEvent) \
                        else clean_message(record)
            except Exception as err:  # noqa: BLE001 - one item never stops the stream
                page.skipped.append(skip_reason(str(item.get("id", "?")), err, (BadItem,)))
                continue
            if record is None or seen.get(record.source_id) == record:
                continue  # a draft, out of the window, or a replay of what we yielded
            seen[record.source_id] = record
            self._add(page, record)
            if over is not None:
                page.skipped.append(over)
        return page

    @staticmethod
    def _over_cap(stream: Stream, item: dict[str, Any]) -> str | None:
        """The ``skipped`` line for a message over the size cap, None for any other item."""
        size = message_size(item) if stream.kind == "mail" else None
        cap = MAX_MESSAGE_BYTES  # read per call: tests lower it
        if size is None or size <= cap:
            return None
        return (f"{item.get('id', '?')}: the message is {size:,} bytes, over the {cap:,}-byte "
                "limit; only its headers are kept (its text is not analysed)")

    def _record(self, stream: Stream, item: dict[str, Any]) -> Record | None:
        if stream.kind == "calendar":
            if item.get("type") == "seriesMaster":
                return None  # calendarView lists occurrences; a master is not a meeting
            return parse_event(item, mailbox=self.client.mailbox, zone=self.zone)
        if item.get("isDraft"):
            return None
        return parse_message(item, FOLDERS[stream.name][1])

    @staticmethod
    def _add(page: SyncPage, record: Record) -> None:
        if isinstance(record, EmailMessage):
            page.messages = [m for m in page.messages if m.source_id != record.source_id]
            page.messages.append(record)
        else:
            page.events = [e for e in page.events if e.source_id != record.source_id]
            page.events.append(record)


def _expand_refused(err: ConnectorError, params: dict[str, str]) -> bool:
    """A 400 on the first request that carried the size ``$expand``: documented for message
    delta, but a tenant or API version that refuses it must not stop the mail stream."""
    return "$expand" in params and err.status == 400


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
