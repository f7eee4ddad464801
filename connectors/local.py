"""Local files as a source: an .ics file (or a directory of them) and a Maildir, mbox or
directory of .eml files. It powers the demo and teams that export mail to disk.

Incremental sync is by file identity: the cursor remembers, per file, ``size:mtime_ns``
(and, for files holding several records — calendars, mbox — the ids they produced),
so a re-run opens only new or changed files, removed files become ``deleted_ids``, and
a changed calendar deletes the occurrences that vanished from it. Maildir files are
keyed by their unique name, so the new/ → cur/ move and flag renames read nothing.

The cursor is zlib-compressed JSON stamped with ``cursor_version`` and the identity
(device, inode) of the mail or calendar root: a directory replaced wholesale — restored
from a backup, re-exported — invalidates the cursor like an IMAP UIDVALIDITY change,
and so does a cursor we cannot read (``CursorExpired``: the caller runs a full sync).

Calendar windows only grow: an incremental round keeps the cursor's start, so an
occurrence that slides out of the past never looks deleted; when the future end moves
(a new day) every calendar file is re-read once to pick up newly visible occurrences.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import mailbox
import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar, Literal

from dealnudge.config.schema import Config, LocalSource, Rep
from dealnudge.connectors import parsepool
from dealnudge.connectors.base import (
    AdminError,
    Connector,
    ConnectorContext,
    CursorExpired,
    Stream,
)
from dealnudge.connectors.cursors import decode_cursor, encode_cursor
from dealnudge.connectors.ics import MalformedCalendar, parse_calendar_report
from dealnudge.connectors.items import (
    MAX_CALENDAR_BYTES,
    MAX_MESSAGE_BYTES,
    TooLarge,
    check_size,
    skip_reason,
)
from dealnudge.connectors.mime import MalformedMessage, parse_message

from dealnudge.records import CalendarEvent, EmailMessage, SyncPage

log = logging.getLogger(__name__)

Layout = Literal["maildir", "mbox", "emldir", "icsfile", "icsdir"]
Record = EmailMessage | CalendarEvent
# Per file key: [fingerprint] when the file holds one record whose id is the key itself,
# else [fingerprint, [ids...]].
State = dict[str, list[object]]

CALENDAR = Stream("calendar", "calendar")
MAIL = Stream("mail", "mail")
PAST = dt.timedelta(days=90)
FUTURE = dt.timedelta(days=60)
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,76}:[ \t]?\S")  # "Name: value", RFC 5322 field name
_SENT_FOLDERS = {"sent", "sent items", "sent messages", "已发送", "已发送邮件"}


@dataclass(frozen=True)
class SourceFile:
    key: str  # identity in the cursor: Maildir unique name, relative path, or the file name
    path: Path
    fingerprint: str
    hashed_ids: bool = False  # record ids are content hashes (mbox): a known id is unchanged


@dataclass
class FileResult:
    records: list[Record] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # The file could not be read whole (unreadable, cut off, or some events broken):
    # none of its stored records may be deleted, and it is read again next round.
    doubtful: bool = False


def create(rep: Rep, config: Config, ctx: ConnectorContext) -> LocalConnector:
    source = rep.source
    if not isinstance(source, LocalSource):
        raise AdminError(f"rep {rep.email} is not configured with a local source")
    if source.calendar is None and source.mail is None:
        raise AdminError(f"rep {rep.email}: a local source needs calendar: or mail: (or both)")
    return LocalConnector(rep, ctx, calendar=source.calendar, mail=source.mail)


class LocalConnector(Connector):
    kind: ClassVar[str] = "local"
    cursor_version: ClassVar[int] = 2  # 2: one cursor codec (connectors.cursors)

    def __init__(self, rep: Rep, ctx: ConnectorContext, *, calendar: Path | None,
                 mail: Path | None, page_size: int = 500) -> None:
        self.rep = rep
        self.ctx = ctx
        self.calendar_path = calendar
        self.mail_path = mail
        self.page_size = page_size
        self.files_read = 0  # files opened since construction (observable incrementality)
        self._own = {rep.email.lower(), *(a.lower() for a in rep.aliases)}

    def streams(self) -> list[Stream]:
        found = [CALENDAR] if self.calendar_path is not None else []
        return found + ([MAIL] if self.mail_path is not None else [])

    def close(self) -> None:
        return None

    def sync(self, stream: Stream, cursor: str | None) -> Iterator[SyncPage]:
        if stream == CALENDAR and self.calendar_path is not None:
            return self._sync_calendar(self.calendar_path, cursor)
        if stream == MAIL and self.mail_path is not None:
            return self._sync_mail(self.mail_path, cursor)
        raise AdminError(f"the local source of {self.rep.email} has no {stream.name} stream")

    # --- streams -----------------------------------------------------------------------

    def _sync_mail(self, root: Path, cursor: str | None) -> Iterator[SyncPage]:
        layout = mail_layout(_existing(root, "mail"))
        old = self._open_cursor(cursor, layout, root)
        files = list_mail_files(root, layout)
        pool = parsepool.current()
        if pool is not None and layout != "mbox":  # an mbox is one file: nothing to share out
            previous = _files(old) if old is not None else {}
            changed = [f for f in files if previous.get(f.key, [None])[0] != f.fingerprint]
            if len(changed) >= pool.min_files:
                reads = _PooledMailReads(self, pool, changed)
                return _closing(self._round(MAIL, layout, root, old, files, {}, reads),
                                reads.close)
        return self._round(MAIL, layout, root, old, files, {}, self._read_mail)

    def _sync_calendar(self, root: Path, cursor: str | None) -> Iterator[SyncPage]:
        layout: Layout = "icsdir" if _existing(root, "calendar").is_dir() else "icsfile"
        old = self._open_cursor(cursor, layout, root)
        start = self.ctx.now - PAST
        end = (self.ctx.now + FUTURE).replace(hour=0, minute=0, second=0, microsecond=0)
        if old is not None:
            start = min(start, dt.datetime.fromisoformat(str(old["start"])))
            if str(old["end"]) != end.isoformat():  # a new day: every file may show more
                old = {**old, "files": {k: ["", *v[1:]] for k, v in _files(old).items()}}
        window: dict[str, object] = {"start": start.isoformat(), "end": end.isoformat()}
        files = list_calendar_files(root, layout)

        def read(file: SourceFile) -> FileResult:
            return self._read_calendar(file, root, layout, start, end)
        return self._round(CALENDAR, layout, root, old, files, window, read)

    # --- the incremental engine ----------------------------------------------------------

    def _round(self, stream: Stream, layout: Layout, root: Path, old: dict[str, object] | None,
               files: list[SourceFile], extra: dict[str, object],
               read: Callable[[SourceFile], FileResult]) -> Iterator[SyncPage]:
        previous = _files(old) if old is not None else {}
        if previous and not files:
            raise AdminError(f"{root} is empty although it held {len(previous)} file(s) at the "
                             f"last sync; is the disk mounted? Nothing was deleted")
        snapshot = stream == CALENDAR  # deletions are inferred from absence: the caller guards
        present = {f.key for f in files}
        state: State = {k: v for k, v in previous.items() if k in present}
        changed = [f for f in files if previous.get(f.key, [None])[0] != f.fingerprint]
        page = SyncPage(full=old is None, inferred_deletions=snapshot)
        page.deleted_ids = [i for k, v in previous.items() if k not in present for i in _ids(k, v)]

        def emit(last: bool) -> SyncPage:
            page.cursor = self._cursor(layout, root, state, extra) if last or not snapshot \
                else None
            page.complete = last
            return page

        for done, file in enumerate(changed, 1):
            result = self._read_isolated(read, file)
            known = set(_ids(file.key, previous.get(file.key))) if file.hashed_ids else set()
            for record in result.records:
                if record.source_id in known:
                    continue
                (page.messages if isinstance(record, EmailMessage) else page.events).append(record)  # type: ignore[arg-type]
            new_ids = [r.source_id for r in result.records]
            old_ids = _ids(file.key, previous.get(file.key))
            page.skipped += result.skipped
            if result.doubtful:  # keep every stored id of this file; re-read it next round
                kept = [i for i in old_ids if i not in set(new_ids)]
                if kept:
                    page.refused.append(f"{file.path}: not read cleanly; its {len(kept)} "
                                        "stored record(s) are kept")
                state[file.key] = ["", list(dict.fromkeys(new_ids + kept))]
            else:
                page.deleted_ids += [i for i in old_ids if i not in set(new_ids)]
                state[file.key] = [file.fingerprint] if new_ids == [file.key] \
                    else [file.fingerprint, new_ids]
            self.ctx.progress(stream.name, done, len(changed))
            # Pages end between files, so the cursor saved with a page names every file
            # whose records it holds: a restart resumes after them without reading them again.
            if len(page.messages) + len(page.events) >= self.page_size:
                yield emit(last=False)
                page = SyncPage(full=old is None, inferred_deletions=snapshot)
        yield emit(last=True)

    def _read_isolated(self, read: Callable[[SourceFile], FileResult],
                       file: SourceFile) -> FileResult:
        return _isolated(read, file)

    # --- readers ---------------------------------------------------------------------------

    def _read_mail(self, file: SourceFile) -> FileResult:
        self.files_read += 1
        return read_mail_file(file, self.rep.zone, self._own)

    def _read_calendar(self, file: SourceFile, root: Path, layout: Layout,
                       start: dt.datetime, end: dt.datetime) -> FileResult:
        self.files_read += 1
        out = FileResult()
        prefix = f"{file.key}#" if layout == "icsdir" else ""
        try:
            parsed = parse_calendar_report(
                _read_capped(file.path, MAX_CALENDAR_BYTES, "the calendar file"),
                window_start=start, window_end=end,
                default_tz=self.rep.zone, owner=self.rep.email, source_prefix=prefix,
                self_addresses=self.rep.aliases)
        except (OSError, MalformedCalendar, TooLarge) as err:
            out.doubtful = True
            if layout == "icsfile":  # the whole source: say so even when nothing is stored
                out.skipped.append(f"{file.path}: {err}")
                out.records = []
                return out
            return _skip(out, file.path, str(err))
        out.records.extend(parsed.events)
        out.doubtful = bool(parsed.problems)
        for problem in parsed.problems:
            out.skipped.append(f"{file.path}: event {problem}")
        return out

    # --- cursor ------------------------------------------------------------------------------

    def _cursor(self, layout: Layout, root: Path, state: State, extra: dict[str, object]) -> str:
        body = {"v": self.cursor_version, "layout": layout, "root": _root_identity(root),
                "files": state, **extra}
        return encode_cursor(body)

    def _open_cursor(self, cursor: str | None, layout: Layout, root: Path) -> dict[str, object] | None:
        if cursor is None:
            return None
        body = decode_cursor(cursor, "local")
        if body.get("v") != self.cursor_version or not isinstance(body.get("files"), dict):
            raise CursorExpired("local cursor has another format version")
        if body.get("layout") != layout or body.get("root") != _root_identity(root):
            raise CursorExpired(f"{root} was replaced since the last sync")
        return body


def _isolated(read: Callable[[SourceFile], FileResult], file: SourceFile) -> FileResult:
    """One file never stops the round: any failure is that file's skip reason."""
    try:
        return read(file)
    except Exception as err:  # noqa: BLE001 - isolated per file; unexpected types say "bug:"
        out = FileResult(doubtful=True)
        out.skipped.append(skip_reason(str(file.path), err, (OSError, mailbox.Error)))
        return out


