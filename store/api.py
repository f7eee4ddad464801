"""``Store``: the only door to the database for connectors' data, findings and nudges.

Each public method is one transaction. That is the point of the class: a sync
page and its cursor commit together (a crash replays the page, which is a no-op,
instead of skipping data); a nudge claim is a row whose unique key the *database*
enforces, so two schedulers racing for the same rep and day cannot both send.

Rows referencing a rep create a placeholder ``reps`` row when the rep is unknown,
so the foreign keys hold even for callers that never called ``ensure_rep``;
``ensure_rep`` fills in the name and zone.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Self

from dealnudge.connectors.base import ErrorKind
from dealnudge.store import convert, database, epochs, lifecycle, pages, reads
from dealnudge.store.database import StoreOpenError
from dealnudge.store.epochs import RepRun
from dealnudge.store.models import (
    CursorRow,
    EventRow,
    FindingRow,
    MessageRow,
    NudgeRow,
    ParticipantRow,
    RepRow,
    SyncHealthRow,
)
from dealnudge.store.results import (
    AMBIGUOUS,
    CalendarEntry,
    FindingChanges,
    FinishStatus,
    NudgeRecord,
    PageStats,
    StoredFinding,
    SyncHealth,
)
from sqlalchemy import Engine, Executable, Text, cast, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dealnudge.records import CalendarEvent, EmailMessage, Finding, SyncPage

Clock = Callable[[], dt.datetime]
SKIPPED_KEPT = 50  # reasons kept per stream for `status`; the log has every one


def _system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _create_engine(url: str) -> Engine:
    try:
        return database.create(url)
    except OSError as err:  # the SQLite file's directory cannot be created
        raise StoreOpenError(
            f"cannot open the database {database.safe_url(url)}: {err.strerror or err}") from err


def _upsert_rep(session: Session, email: str, name: str, timezone: str, *,
                update: bool) -> Executable:
    """INSERT … ON CONFLICT for either database (both dialects share the API)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(RepRow).values(email=email, name=name, timezone=timezone)
    if not update:
        return statement.on_conflict_do_nothing(index_elements=[RepRow.email])
    return statement.on_conflict_do_update(
        index_elements=[RepRow.email], set_={"name": name, "timezone": timezone})


log = logging.getLogger(__name__)
SNAPSHOT_ATTEMPTS = 5


def _lost_a_race(err: Exception) -> bool:
    if isinstance(err, IntegrityError):
        return True
    text = str(getattr(err, "orig", err)).lower()
    return "locked" in text or "busy" in text or "deadlock" in text


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class NudgeNotFound(LookupError):
    """``finish_nudge``/``release_nudge`` named a claim that does not exist."""


