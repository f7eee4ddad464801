"""Sync every rep into the store, then analyse the store: the two steps every command shares.

Sync isolates failures per rep (and per stream within a rep): a revoked grant for
one rep is recorded as an admin problem for that rep and the others go on. An
expired cursor (``CursorExpired``) costs exactly one full resync of that stream.
Each page is stored with its cursor in one transaction by ``Store.apply_page``,
so a crash mid-round replays pages (upserts) instead of skipping any.

Never delete on doubt: deletions a snapshot source infers from absence
(``SyncPage.inferred_deletions``) are held until the round's last page and applied
with its cursor. When they would remove more than half of the stream's stored events
at once, they are refused, the cursor is not saved (so the next round sees the same
change again) and the stream reports a warning, until the admin accepts the shrink
(``dealnudge sync --accept-shrink``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from dealnudge.analyzer.accounts import normalise
from dealnudge.analyzer.rules import RepView, analyze, sort_findings
from dealnudge.config.schema import Config, Rep
from dealnudge.connectors import parsepool, registry
from dealnudge.connectors.base import (
    AdminError,
    Connector,
    ConnectorContext,
    ConnectorError,
    CursorExpired,
    ErrorKind,
    Stream,
)
from dealnudge.records import Finding, SyncPage
from dealnudge.store import StaleSync, Store
from dealnudge.windows import (
    TeamCalendar,
    address_book,
    batches,
    load_rep_window,
    load_window,
    rep_views,
)

log = logging.getLogger("dealnudge.sync")
# reps analysed together: neighbours' shared mail is read once per group, not once per
# rep; memory follows the group's records, a few thousand messages
BATCH_REPS = 8


@dataclass
class StreamResult:
    stream: str
    items: int = 0
    skipped: list[str] = field(default_factory=list)
    full_resync: bool = False
    error: str | None = None
    error_kind: ErrorKind | None = None
    warnings: list[str] = field(default_factory=list)  # stored data kept on doubt


@dataclass
class RepSyncResult:
    rep: str
    streams: list[StreamResult] = field(default_factory=list)
    error: str | None = None
    error_kind: ErrorKind | None = None
    superseded: bool = False  # a newer run of this rep started: this one stopped writing

    @property
    def ok(self) -> bool:
        return self.error is None and all(s.error is None for s in self.streams)

    @property
    def items(self) -> int:
        return sum(s.items for s in self.streams)

    @property
    def skipped(self) -> int:
        return sum(len(s.skipped) for s in self.streams)

    @property
    def warnings(self) -> list[str]:
        return [f"{s.stream}: {w}" for s in self.streams for w in s.warnings]


SHRINK_MIN = 3  # a smaller loss is refused only when it empties the stream


def sharp_shrink(gone: int, stored: int) -> bool:
    """More than half of the stored events gone at once (and at least 3, or all of them)."""
    return gone * 2 > stored and (gone >= SHRINK_MIN or gone == stored)


def sync_all(config: Config, store: Store, ctx: ConnectorContext,
             reps: list[str] | None = None, *, accept_shrink: bool = False,
             parse_processes: int | None = None) -> list[RepSyncResult]:
    """Sync the chosen reps (all by default), ``config.sync.concurrency`` at a time.

    ``accept_shrink`` applies calendar snapshots that shrank sharply (the admin checked).
    Large local mail rounds are parsed by ``parse_processes`` worker processes (None:
    one per usable core, none on a single core; 0: none) while the reps' threads
    store pages; the stored rows are the same either way (``connectors.parsepool``).
    An interrupt (Ctrl-C) stops every rep at its next page boundary.
    """
    chosen = [r for r in config.reps if reps is None or r.email in reps]
    for rep in chosen:
        store.ensure_rep(rep.email, rep.name, rep.timezone)
    workers = max(1, min(config.sync.concurrency, len(chosen)))
    interrupted = threading.Event()
    outer_stop = ctx.should_stop
    ctx = dataclasses.replace(ctx, should_stop=lambda: interrupted.is_set() or outer_stop())
    with parsepool.install(parse_processes), \
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sync") as pool:
        try:
            return list(pool.map(
                lambda rep: sync_rep(config, store, rep, ctx, accept_shrink=accept_shrink),
                chosen))
        except BaseException:
            interrupted.set()  # the running reps stop at their next page; queued ones at once
            raise


def sync_rep(config: Config, store: Store, rep: Rep, ctx: ConnectorContext, *,
             accept_shrink: bool = False) -> RepSyncResult:
    """One fenced sync run of ``rep``: if another run of the same rep starts meanwhile
    (a worker took over from this one), this run's remaining writes are refused and
    it stops with ``superseded`` set."""
    result = RepSyncResult(rep.email)
    try:
        epoch = store.begin_sync(rep.email, ctx.now)
        return _sync_rep(config, store, rep, ctx, result, epoch, accept_shrink)
    except StaleSync as err:
        log.warning("%s: %s", rep.email, err)
        result.superseded = True
        result.error, result.error_kind = str(err), ErrorKind.TRANSIENT
        return result
    except SyncStopped:
        log.info("%s: sync stopped at a page boundary on request", rep.email)
        result.error, result.error_kind = "stopped before the end", ErrorKind.TRANSIENT
        return result


class SyncStopped(Exception):
    """``ctx.should_stop()`` said so between two pages; everything stored stays consistent."""


def _sync_rep(config: Config, store: Store, rep: Rep, ctx: ConnectorContext,
              result: RepSyncResult, epoch: int, accept_shrink: bool) -> RepSyncResult:
    outer = ctx.progress
    ctx = dataclasses.replace(
        ctx, progress=lambda stream, done, total: outer(f"{rep.email} {stream}", done, total))
    try:
        conn = registry.create(rep, config, ctx)
    except ConnectorError as err:
        return _rep_failed(store, result, err, ctx.now, stream=f"{rep.source.kind}:*",
                           epoch=epoch)
    except Exception as err:  # a defect must not stop the other reps
        log.exception("cannot set up the %s source of %s", rep.source.kind, rep.email)
        return _rep_failed(store, result, ConnectorError(f"internal error: {err}"), ctx.now,
                           stream=f"{rep.source.kind}:*", epoch=epoch)
    try:
        if conn.prefetches:  # the first request of every stream in one call
            conn.prefetch({s.name: store.get_cursor(rep.email, f"{conn.kind}:{s.name}",
                                                    conn.cursor_version)
                           for s in conn.streams()})
        for stream in conn.streams():
            if ctx.should_stop():
                raise SyncStopped
            outcome = _sync_stream_safely(store, rep.email, conn, stream, ctx, epoch,
                                          accept_shrink=accept_shrink)
            result.streams.append(outcome)
            if outcome.error_kind is ErrorKind.ADMIN:
                result.error, result.error_kind = outcome.error, outcome.error_kind
                break  # the same credentials serve every stream of this rep
    except ConnectorError as err:
        return _rep_failed(store, result, err, ctx.now, stream=f"{conn.kind}:*", epoch=epoch)
    finally:
        conn.close()
    return result


def _rep_failed(store: Store, result: RepSyncResult, err: ConnectorError, now: dt.datetime,
                *, stream: str, epoch: int) -> RepSyncResult:
    result.error, result.error_kind = str(err), err.kind
    log.error("%s: %s", result.rep, _admin_hint(err))
    store.record_sync(result.rep, stream, ok=False, at=now, error=str(err),
                      error_kind=err.kind.value, epoch=epoch)
    return result


def _admin_hint(err: ConnectorError) -> str:
    if isinstance(err, AdminError) or err.kind is ErrorKind.ADMIN:
        return f"needs the admin: {err}"
    return str(err)


def _sync_stream_safely(store: Store, rep: str, conn: Connector, stream: Stream,
                        ctx: ConnectorContext, epoch: int, *,
                        accept_shrink: bool = False) -> StreamResult:
    now, stop = ctx.now, ctx.should_stop
    key = f"{conn.kind}:{stream.name}"
    outcome = StreamResult(key)
    guard = _SnapshotGuard(store, rep, key, accept_shrink)
    try:
        cursor = store.get_cursor(rep, key, conn.cursor_version)
        try:
            _run_round(store, conn, stream, cursor, outcome, guard, epoch, stop)
        except CursorExpired:
            log.warning("%s %s: the provider no longer accepts the saved cursor; "
                        "running one full resync of this stream", rep, key)
            store.reset_cursor(rep, key, epoch=epoch)
            outcome.full_resync = True
            _run_round(store, conn, stream, None, outcome, _SnapshotGuard(
                store, rep, key, accept_shrink), epoch, stop)
    except (StaleSync, SyncStopped):
        raise  # another run owns the rep now, or the process is stopping: no more writes
    except ConnectorError as err:
        outcome.error, outcome.error_kind = str(err), err.kind
        log.error("%s %s: %s", rep, key, _admin_hint(err))
    except Exception as err:
        log.exception("%s %s: internal error while syncing", rep, key)
        outcome.error, outcome.error_kind = f"internal error: {err}", ErrorKind.BUG
    store.record_sync(rep, key, ok=outcome.error is None, at=now, items=outcome.items,
                      error=outcome.error,
                      error_kind=outcome.error_kind.value if outcome.error_kind else None,
                      skipped=outcome.skipped if outcome.items or outcome.skipped else None,
                      warning="; ".join(outcome.warnings) or None, epoch=epoch)
    return outcome


@dataclass
class _SnapshotGuard:
    """Holds inferred deletions until the round's last page; refuses a sharp shrink."""

    store: Store
    rep: str
    key: str
    accept_shrink: bool
    held: list[str] = field(default_factory=list)
    stored: int | None = None

    def admit(self, page: SyncPage, outcome: StreamResult) -> None:
        if not page.inferred_deletions:
            return
        if self.stored is None:
            self.stored = self.store.count_events(self.rep, self.key)
        self.held += page.deleted_ids
        page.deleted_ids = []
        if not page.complete:
            page.cursor = None  # a cursor is saved only with the deletions it implies
            return
        gone = self.store.count_events(self.rep, self.key, self.held) if self.held else 0
        if gone and not self.accept_shrink and sharp_shrink(gone, self.stored):
            warning = (f"kept {gone} of {self.stored} stored event(s): the calendar would lose "
                       "more than half of them at once; if that is right, run `dealnudge sync "
                       "--accept-shrink`")
            log.warning("%s %s: %s", self.rep, self.key, warning)
            outcome.warnings.append(warning)
            page.cursor = None  # the next round sees the same change and asks again
            return
        page.deleted_ids = self.held


