"""The ``calendar`` stream of an IMAP source: a CalDAV collection, an .ics feed or a file.

IMAP has no calendars, so the providers that speak it publish them separately:
Fastmail, Dovecot setups (with Radicale/SOGo/Nextcloud), Tencent Exmail and
NetEase offer CalDAV; Alibaba Mail and Exchange on-premises are usually read
through a published .ics link. Three readers, one cursor shape:

* **CalDAV** (the ``caldav`` library): RFC 6578 ``sync-collection``; the cursor is
  the server's sync token plus a map href → source ids, because a deleted
  resource is reported only by its href. A token the server no longer knows
  (403 ``valid-sync-token`` — Radicale, Nextcloud; 410; 412 on Xandikos) raises
  ``CursorExpired``. Servers without sync-collection get caldav's fallback: it
  lists every object and compares ETags ("fake-" tokens), so an unchanged
  calendar is still an empty round. sync-collection takes no time range: the
  parser keeps occurrences inside ``calendar_past_days``/``calendar_future_days``.
* **.ics feed** over http(s): conditional GET (``If-None-Match`` /
  ``If-Modified-Since``); 304 is an empty round; a 200 replaces the whole feed.
* **local path**: re-read when its content digest changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import requests
from dealnudge.config.schema import ImapProvider
from dealnudge.connectors.base import (
    AdminError,
    ConnectorContext,
    CursorExpired,
    TransientError,
)
from dealnudge.connectors.cursors import decode_cursor, encode_cursor
from dealnudge.connectors.ics import MalformedCalendar, parse_calendar_report
from dealnudge.connectors.imap.caldav_reader import read_caldav
from dealnudge.connectors.imap.calendar_http import check_http, saved_items
from dealnudge.connectors.items import MAX_CALENDAR_BYTES, skip_reason

from dealnudge.records import CalendarEvent, SyncPage

log = logging.getLogger(__name__)

Mode = Literal["caldav", "feed", "file"]


def mode_of(location: str) -> Mode:
    lower = location.lower()
    if not lower.startswith(("http://", "https://", "webcal://")):
        return "file"
    path = lower.split("?", 1)[0]
    return "feed" if path.endswith(".ics") or lower.startswith("webcal://") else "caldav"


def _decode(cursor: str | None, mode: Mode) -> dict[str, object] | None:
    if cursor is None:
        return None
    raw = decode_cursor(cursor, "calendar")
    if raw.get("mode") != mode:
        raise CursorExpired("the calendar source changed kind since the last sync")
    return raw


class CalendarSync:
    def __init__(self, location: str, settings: ImapProvider, ctx: ConnectorContext, *,
                 owner: str, zone: ZoneInfo, username: str | None, password: str | None,
                 aliases: tuple[str, ...] = (), calendar_name: str | None = None) -> None:
        self.location, self.settings, self.ctx = location, settings, ctx
        self.owner, self.zone, self.aliases = owner, zone, aliases
        self.calendar_name = calendar_name
        self.username, self.password = username, password
        self.mode = mode_of(location)
        self.window = (ctx.now - dt.timedelta(days=settings.calendar_past_days),
                       ctx.now + dt.timedelta(days=settings.calendar_future_days))

    @property
    def verify(self) -> str | bool:
        return str(self.settings.ca_bundle) if self.settings.ca_bundle else True

    def run(self, cursor: str | None) -> Iterator[SyncPage]:
        prev = _decode(cursor, self.mode)
        if self.mode == "caldav":
            yield read_caldav(self, prev)
        elif self.mode == "feed":
            yield self._feed(prev)
        else:
            yield self._file(prev)

    def parse(self, data: bytes, where: str, page: SyncPage) -> tuple[list[CalendarEvent], bool]:
        """The object's events, and whether it was read cleanly (else keep what is stored)."""
        try:
            report = parse_calendar_report(
                data, window_start=self.window[0], window_end=self.window[1],
                default_tz=self.zone, owner=self.owner, self_addresses=self.aliases)
        except Exception as err:  # noqa: BLE001 - one object never stops the calendar
            page.skipped.append(skip_reason(where, err, (MalformedCalendar,)))
            return [], False
        page.skipped.extend(f"{where}: {p}" for p in report.problems)
        return report.events, not report.problems

    def snapshot(self, data: bytes, prev: dict[str, object] | None,
                 state: dict[str, object]) -> SyncPage:
        """A whole-calendar read (feed, file): everything upserted, the missing deleted.

        A source that is not read cleanly deletes nothing and does not move the cursor
        (ETag, digest), so the next round reads it again.
        """
        page = SyncPage(full=prev is None, complete=True, inferred_deletions=True)
        page.events, clean = self.parse(data, self.location, page)
        ids = sorted({e.source_id for e in page.events})
        stored = saved_items(prev).get("", [])
        if not clean:
            kept = sorted(set(stored) - set(ids))
            page.refused.append(f"{self.location} was not read cleanly; "
                                f"{len(kept)} stored event(s) kept")
            page.cursor = None
            return page
        page.deleted_ids = sorted(set(stored) - set(ids))
        page.cursor = encode_cursor({"mode": self.mode, **state, "items": {"": ids}})
        return page

    def _feed(self, prev: dict[str, object] | None) -> SyncPage:
        headers = {}
        if prev and prev.get("etag"):
            headers["If-None-Match"] = str(prev["etag"])
        if prev and prev.get("last_modified"):
            headers["If-Modified-Since"] = str(prev["last_modified"])
        auth = (self.username, self.password) if self.username and self.password else None
        url = "https://" + self.location[len("webcal://"):] \
            if self.location.lower().startswith("webcal://") else self.location
        try:
            resp = requests.get(url, headers=headers, auth=auth, verify=self.verify,
                                timeout=self.settings.timeout_seconds, stream=True)
            body = _read_capped(resp) if resp.status_code == 200 else b""
        except requests.exceptions.SSLError as err:
            raise AdminError("the calendar feed's TLS certificate is not trusted; "
                             "set ca_bundle") from err
        except requests.RequestException as err:
            raise TransientError(f"the calendar feed is unreachable ({type(err).__name__})") from err
        if resp.status_code == 304 and prev is not None:
            return SyncPage(cursor=encode_cursor(prev), complete=True)
        check_http(resp.status_code, resp.headers.get("Retry-After"), "the calendar feed")
        state: dict[str, object] = {"etag": resp.headers.get("ETag"),
                                    "last_modified": resp.headers.get("Last-Modified")}
        if body is None:
            page = SyncPage(complete=True, skipped=[
                f"{self.location}: the feed is over the {MAX_CALENDAR_BYTES:,}-byte limit"])
            page.refused.append(f"{self.location} was not read; stored events kept")
            return page
        return self.snapshot(body, prev, state)

    def _file(self, prev: dict[str, object] | None) -> SyncPage:
        path = Path(self.location).expanduser()
        try:
            if path.stat().st_size > MAX_CALENDAR_BYTES:
                raise AdminError(f"the calendar file {self.location} is over the "
                                 f"{MAX_CALENDAR_BYTES:,}-byte limit")
            data = path.read_bytes()
        except OSError as err:
            raise AdminError(f"cannot read the calendar file {self.location}: {err.strerror}") \
                from None
        digest = hashlib.sha256(data).hexdigest()
        if prev is not None and prev.get("digest") == digest:
            return SyncPage(cursor=encode_cursor(prev), complete=True)
        return self.snapshot(data, prev, {"digest": digest})


def _read_capped(resp: requests.Response) -> bytes | None:
    """The body, or None when it is larger than ``MAX_CALENDAR_BYTES`` (never read whole)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_content(chunk_size=1 << 16):
        size += len(chunk)
        if size > MAX_CALENDAR_BYTES:
            resp.close()
            return None
        chunks.append(chunk)
    return b"".join(chunks)