class Store:
    """Open with ``Store.open(url)``; close with ``close()`` or use as a context manager."""

    def __init__(self, engine: Engine, clock: Clock = _system_clock) -> None:
        self.engine = engine
        self._clock = clock  # only for bookkeeping (cursor updated_at); logic gets ``now``
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, clock: Clock = _system_clock) -> Store:
        """Connect and migrate to the newest schema (a no-op when already there)."""
        engine = _create_engine(url)
        try:
            database.migrate(engine)
        except (OperationalError, InterfaceError) as err:
            engine.dispose()
            reason = str(err.orig or err).strip().splitlines()[0]
            raise StoreOpenError(
                f"cannot open the database {database.safe_url(url)}: {reason}") from err
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, clock)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # reps ---------------------------------------------------------------------

    def ensure_rep(self, email: str, name: str, timezone: str) -> None:
        """Create or update the rep (one atomic upsert: two processes may start at once)."""
        with self._transaction() as session:
            session.execute(_upsert_rep(session, email, name, timezone, update=True))

    @staticmethod
    def _known_rep(session: Session, email: str) -> None:
        if session.get(RepRow, email) is None:
            session.execute(_upsert_rep(session, email, "", "UTC", update=False))

    # cursors and pages ----------------------------------------------------------

    def get_cursor(self, rep: str, stream: str, version: int) -> str | None:
        """The saved cursor, or None when absent or written by another cursor format."""
        with self._transaction() as session:
            row = session.get(CursorRow, (rep, stream))
            if row is None or row.version != version:
                return None
            return row.value

    def begin_sync(self, rep: str, now: dt.datetime) -> int:
        """Start a fenced sync run of ``rep``: its epoch, which every write of the run
        passes back. Starting a run refuses the writes of every earlier run."""
        now = convert.as_utc(now, "now")
        with self._transaction() as session:
            self._known_rep(session, rep)
            return epochs.begin(session, rep, now)

    def rep_runs(self) -> list[RepRun]:
        """Each rep's last sync start and last digest day: what a worker's tick plans from."""
        with self._transaction() as session:
            return epochs.runs(session)

    def mark_digest_done(self, rep: str, day: dt.date, now: dt.datetime) -> None:
        """Record that ``day``'s digest of ``rep`` was dealt with (sent, or nothing to send)."""
        now = convert.as_utc(now, "now")
        with self._transaction() as session:
            self._known_rep(session, rep)
            epochs.mark_digest(session, rep, day, now)

    def reset_cursor(self, rep: str, stream: str, *, epoch: int | None = None) -> None:
        with self._transaction() as session:
            epochs.check(session, rep, epoch)
            session.execute(delete(CursorRow).where(CursorRow.rep == rep,
                                                    CursorRow.stream == stream))

    def apply_page(self, rep: str, stream: str, page: SyncPage, version: int, *,
                   epoch: int | None = None) -> PageStats:
        """Store one page and (if set) its cursor in one transaction; replays are no-ops.

        With ``epoch`` (from ``begin_sync``) the page is refused with ``StaleSync`` when
        a newer run of the rep has started since.
        """
        with self._transaction() as session:
            self._known_rep(session, rep)
            epochs.check(session, rep, epoch)
            counts, saved = pages.apply(session, rep, stream, page, version, self._clock())
        return PageStats(inserted=counts.inserted, updated=counts.updated,
                         unchanged=counts.unchanged, deleted=counts.deleted, cursor_saved=saved)

    def events(self, rep: str | None = None, *, uids: Collection[str] | None = None,
               exclude_reps: Collection[str] = ()) -> list[tuple[str, CalendarEvent]]:
        """Stored events of one rep (or all, or all but ``exclude_reps``), optionally only
        those with one of ``uids``; each with ``first_start`` set when it moved since
        first stored."""
        query = reads.event_query()
        if rep is not None:
            query = query.where(EventRow.rep == rep)
        if exclude_reps:
            query = query.where(EventRow.rep.not_in(sorted(set(exclude_reps))))
        with self._transaction() as session:
            if uids is None:
                return reads.events(session, query)
            return reads.events_with_uids(session, query, uids)

    def calendar_index(self) -> Iterator[CalendarEntry]:
        """Every stored event as (rep, uid, start, status, people): no titles, no bodies.

        The analysis of one rep uses it to find which other calendars hold copies of
        its meetings or meetings with the same customers, without loading them.
        """
        query = (select(EventRow.id, EventRow.rep, EventRow.uid, EventRow.start_at,
                        EventRow.status, EventRow.organizer, ParticipantRow.email,
                        ParticipantRow.is_resource)
                 .outerjoin(ParticipantRow, ParticipantRow.event_id == EventRow.id)
                 .order_by(EventRow.id).execution_options(yield_per=2000))
        with self._transaction() as session:
            current: int | None = None
            entry: CalendarEntry | None = None
            for event_id, rep, uid, start, status, organizer, email, resource in \
                    session.execute(query):
                if event_id != current:
                    if entry is not None:
                        yield entry
                    current = event_id
                    entry = CalendarEntry(rep, uid, start, status,
                                          (organizer,) if organizer else ())
                if email is not None and not resource and entry is not None:
                    entry = entry.with_person(email)
            if entry is not None:
                yield entry

    def messages(self, rep: str | None = None, since: dt.datetime | None = None, *,
                 until: dt.datetime | None = None,
                 mentioning: Collection[str] | None = None) -> list[tuple[str, EmailMessage]]:
        """Messages sent at or after ``since`` and at or before ``until``, oldest first.

        ``mentioning``: only messages whose sender or recipients contain one of these
        strings (case-insensitive; a coarse filter for mail with given domains or
        addresses — the caller checks exactly).
        """
        query = reads.message_query()
        if rep is not None:
            query = query.where(MessageRow.rep == rep)
        if since is not None:
            query = query.where(MessageRow.sent_at >= convert.as_utc(since, "since"))
        if until is not None:
            query = query.where(MessageRow.sent_at <= convert.as_utc(until, "until"))
        if mentioning is not None:
            people = (MessageRow.sender_email, cast(MessageRow.to, Text),
                      cast(MessageRow.cc, Text))
            query = query.where(or_(*(column.ilike(f"%{_like_escape(text)}%", escape="\\")
                                      for text in sorted(mentioning) for column in people)))
        with self._transaction() as session:
            return [(row.rep, reads.message_from_row(row)) for row in session.execute(query)]

    # sync health ----------------------------------------------------------------

    def record_sync(self, rep: str, stream: str, *, ok: bool, at: dt.datetime, items: int = 0,
                    error: str | None = None,
                    error_kind: ErrorKind | str | None = None,
                    skipped: Sequence[str] | None = (), warning: str | None = None,
                    epoch: int | None = None) -> None:
        """Record one round. ``warning`` describes this round; ``skipped`` replaces the
        stored list unless None (a round that read nothing new keeps the last list)."""
        convert.as_utc(at, "at")
        kind = error_kind.value if isinstance(error_kind, ErrorKind) else error_kind
        with self._transaction() as session:
            self._known_rep(session, rep)
            epochs.check(session, rep, epoch)
            row = session.get(SyncHealthRow, (rep, stream))
            if row is None:
                row = SyncHealthRow(rep=rep, stream=stream, consecutive_failures=0, items=0)
                session.add(row)
            row.warning = warning
            if skipped is not None:
                row.skipped = len(skipped)
                row.skipped_detail = "\n".join(skipped[:SKIPPED_KEPT]) or None
            if ok:
                row.last_success, row.items, row.consecutive_failures = at, items, 0
            else:
                row.last_error, row.last_error_at = error or "sync failed", at
                row.last_error_kind = kind
                row.consecutive_failures = (row.consecutive_failures or 0) + 1

    def health(self) -> list[SyncHealth]:
        query = select(SyncHealthRow).order_by(SyncHealthRow.rep, SyncHealthRow.stream)
        with self._transaction() as session:
            return [SyncHealth(rep=row.rep, stream=row.stream, last_success=row.last_success,
                               last_error=row.last_error, last_error_at=row.last_error_at,
                               error_kind=row.last_error_kind, items=row.items,
                               consecutive_failures=row.consecutive_failures,
                               skipped=row.skipped or 0, warning=row.warning,
                               skipped_reasons=tuple((row.skipped_detail or "").splitlines()))
                    for row in session.scalars(query)]

    def count_events(self, rep: str, stream: str, ids: Sequence[str] | None = None) -> int:
        """Stored events of a stream (only those among ``ids`` when given)."""
        with self._transaction() as session:
            query = select(func.count()).select_from(EventRow).where(
                EventRow.rep == rep, EventRow.stream == stream)
            if ids is None:
                return int(session.scalar(query) or 0)
            return sum(int(session.scalar(query.where(EventRow.source_id.in_(part))) or 0)
                       for part in pages.chunks(sorted(set(ids))))

    # findings -------------------------------------------------------------------

    def sync_findings(self, findings: Iterable[Finding], now: dt.datetime,
                      reps: Iterable[str]) -> FindingChanges:
        """Save the analyzer's snapshot; close open findings of ``reps`` it no longer has."""
        now = convert.as_utc(now, "now")
        findings, reps = list(findings), list(reps)
        for attempt in range(1, SNAPSHOT_ATTEMPTS + 1):
            try:
                with self._transaction() as session:
                    for rep in sorted({f.rep for f in findings} | set(reps)):
                        self._known_rep(session, rep)
                    return lifecycle.sync(session, findings, now, reps)
            except (IntegrityError, OperationalError) as err:
                # Another process saved the same snapshot first (a duplicate key), or
                # SQLite refused to upgrade our read to a write after its commit: the
                # next attempt reads what it wrote and only refreshes.
                if attempt == SNAPSHOT_ATTEMPTS or not _lost_a_race(err):
                    raise
                log.info("findings were saved concurrently; trying again (%d)", attempt)
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def open_findings(self, rep: str | None = None) -> list[StoredFinding]:
        return self.findings(rep, include_closed=False)

    def findings(self, rep: str | None = None, *,
                 include_closed: bool = True) -> list[StoredFinding]:
        query = select(FindingRow).order_by(FindingRow.rep, FindingRow.since, FindingRow.key)
        if rep is not None:
            query = query.where(FindingRow.rep == rep)
        if not include_closed:
            query = query.where(FindingRow.status == "open")
        with self._transaction() as session:
            return [convert.stored_finding(row) for row in session.scalars(query)]

    def finding(self, key: str) -> StoredFinding | None:
        with self._transaction() as session:
            row = session.scalars(select(FindingRow).where(FindingRow.key == key)).first()
            return None if row is None else convert.stored_finding(row)

    # nudges ---------------------------------------------------------------------

    def claim_nudge(self, rep: str, local_day: dt.date, kind: str, finding_keys: list[str],
                    now: dt.datetime, *, message_id: str | None = None) -> NudgeRecord | None:
        """Claim the (rep, day, kind) nudge; None when any process already claimed it.

        ``message_id`` (the message about to be delivered) is kept with the claim, so a
        claim stranded in ``sending`` can later be checked against the delivery target.
        """
        now = convert.as_utc(now, "now")
        with self._transaction() as session:
            self._known_rep(session, rep)
        row = NudgeRow(rep=rep, local_day=local_day, kind=kind, finding_keys=list(finding_keys),
                       status="sending", attempts=0, claimed_at=now, message_id=message_id)
        try:
            with self._transaction() as session:
                session.add(row)
                session.flush()
                return convert.nudge_record(row)
        except IntegrityError:
            return None  # the unique key (rep, local_day, kind) says: someone has it

    def finish_nudge(self, nudge_id: int, *, status: FinishStatus, now: dt.datetime,
                     message_id: str | None = None, error: str | None = None) -> NudgeRecord:
        """``ambiguous``: the claim stays ``sending`` (so nothing ever resends it) and its
        error says why; ``NudgeRecord.ambiguous`` and ``unsettled_nudges`` show it."""
        if status not in ("sent", "failed", "ambiguous"):
            raise ValueError(f"a nudge finishes as 'sent', 'failed' or 'ambiguous', not {status!r}")
        now = convert.as_utc(now, "now")
        stored: str = status
        if status == "ambiguous":
            stored, error = "sending", AMBIGUOUS + (error or "")
        with self._transaction() as session:
            row = self._nudge_row(session, nudge_id)
            row.status, row.finished_at, row.attempts = stored, now, row.attempts + 1
            row.message_id, row.error = message_id or row.message_id, error
            return convert.nudge_record(row)

    def claims_in_flight(self, before: dt.datetime | None = None) -> list[NudgeRecord]:
        """Claims still in ``sending`` (claimed before ``before``): a delivery that was
        started and never recorded, because its process died or froze."""
        query = select(NudgeRow).where(NudgeRow.status == "sending").order_by(NudgeRow.id)
        if before is not None:
            query = query.where(NudgeRow.claimed_at < convert.as_utc(before, "before"))
        with self._transaction() as session:
            return [convert.nudge_record(row) for row in session.scalars(query)]

    def nudges(self) -> list[NudgeRecord]:
        """Every claim, oldest first."""
        with self._transaction() as session:
            return [convert.nudge_record(row)
                    for row in session.scalars(select(NudgeRow).order_by(NudgeRow.id))]

    def unsettled_nudges(self) -> list[NudgeRecord]:
        """Claims not known to be delivered and never retried: ambiguous sends, and
        claims a crash left in ``sending``."""
        query = select(NudgeRow).where(NudgeRow.status == "sending").order_by(
            NudgeRow.local_day, NudgeRow.rep)
        with self._transaction() as session:
            return [convert.nudge_record(row) for row in session.scalars(query)]

    def nudge(self, rep: str, local_day: dt.date, kind: str) -> NudgeRecord | None:
        query = select(NudgeRow).where(NudgeRow.rep == rep, NudgeRow.local_day == local_day,
                                       NudgeRow.kind == kind)
        with self._transaction() as session:
            row = session.scalars(query).first()
            return None if row is None else convert.nudge_record(row)

    def release_nudge(self, nudge_id: int) -> bool:
        """Drop a claim whose delivery definitely failed, so a later run may try again.

        Returns False when the claim is already gone: several processes retrying the
        same failed day may all try to release it, and only one needs to succeed. A
        nudge already sent is never released: that would let the rep get it twice.
        """
        with self._transaction() as session:
            result = session.execute(
                delete(NudgeRow).where(NudgeRow.id == nudge_id, NudgeRow.status != "sent")
                .execution_options(synchronize_session=False))
            if int(getattr(result, "rowcount", 0) or 0) == 1:
                return True
            if session.get(NudgeRow, nudge_id) is not None:
                raise ValueError(f"nudge {nudge_id} was sent; it cannot be released")
            return False

    @staticmethod
    def _nudge_row(session: Session, nudge_id: int) -> NudgeRow:
        row = session.get(NudgeRow, nudge_id)
        if row is None:
            raise NudgeNotFound(f"no nudge with id {nudge_id}")
        return row
