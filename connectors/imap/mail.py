"""One mail folder's sync round over IMAP: examine, find new UIDs, peek, report vanished.

Round trips after login, measured against Dovecot 2.3 (``bench/imap_sync.py``):

* unchanged folder: 1 (``EXAMINE``; UIDVALIDITY, UIDNEXT, EXISTS and, with
  CONDSTORE, HIGHESTMODSEQ all come back in its untagged responses);
* changed folder: EXAMINE + ``UID SEARCH UID <known>`` (vanished messages) +
  ``UID SEARCH UID n:* SINCE d`` + one ``UID FETCH (RFC822.SIZE)`` for the new UIDs
  (per 5,000) + one ``UID FETCH`` per ``fetch_batch`` messages (and one more for a
  batch that holds a message over the size cap).

A change of HIGHESTMODSEQ alone is not work: the rep reading a message bumps it
(measured), while new mail always moves UIDNEXT and an expunge always lowers
EXISTS, so "UIDNEXT and EXISTS unchanged" is the test (HIGHESTMODSEQ equal is a
shortcut where offered). QRESYNC's ``VANISHED`` would name expunged UIDs without
the UID search, but a UID alone still has to be mapped to the stored record,
which the cursor's UID map does anyway, and the search only runs on a changed
folder, so QRESYNC is not needed.

Nothing here can change the mailbox: folders are opened with ``EXAMINE`` and
bodies read with ``BODY.PEEK[]``, so a rep's unread mail stays unread.

Bounded work: every new message's ``RFC822.SIZE`` (RFC 3501; Dovecot reports the
exact size of what ``BODY[]`` returns) is read before any body. A message over
``MAX_MESSAGE_BYTES`` is never fetched with ``BODY.PEEK[]``: only its header is read,
with a partial fetch ``BODY.PEEK[HEADER]<0.HEADER_BYTES>`` that bounds even a
hostile header, and it is stored as a record without body text, with a ``skipped``
line saying why. The header is worth keeping because the analyzer needs only the
headers to see that mail was sent or received (the follow-up rule, stalls, threads),
and the message most likely to be over the cap is a follow-up carrying the deck or
the contract; only the commitments and questions in its text are lost. The cursor
moves past it like past any other UID, so it is neither retried nor in the way of
later mail. A server that leaves the size out (or sends something that is not a
size) gets the old behaviour for that message: the body is fetched and checked
after the fact, with the same outcome.

A record's ``source_id`` is ``<stream label>:<12 hex of sha256(Message-ID)>``
(or of the Date/From/To/Subject headers when there is no Message-ID), not the
UID: a UIDVALIDITY change or a folder rename then re-reads the folder and the
store's upsert by source_id keeps one copy per message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32

from dealnudge.connectors.base import ConnectorContext, ConnectorError, CursorExpired, ErrorKind
from dealnudge.connectors.imap.cursor import KEY_WIDTH, FolderCursor, uid_set
from dealnudge.connectors.imap.folders import FolderSpec
from dealnudge.connectors.imap.session import FolderMissing, Session
from dealnudge.connectors.items import MAX_MESSAGE_BYTES, skip_reason
from dealnudge.connectors.mime import MalformedMessage, parse_message

from dealnudge.records import EmailMessage, SyncPage

log = logging.getLogger(__name__)

Resolver = Callable[[FolderSpec], str | None]

SIZE_ITEM = b"RFC822.SIZE"
SIZE_CHUNK = 5000  # UIDs per size FETCH (a ~45-byte answer line each)
HEADER_BYTES = 256 * 1024  # what is read of a message over the cap: its header, at most this


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    uidnext: int | None
    exists: int
    highestmodseq: int | None

    def same_as(self, cur: FolderCursor) -> bool:
        if cur.highestmodseq is not None and self.highestmodseq == cur.highestmodseq:
            return True
        return self.uidnext is not None and (self.uidnext, self.exists) == (cur.uidnext, cur.exists)


def record_key(raw: bytes) -> str:
    """Stable per message: the Message-ID, else the identifying headers."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    headers = BytesHeaderParser(policy=compat32).parsebytes(head + b"\n\n")
    mid = str(headers.get("Message-ID", "") or "").strip().strip("<>").strip()
    basis = f"mid:{mid}" if mid else "hdr:" + "\n".join(
        str(headers.get(h, "")).strip() for h in ("Date", "From", "To", "Subject"))
    return hashlib.sha256(basis.encode("utf-8", "surrogateescape")).hexdigest()[:KEY_WIDTH]


def source_id(spec: FolderSpec, key: str) -> str:
    return f"{spec.label}:{key}"