def read_mail_file(file: SourceFile, zone: dt.tzinfo, own: Collection[str]) -> FileResult:
    """The records of one mail file (an .eml/Maildir message or a whole mbox): a pure
    function of the file, the rep's zone and the rep's own addresses (their mail is
    "sent"), so worker processes can run it."""
    out = FileResult()
    try:
        if file.hashed_ids:
            raws = _mbox_messages(file)
        else:
            raw = _read_message_file(file.path)
            if raw is None:
                return _skip(out, file.path, "Outlook .msg is not supported: export as .eml")
            raws = [(file.key, raw)]
    except (OSError, mailbox.Error, TooLarge) as err:
        out.doubtful = not isinstance(err, TooLarge)
        return _skip(out, file.path, f"cannot read ({err})" if out.doubtful else str(err))
    for source_id, raw in raws:
        where = Path(f"{file.path}#{source_id}") if file.hashed_ids else file.path
        try:
            msg = parse_message(raw, source_id=source_id, folder="inbox", default_tz=zone)
        except Exception as err:  # noqa: BLE001 - one message never stops the file
            out.skipped.append(skip_reason(str(where), err, (MalformedMessage,)))
            continue
        if msg.sender.email in own:
            msg = replace(msg, folder="sent")
        out.records.append(msg)
    return out