def _run_round(store: Store, conn: Connector, stream: Stream, cursor: str | None,
               outcome: StreamResult, guard: _SnapshotGuard, epoch: int,
               stop: Callable[[], bool]) -> None:
    rep, key = guard.rep, guard.key
    items = 0
    for page in conn.sync(stream, cursor):
        if stop():
            raise SyncStopped
        guard.admit(page, outcome)
        store.apply_page(rep, key, page, version=conn.cursor_version, epoch=epoch)
        items += len(page.events) + len(page.messages)
        for problem in page.skipped:
            log.warning("%s %s: skipped %s", rep, key, problem)
        for refusal in page.refused:
            log.warning("%s %s: %s", rep, key, refusal)
        outcome.skipped += page.skipped
        outcome.warnings += page.refused
    outcome.items += items
    if cursor is None and items == 0:
        # A full round only follows an earlier success when the cursor expired or changed
        # format: the stream had data then, so nothing now is suspicious, not a deletion.
        previous = [h for h in store.health() if h.rep == rep and h.stream == key]
        if previous and previous[0].last_success is not None:
            log.warning("%s %s: a full sync returned nothing where there was data; "
                        "stored records are kept (check the account and the sync window)",
                        rep, key)


def run_analysis(config: Config, store: Store, now: dt.datetime, *,
                 persist: bool = True) -> list[Finding]:
    """Analyse the store at ``now``, a few reps' windows at a time; with ``persist``
    open/close findings in the store. The result equals one analysis of the whole
    store (see ``dealnudge.windows``), while memory follows a few reps' neighbourhoods."""
    reps = rep_views(config)
    team = TeamCalendar.build(store.calendar_index(), address_book(config, reps))
    findings: list[Finding] = []
    for group in batches(team, [r.email for r in config.reps], BATCH_REPS):
        window = load_window(config, store, group, now, team, reps)
        wanted = {normalise(rep) for rep in group}
        findings += [f for f in analyze(window, now) if normalise(f.rep) in wanted]
    findings = sort_findings(findings)
    if persist:
        store.sync_findings(findings, now, {r.email for r in config.reps})
    return findings


def analyse_rep(config: Config, store: Store, now: dt.datetime, rep: str, *,
                team: TeamCalendar | None = None, reps: tuple[RepView, ...] | None = None,
                persist: bool = False) -> list[Finding]:
    """One rep's open findings at ``now`` from its window; with ``persist`` open/close
    that rep's findings (and only that rep's) in the store."""
    reps = reps or rep_views(config)
    if team is None:
        team = TeamCalendar.build(store.calendar_index(), address_book(config, reps))
    window = load_rep_window(config, store, rep, now, team, reps)
    wanted = normalise(rep)
    findings = [f for f in analyze(window, now) if normalise(f.rep) == wanted]
    if persist:
        store.sync_findings(findings, now, [rep])
    return findings