class FolderSync:
    """One round for one folder; every IMAP call goes through ``session.guard``."""

    def __init__(self, session: Session, spec: FolderSpec, ctx: ConnectorContext, *,
                 since: dt.date, batch: int, zone: dt.tzinfo, resolve: Resolver) -> None:
        self.session, self.spec, self.ctx = session, spec, ctx
        self.since, self.batch, self.zone, self.resolve = since, batch, zone, resolve

    def run(self, cursor: str | None) -> Iterator[SyncPage]:
        prev = FolderCursor.loads(cursor) if cursor else None
        if prev is not None and not prev.folder:
            prev = None  # the folder was missing last time: this is its first read
        opened = self._open(prev)
        if opened is None:
            yield self._no_folder()
            return
        name, state = opened
        if prev is not None and state.uidvalidity != prev.uidvalidity:
            raise CursorExpired(f"{self.spec.stream_name}: UIDVALIDITY of {name!r} changed "
                                f"({prev.uidvalidity} → {state.uidvalidity})")
        if prev is not None and prev.complete and state.same_as(prev):
            yield SyncPage(cursor=prev.dumps(), complete=True)
            return
        cur = prev or FolderCursor(folder=name, uidvalidity=state.uidvalidity,
                                   since=self.since.isoformat())
        cur.folder = name
        yield from self._work(cur, state, full=prev is None or not prev.complete)

    def _open(self, prev: FolderCursor | None) -> tuple[str, FolderState] | None:
        name = prev.folder if prev is not None and prev.folder else self.resolve(self.spec)
        if name is None:
            return None
        try:
            return name, self._examine(name)
        except FolderMissing:
            found = self.resolve(self.spec)  # renamed? LIST again
            if found is None:
                return None
            log.info("%s: folder %r is gone, now reading %r", self.spec.stream_name, name, found)
            return found, self._examine(found)

    def _examine(self, name: str) -> FolderState:
        try:
            return self._examine_once(name)
        except ConnectorError as err:
            if "unsafe login" not in str(err).lower():
                raise
        # NetEase (163/126/qiye) refuses SELECT/EXAMINE until the client sent RFC 2971 ID
        with self.session.guard("ID"):
            self.session.client.id_({"name": "dealnudge", "version": "1"})
        return self._examine_once(name)

    def _examine_once(self, name: str) -> FolderState:
        with self.session.guard(f"EXAMINE {self.spec.label}"):
            info = self.session.client.select_folder(name, readonly=True)
        modseq = info.get(b"HIGHESTMODSEQ")
        return FolderState(uidvalidity=int(info[b"UIDVALIDITY"]),
                           uidnext=int(info[b"UIDNEXT"]) if b"UIDNEXT" in info else None,
                           exists=int(info.get(b"EXISTS", 0)),
                           highestmodseq=int(modseq) if modseq is not None else None)

    def _no_folder(self) -> SyncPage:
        why = f"{self.spec.stream_name}: no such folder on the server"
        if self.spec.role == "sent":
            why = (f"{self.spec.stream_name}: no folder flagged \\Sent or named like a sent "
                   "folder; set source.sent_folder to its name")
        log.warning(why)
        empty = FolderCursor(folder="", uidvalidity=0)
        return SyncPage(cursor=empty.dumps(), complete=True, skipped=[why])

    def _work(self, cur: FolderCursor, state: FolderState, *, full: bool) -> Iterator[SyncPage]:
        deleted = self._vanished(cur, state)
        new = self._new_uids(cur)
        sizes = self._sizes(new)
        total, done = len(new), 0
        self.ctx.progress(self.spec.stream_name, 0, total)
        for start in range(0, len(new), self.batch):
            chunk = new[start:start + self.batch]
            page = SyncPage(full=full)
            page.messages = self._fetch(chunk, sizes, cur, page)
            done += len(chunk)
            self.ctx.progress(self.spec.stream_name, done, total)
            if start + self.batch >= len(new):
                break
            page.cursor = cur.dumps()  # resumable: everything up to last_uid is stored
            yield page
        else:
            page = SyncPage(full=full)
        cur.uidnext, cur.exists, cur.highestmodseq = state.uidnext, state.exists, state.highestmodseq
        page.deleted_ids = deleted
        page.cursor, page.complete = cur.dumps(), True
        yield page

    def _vanished(self, cur: FolderCursor, state: FolderState) -> list[str]:
        if not cur.keys:
            return []
        known = sorted(cur.keys)
        with self.session.guard("UID SEARCH (vanished)"):
            alive = set(self.session.client.search(["UID", uid_set(known)]))
        gone = [u for u in known if u not in alive]
        if gone and not alive:
            log.warning("%s: every known message (%d) vanished from %r at once; keeping them "
                        "(an empty folder is more likely a server problem than a clean-out)",
                        self.spec.stream_name, len(known), cur.folder)
            return []
        kept = {cur.keys[u] for u in alive}
        keys = {cur.keys.pop(u) for u in gone}
        return sorted(source_id(self.spec, k) for k in keys - kept)

    def _new_uids(self, cur: FolderCursor) -> list[int]:
        since = dt.date.fromisoformat(cur.since) if cur.since else self.since
        with self.session.guard("UID SEARCH (new)"):
            found = self.session.client.search(["UID", f"{cur.last_uid + 1}:*", "SINCE", since])
        return sorted(u for u in found if u > cur.last_uid)

    def _sizes(self, uids: list[int]) -> dict[int, int]:
        """``RFC822.SIZE`` per UID; a UID the server gives no usable size for is left out."""
        sizes: dict[int, int] = {}
        for start in range(0, len(uids), SIZE_CHUNK):
            chunk = uids[start:start + SIZE_CHUNK]
            try:
                with self.session.guard("UID FETCH (sizes)"):
                    data = self.session.client.fetch(chunk, [SIZE_ITEM])
            except ConnectorError as err:
                if err.kind is ErrorKind.TRANSIENT:
                    raise
                log.warning("%s: the server refused RFC822.SIZE (%s); bodies are checked "
                            "after fetching", self.spec.stream_name, err)
                return sizes
            for uid, item in data.items():
                size = message_size(item)
                if size is not None:
                    sizes[uid] = size
        return sizes

    def _fetch(self, uids: list[int], sizes: dict[int, int], cur: FolderCursor,
               page: SyncPage) -> list[EmailMessage]:
        cap = MAX_MESSAGE_BYTES  # read per call: tests lower it
        over = {u: sizes[u] for u in uids if sizes.get(u, 0) > cap}
        raws: dict[int, bytes | None] = {}
        wanted = [u for u in uids if u not in over]
        if wanted:
            with self.session.guard("UID FETCH"):
                data = self.session.client.fetch(wanted, [b"BODY.PEEK[]"])
            raws.update((u, data.get(u, {}).get(b"BODY[]")) for u in wanted)
        if over:
            with self.session.guard("UID FETCH (headers)"):
                data = self.session.client.fetch(
                    sorted(over), [f"BODY.PEEK[HEADER]<0.{HEADER_BYTES}>".encode()])
            raws.update((u, header_item(data.get(u, {}))) for u in over)
        out: list[EmailMessage] = []
        for uid in uids:
            raw = raws.get(uid)
            cur.last_uid = max(cur.last_uid, uid)
            if raw is None:  # expunged between SEARCH and FETCH
                continue
            where = f"{self.spec.stream_name} UID {uid} in {cur.folder!r}"
            try:
                size = over.get(uid, len(raw))  # len(raw): the server gave no size
                head = raw if size <= cap else header_block(raw)
                key = record_key(head)
                cur.keys[uid] = key
                sid = source_id(self.spec, key)
                if any(m.source_id == sid for m in out):
                    continue  # the same message twice in one folder: one record
                out.append(parse_message(head, source_id=sid, folder=self.spec.record_folder,
                                         default_tz=self.zone))
                if size > cap:
                    page.skipped.append(f"{where}: the message is {size:,} bytes, over the "
                                        f"{cap:,}-byte limit; only its headers are kept "
                                        "(its text is not analysed)")
            except Exception as err:  # noqa: BLE001 - one message never stops the folder
                page.skipped.append(skip_reason(where, err, (MalformedMessage,)))
        return out


def message_size(item: dict[bytes, object]) -> int | None:
    """The ``RFC822.SIZE`` of one FETCH answer, None when it is missing or not a size."""
    value = item.get(SIZE_ITEM)
    if isinstance(value, bytes) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def header_item(item: dict[bytes, object]) -> bytes | None:
    """The partial ``BODY[HEADER]<0>`` of one FETCH answer (servers differ in the key)."""
    for key, value in item.items():
        if isinstance(key, bytes) and key.upper().startswith(b"BODY[HEADER]"):
            return value if isinstance(value, bytes) else b""
    return None


def header_block(raw: bytes) -> bytes:
    """The header of a message (or of a header cut off by a partial fetch), without
    the body: ends with the empty line, a last line cut in the middle dropped."""
    ends = [(i, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (i := raw.find(sep)) >= 0]
    if ends:
        end, width = min(ends)
        return raw[:end + width]
    cut = raw.rfind(b"\n")
    return (raw[:cut + 1] if cut >= 0 else b"") + b"\r\n"