def _read_message_file(path: Path) -> bytes | None:
    """One message's bytes, or None for an Outlook .msg; the size is checked first (an
    oversized file is never opened) and the file is opened once."""
    check_size(path.stat().st_size, MAX_MESSAGE_BYTES, "the message")
    if path.suffix.lower() == ".msg":
        return None
    with path.open("rb") as handle:
        data = handle.read(MAX_MESSAGE_BYTES + 1)
    check_size(len(data), MAX_MESSAGE_BYTES, "the message")  # it grew while we looked
    return None if data[:8] == _OLE_MAGIC else data


def read_mail_files(files: Sequence[SourceFile], zone: dt.tzinfo,
                    own: Collection[str]) -> list[FileResult]:
    """``read_mail_file`` over a chunk of files, each isolated: a parse worker's task."""
    return [_isolated(lambda f: read_mail_file(f, zone, own), file) for file in files]


class _PooledMailReads:
    """``_round``'s reader for a large mail round: the files are parsed ahead, in order,
    by the worker processes; a file the pool could not deliver is read in process."""

    def __init__(self, conn: LocalConnector, pool: parsepool.ParsePool,
                 changed: list[SourceFile]) -> None:
        self._conn = conn
        work = functools.partial(read_mail_files, zone=conn.rep.zone, own=frozenset(conn._own))
        def in_process(file: SourceFile) -> FileResult:
            return _isolated(lambda f: read_mail_file(f, conn.rep.zone, conn._own), file)
        self._results = pool.ordered(work, changed, in_process)
        self._files = iter(changed)

    def __call__(self, file: SourceFile) -> FileResult:
        expected = next(self._files, None)
        if expected is not file:  # _round reads the files it was given, in order
            raise RuntimeError(f"pooled mail reads out of order at {file.path}")
        self._conn.files_read += 1
        return next(self._results)

    def close(self) -> None:
        self._results.close()  # type: ignore[attr-defined]


