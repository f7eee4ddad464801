"""Gmail as one ``mail`` stream: a windowed full sync, then history-based increments.

Why one stream: Gmail's history is mailbox-wide, so Inbox and Sent share a cursor
(a message's folder is ``sent`` when it carries the SENT label, else ``inbox``).

Full sync takes the mailbox's current ``historyId`` from ``getProfile`` *before*
listing (a message's own historyId can be older than the retained history, and
anything that changes while we list is replayed by the next increment, where
upserts make it harmless), then pages ``messages.list`` with
``q=after:<epoch>`` plus the exclusions below and fetches bodies as ``format=raw``
through ``/batch/gmail/v1`` (``service.new_batch_http_request()`` would ignore the
endpoint override). Intermediate pages carry a resumable cursor (the history id,
the window and the next page token), so a crash mid-backfill resumes where it
stopped instead of starting over.

Partial sync pages ``history.list`` (``messageAdded``/``messageDeleted``, oldest
first; records are strictly after ``startHistoryId``). An intermediate page's
cursor is the id of its last record; after the last page it is the response's
``historyId``. A 404 there, and only there, is ``CursorExpired``.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote

from dealnudge.connectors.base import ConnectorContext, ConnectorError, CursorExpired
from dealnudge.connectors.cursors import decode_cursor, encode_cursor
from dealnudge.connectors.google.calls import GMAIL_UNITS, Caller
from dealnudge.connectors.google.errors import Call
from dealnudge.connectors.items import MAX_MESSAGE_BYTES, check_size, skip_reason
from dealnudge.connectors.mime import MalformedMessage, parse_message

from dealnudge.records import EmailMessage, Folder, SyncPage

EXCLUSIONS = "-in:chats -in:drafts -in:spam -in:trash -category:promotions -category:social"
# The same exclusions as label ids, for history records (which have no query).
EXCLUDED_LABELS = {"CHAT", "DRAFT", "SPAM", "TRASH", "CATEGORY_PROMOTIONS", "CATEGORY_SOCIAL"}
HISTORY_TYPES = ["messageAdded", "messageDeleted"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailCursor:
    history_id: str
    after: int | None = None  # set while a full sync is in progress ...
    page_token: str | None = None  # ... together with the next messages.list page

    def encode(self) -> str:
        data: dict[str, object] = {"h": self.history_id}
        if self.page_token is not None:
            data.update(after=self.after, page=self.page_token)
        return encode_cursor(data)

    @classmethod
    def decode(cls, text: str) -> MailCursor:
        data = decode_cursor(text, "Gmail")
        try:
            after, page = data.get("after"), data.get("page")
            return cls(str(data["h"]), None if after is None else int(str(after)),
                       None if page is None else str(page))
        except (ValueError, KeyError) as err:
            raise CursorExpired(f"the saved Gmail cursor cannot be read ({err!r})") from None


@dataclass
class Fetched:
    messages: list[EmailMessage]
    gone: list[str]
    skipped: list[str]


class GmailSync:
    def __init__(self, service: Any, caller: Caller, *, batch_uri: str, page_size: int,
                 batch_size: int, window_days: int, ctx: ConnectorContext,
                 default_tz: dt.tzinfo, stream_name: str, mailbox: str = "") -> None:
        self.service, self.caller = service, caller
        self.mailbox = mailbox
        self.batch_uri, self.page_size, self.batch_size = batch_uri, page_size, batch_size
        self.window_days, self.ctx, self.default_tz = window_days, ctx, default_tz
        self.stream_name = stream_name

    def sync(self, cursor: str | None) -> Iterator[SyncPage]:
        if cursor is None:
            after = int((self.ctx.now - dt.timedelta(days=self.window_days)).timestamp())
            yield from self.full(self._current_history_id(), after, None)
            return
        state = MailCursor.decode(cursor)
        if state.page_token is not None and state.after is not None:
            yield from self._resume_full(state.history_id, state.after, state.page_token)
        else:
            yield from self.partial(state.history_id)

    def _resume_full(self, history_id: str, after: int, page_token: str) -> Iterator[SyncPage]:
        """Continue an interrupted full sync; a page token Gmail no longer accepts (400)
        restarts it rather than leaving the stream stuck on an unusable cursor."""
        pages = self.full(history_id, after, page_token)
        try:
            first = next(pages)
        except ConnectorError as err:
            if err.status != 400:
                raise
            log.warning("Gmail refused a saved page token for %s; restarting the full sync",
                        self.caller.rep)
            yield from self.sync(None)
            return
        yield first
        yield from pages

    def _current_history_id(self) -> str:
        profile = self.caller.run(lambda: self.service.users().getProfile(userId="me"),
                                  call=Call.GMAIL, cost=GMAIL_UNITS["profile"])
        return str(profile["historyId"])

    def full(self, history_id: str, after: int, page_token: str | None) -> Iterator[SyncPage]:
        query = f"after:{after} {EXCLUSIONS}"
        done = 0
        while True:
            resp = self.caller.run(
                partial(self.service.users().messages().list, userId="me", q=query,
                        maxResults=self.page_size, pageToken=page_token),
                call=Call.GMAIL, cost=GMAIL_UNITS["list"])
            got = self.fetch([m["id"] for m in resp.get("messages", [])])
            page_token = resp.get("nextPageToken")
            last = page_token is None
            cursor = MailCursor(history_id, None if last else after, page_token)
            done += len(got.messages)
            self.ctx.progress(self.stream_name, done, resp.get("resultSizeEstimate"))
            yield SyncPage(messages=got.messages, deleted_ids=got.gone, cursor=cursor.encode(),
                           full=True, complete=last, skipped=got.skipped)
            if last:
                return

    def partial(self, start: str) -> Iterator[SyncPage]:
        page_token: str | None = None
        while True:
            resp = self.caller.run(
                partial(self.service.users().history().list, userId="me",
                        startHistoryId=start, historyTypes=HISTORY_TYPES,
                        maxResults=self.page_size, pageToken=page_token),
                call=Call.HISTORY, cost=GMAIL_UNITS["history"])
            records = resp.get("history", [])
            added, deleted = changes(records)
            got = self.fetch(added)
            page_token = resp.get("nextPageToken")
            last = page_token is None
            cursor = str(resp["historyId"]) if last else str(records[-1]["id"]) if records \
                else start
            yield SyncPage(messages=got.messages, deleted_ids=deleted + got.gone,
                           cursor=MailCursor(cursor).encode(), complete=last,
                           skipped=got.skipped)
            if last:
                return

    def fetch(self, ids: list[str]) -> Fetched:
        out = Fetched([], [], [])
        for i in range(0, len(ids), self.batch_size):
            chunk = ids[i:i + self.batch_size]
            get = self.service.users().messages().get
            requests: dict[str, Callable[[], Any]] = {
                mid: partial(get, userId="me", id=mid, format="raw") for mid in chunk}
            results = self.caller.batch(self.batch_uri, requests, call=Call.GMAIL,
                                        cost_each=GMAIL_UNITS["get"])
            for mid in chunk:
                self._parse_into(out, mid, results.get(mid))
        return out

    def _parse_into(self, out: Fetched, mid: str, resource: dict[str, Any] | None) -> None:
        if resource is None:
            out.gone.append(mid)
            return
        labels = set(resource.get("labelIds", []))
        folder: Folder = "sent" if "SENT" in labels else "inbox"
        try:
            check_size(int(resource.get("sizeEstimate") or 0), MAX_MESSAGE_BYTES, "the message")
            raw = base64.urlsafe_b64decode(resource["raw"] + "=" * (-len(resource["raw"]) % 4))
            msg = parse_message(raw, source_id=mid, folder=folder, default_tz=self.default_tz)
            if msg.thread_id is None and resource.get("threadId"):
                msg = dataclasses.replace(msg, thread_id=str(resource["threadId"]))
            if resource.get("threadId"):
                msg = dataclasses.replace(
                    msg, web_link=thread_link(self.mailbox, str(resource["threadId"])))
        except Exception as err:  # noqa: BLE001 - one message never stops the stream
            out.skipped.append(skip_reason(mid, err, (MalformedMessage, KeyError, ValueError)))
            return
        out.messages.append(msg)


def thread_link(mailbox: str, thread_id: str) -> str:
    """The thread in Gmail's web client, signed in as ``mailbox`` (``/u/`` takes an
    address as well as an account number); both parts percent-encoded."""
    account = quote(mailbox, safe="@") if mailbox else "0"
    return f"https://mail.google.com/mail/u/{account}/#all/{quote(thread_id, safe='')}"


def changes(records: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(ids to fetch, ids deleted) from history records, oldest first."""
    added: dict[str, None] = {}
    deleted: list[str] = []
    for record in records:
        for item in record.get("messagesAdded", []):
            message = item["message"]
            if not EXCLUDED_LABELS & set(message.get("labelIds", [])):
                added[message["id"]] = None
        for item in record.get("messagesDeleted", []):
            mid = item["message"]["id"]
            added.pop(mid, None)
            if mid not in deleted:
                deleted.append(mid)
    return list(added), deleted
