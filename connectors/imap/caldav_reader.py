"""CalDAV with RFC 6578 sync tokens through the ``caldav`` library (driven by ``calendar.py``).

Measured against Radicale 3: a stale token answers 403 with
``<D:error><D:valid-sync-token/></D:error>``; caldav would silently fall back to a
full listing, so tokens we hold are sent with ``disable_fallback=True`` and the
precondition becomes ``CursorExpired`` (one full resync, as the contract says).
caldav's HTTP layer is niquests (or requests): network failures from either
arrive as ``OSError`` subclasses or their ``RequestException``.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import caldav
from caldav.lib import error as dav_error
from dealnudge.config.schema import ImapProvider
from dealnudge.connectors.base import AdminError, ConnectorError, CursorExpired, TransientError
from dealnudge.connectors.cursors import encode_cursor
from dealnudge.connectors.imap.caldav_discovery import Discovery, discover
from dealnudge.connectors.imap.calendar_http import check_http, saved_items
from dealnudge.connectors.items import MAX_CALENDAR_BYTES, check_size, skip_reason

from dealnudge.records import CalendarEvent, SyncPage


class CalendarSource(Protocol):
    """What the CalDAV reader needs of ``calendar.CalendarSync``."""

    location: str
    owner: str
    calendar_name: str | None
    username: str | None
    password: str | None
    settings: ImapProvider

    @property
    def verify(self) -> str | bool: ...

    def parse(self, data: bytes, where: str,
              page: SyncPage) -> tuple[list[CalendarEvent], bool]: ...

log = logging.getLogger(__name__)
_EXPIRED = {"{DAV:}valid-sync-token"}


def _network_errors() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [OSError]
    for module in ("niquests", "requests"):
        try:
            found.append(__import__(module).exceptions.RequestException)
        except (ImportError, AttributeError):
            continue
    return tuple(found)


NETWORK = _network_errors()


def classify(err: BaseException, has_token: bool) -> ConnectorError:
    if isinstance(err, dav_error.DAVError):
        status = err.status
        if has_token and (_EXPIRED & set(err.preconditions) or status in (410, 412)):
            return CursorExpired("the CalDAV server no longer knows our sync token")
        if isinstance(err, dav_error.AuthorizationError) or status in (401, 403):
            return AdminError("the CalDAV server refused the calendar credentials", status=status)
        if isinstance(err, dav_error.NotFoundError) or status == 404:
            return AdminError("the CalDAV calendar was not found; check source.calendar",
                              status=404)
        try:
            check_http(status or 500, None, "the CalDAV server")
        except ConnectorError as typed:
            return typed
    if "certificate" in str(err).lower() or "SSL" in type(err).__name__:
        return AdminError("the CalDAV server's TLS certificate is not trusted; set ca_bundle")
    if isinstance(err, NETWORK):
        return TransientError(f"the CalDAV server is unreachable ({type(err).__name__})")
    return ConnectorError(f"unexpected CalDAV failure ({type(err).__name__})")


def find_calendar(sync: CalendarSource) -> Discovery:
    """The collection behind ``source.calendar`` (a calendar, home, principal or root URL)."""
    return discover(sync.location, username=sync.username, password=sync.password,
                    verify=sync.verify, timeout=sync.settings.timeout_seconds,
                    wanted=sync.calendar_name)


def _origin(sync: CalendarSource) -> str:
    return f"{sync.location}#{sync.calendar_name or ''}"


def _collection(sync: CalendarSource,
                prev: dict[str, object] | None) -> tuple[str, dict[str, object] | None, bool]:
    """(calendar URL, the cursor still valid for it, whether the URL came from the cursor)."""
    if prev and prev.get("from") == _origin(sync) and prev.get("url"):
        return str(prev["url"]), prev, True
    found = find_calendar(sync)
    log.info("%s: CalDAV calendar %s", sync.owner, found.sentence())
    same = prev is not None and prev.get("url", sync.location) == found.calendar.url
    return found.calendar.url, (prev if same else None), False


def read_caldav(sync: CalendarSource, prev: dict[str, object] | None) -> SyncPage:
    url, prev, cached = _collection(sync, prev)
    token = str(prev["token"]) if prev and prev.get("token") else None
    real_token = token is not None and not token.startswith("fake-")
    try:
        dav_client: Any = caldav.DAVClient  # caldav's sync/async overloads confuse mypy
        with dav_client(url=url, username=sync.username, password=sync.password,
                        ssl_verify_cert=sync.verify,
                        timeout=sync.settings.timeout_seconds) as client:
            cal = client.calendar(url=url)
            result = cal.get_objects_by_sync_token(sync_token=token, load_objects=True,
                                                   disable_fallback=real_token)
            return _page(sync, prev, result, fallback=not real_token and token is not None,
                         where={"url": url, "from": _origin(sync)})
    except ConnectorError:
        raise
    except Exception as err:
        typed = classify(err, real_token)
        if cached and typed.status == 404:
            raise CursorExpired("the CalDAV calendar moved; finding it again") from err
        raise typed from err


def _page(sync: CalendarSource, prev: dict[str, object] | None, result: Any,
          *, fallback: bool, where: dict[str, str]) -> SyncPage:
    """``fallback``: caldav listed everything (no sync-collection), so absence is deletion."""
    items = saved_items(prev)
    page = SyncPage(full=prev is None, complete=True, inferred_deletions=True)
    seen: set[str] = set()
    removed = {str(u) for u in result.deleted_urls}
    for obj in result:
        href = ""
        try:
            href = str(obj.url.canonical())
            if href in removed:
                continue
            seen.add(href)
            events, clean = _object_events(sync, obj, href, page)
        except Exception as err:  # noqa: BLE001 - one object never stops the calendar
            page.skipped.append(skip_reason(href or "CalDAV object", err))
            continue
        page.events.extend(events)
        ids = sorted({e.source_id for e in events})
        if not clean:  # keep what this object had; it is read again when it changes
            ids = sorted(set(ids) | set(items.get(href, [])))
        page.deleted_ids.extend(set(items.get(href, [])) - set(ids))
        items[href] = ids
    gone = {str(u) for u in result.deleted_urls}
    if fallback and len(result) > 0:
        gone |= set(items) - seen
    for href in sorted(gone):
        page.deleted_ids.extend(items.pop(href, []))
    page.deleted_ids = sorted(set(page.deleted_ids) - {e.source_id for e in page.events})
    page.cursor = encode_cursor({"mode": "caldav", "token": str(result.sync_token),
                                 "items": items, **where})
    return page


def _object_events(sync: CalendarSource, obj: Any, href: str,
                   page: SyncPage) -> tuple[list[CalendarEvent], bool]:
    data = obj.data
    if not data:
        return [], True
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    check_size(len(raw), MAX_CALENDAR_BYTES, "the CalDAV object")
    return sync.parse(raw, href, page)