def _closing(pages: Iterator[SyncPage], on_close: Callable[[], None]) -> Iterator[SyncPage]:
    try:
        yield from pages
    finally:
        on_close()


def _files(body: dict[str, object]) -> State:
    files = body.get("files")
    return files if isinstance(files, dict) else {}


def _ids(key: str, entry: list[object] | None) -> list[str]:
    if entry is None:
        return []
    if len(entry) > 1 and isinstance(entry[1], list):
        return [str(i) for i in entry[1]]
    return [key]


def _skip(out: FileResult, path: Path, reason: str) -> FileResult:
    out.skipped.append(f"{path}: {reason}")  # the caller logs each skipped item once
    return out


def _read_capped(path: Path, cap: int, what: str) -> bytes:
    """The file's bytes, after checking its size: an oversized file is never read."""
    check_size(path.stat().st_size, cap, what)
    with path.open("rb") as handle:
        data = handle.read(cap + 1)
    check_size(len(data), cap, what)  # it grew while we looked
    return data


def _existing(root: Path, what: str) -> Path:
    if not root.exists():
        raise AdminError(f"the {what} path {root} does not exist")
    return root


def _root_identity(root: Path) -> str:
    if root.is_file():
        return "file"  # mail programs rewrite mbox/ics files by rename: not a replacement
    info = root.stat()
    return f"{info.st_dev}:{info.st_ino}"


def _fingerprint(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


# --- layouts ---------------------------------------------------------------------------------

def mail_layout(root: Path) -> Layout:
    """Which of the three mail layouts ``root`` is."""
    if root.is_file():
        return "mbox"
    if (root / "cur").is_dir() or (root / "new").is_dir():
        return "maildir"
    return "emldir"


def list_mail_files(root: Path, layout: Layout) -> list[SourceFile]:
    if layout == "mbox":
        return [SourceFile("", root, _fingerprint(root), hashed_ids=True)]
    if layout == "emldir":
        return _eml_files(root)
    folders = [("", root)] + [(d.name[1:] + "/", d) for d in sorted(root.iterdir())
                              if d.is_dir() and d.name.startswith(".")
                              and d.name[1:].strip().lower() in _SENT_FOLDERS]
    found: list[SourceFile] = []
    for prefix, folder in folders:
        for sub in ("new", "cur"):
            directory = folder / sub
            if directory.is_dir():
                found += [SourceFile(prefix + p.name.split(":", 1)[0], p, _fingerprint(p))
                          for p in sorted(directory.iterdir())
                          if p.is_file() and not p.name.startswith(".")]
    return found


def _eml_files(root: Path) -> list[SourceFile]:
    """The mail files under ``root`` (``_is_mail_file``) in ``sorted(root.rglob("*"))``
    order, with one scandir per folder and one stat per file: listing a large folder
    with pathlib cost as much as storing its messages."""
    found: list[tuple[tuple[str, ...], Path, os.stat_result]] = []

    def walk(directory: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except PermissionError:  # as rglob: an unreadable folder holds nothing
            return
        for entry in listed:
            if entry.name.startswith("."):  # hidden, or inside a hidden folder: never mail
                continue
            where = (*parts, entry.name)
            try:
                if entry.is_dir():
                    if not entry.is_symlink():  # rglob does not follow linked folders
                        walk(entry.path, where)
                    continue
                if not entry.is_file():
                    continue
            except OSError:
                continue
            path = Path(entry.path)
            if _mail_name_or_head(path):
                found.append((where, path, entry.stat()))

    walk(str(root), ())
    found.sort(key=lambda item: item[0])
    return [SourceFile("/".join(where), path, f"{info.st_size}:{info.st_mtime_ns}")
            for where, path, info in found]


def _is_mail_file(path: Path, root: Path) -> bool:
    """.eml and .msg files (the latter to say why they are skipped), and files without an
    extension that start like an RFC 822 message: MH folders (1, 2, 3 …) and many exports."""
    if any(part.startswith(".") for part in path.relative_to(root).parts) or not path.is_file():
        return False
    return _mail_name_or_head(path)


def _mail_name_or_head(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in (".eml", ".msg"):
        return True
    if suffix and not suffix[1:].isdigit():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(512).lstrip(b"\r\n")
    except OSError:
        return False
    return bool(_HEADER_LINE.match(head)) or head.startswith(b"From ")


def list_calendar_files(root: Path, layout: Layout) -> list[SourceFile]:
    if layout == "icsfile":
        return [SourceFile(root.name, root, _fingerprint(root))]
    return [SourceFile(p.relative_to(root).as_posix(), p, _fingerprint(p))
            for p in sorted(root.rglob("*.ics")) if p.is_file()]


def _mbox_messages(file: SourceFile) -> Sequence[tuple[str, bytes]]:
    """(source id, bytes) for each message; ids are content hashes, stable under appends."""
    box = mailbox.mbox(file.path, create=False)
    try:
        seen: dict[str, int] = {}
        out: list[tuple[str, bytes]] = []
        for key in box.iterkeys():
            with box.get_file(key) as handle:  # read at most the cap: never a whole huge one
                raw = handle.read(MAX_MESSAGE_BYTES + 1)
            digest = "mbox:" + hashlib.sha256(raw).hexdigest()[:24]
            seen[digest] = seen.get(digest, 0) + 1
            out.append((digest if seen[digest] == 1 else f"{digest}~{seen[digest]}", raw))
        return out
    finally:
        box.close()
