"""Sync every rep into the store, then analyse the store: the two steps every command shares.

Sync isolates failures per rep (and per stream within a rep): a revoked grant for
one rep is recorded as an admin problem for that rep and the others go on. An
expired cursor (``CursorExpired``) costs exactly one full resync of that stream.
Each page is stored with its cursor in one transaction by ``Store.apply_page``,
so a crash mid-round replays pages (upserts) instead of skipping any.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from dealnudge.analyzer.rules import AnalysisInput, RepView, analyze
from dealnudge.config.schema import Config, Rep
from dealnudge.connectors import registry
from dealnudge.connectors.base import (
    AdminError,
    Connector,
    ConnectorContext,
    ConnectorError,
    CursorExpired,
    ErrorKind,
    Stream,
)
from dealnudge.records import Finding
from dealnudge.store import Store

log = logging.getLogger("dealnudge.sync")


@dataclass
class StreamResult:
    stream: str
    items: int = 0
    skipped: list[str] = field(default_factory=list)
    full_resync: bool = False
    error: str | None = None
    error_kind: ErrorKind | None = None


@dataclass
class RepSyncResult:
    rep: str
    streams: list[StreamResult] = field(default_factory=list)
    error: str | None = None
    error_kind: ErrorKind | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and all(s.error is None for s in self.streams)

    @property
    def items(self) -> int:
        return sum(s.items for s in self.streams)

    @property
    def skipped(self) -> int:
        return sum(len(s.skipped) for s in self.streams)


def sync_all(config: Config, store: Store, ctx: ConnectorContext,
             reps: list[str] | None = None) -> list[RepSyncResult]:
    """Sync the chosen reps (all by default), ``config.sync.concurrency`` at a time."""
    chosen = [r for r in config.reps if reps is None or r.email in reps]
    for rep in chosen:
        store.ensure_rep(rep.email, rep.name, rep.timezone)
    workers = max(1, min(config.sync.concurrency, len(chosen)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sync") as pool:
        return list(pool.map(lambda rep: sync_rep(config, store, rep, ctx), chosen))


def sync_rep(config: Config, store: Store, rep: Rep, ctx: ConnectorContext) -> RepSyncResult:
    result = RepSyncResult(rep.email)
    outer = ctx.progress
    ctx = dataclasses.replace(
        ctx, progress=lambda stream, done, total: outer(f"{rep.email} {stream}", done, total))
    try:
        conn = registry.create(rep, config, ctx)
    except ConnectorError as err:
        return _rep_failed(store, result, err, ctx.now, stream=f"{rep.source.kind}:*")
    except Exception as err:  # a defect must not stop the other reps
        log.exception("cannot set up the %s source of %s", rep.source.kind, rep.email)
        return _rep_failed(store, result, ConnectorError(f"internal error: {err}"), ctx.now,
                           stream=f"{rep.source.kind}:*")
    try:
        if conn.prefetches:  # the first request of every stream in one call
            conn.prefetch({s.name: store.get_cursor(rep.email, f"{conn.kind}:{s.name}",
                                                    conn.cursor_version)
                           for s in conn.streams()})
        for stream in conn.streams():
            outcome = _sync_stream_safely(store, rep.email, conn, stream, ctx.now)
            result.streams.append(outcome)
            if outcome.error_kind is ErrorKind.ADMIN:
                result.error, result.error_kind = outcome.error, outcome.error_kind
                break  # the same credentials serve every stream of this rep
    except ConnectorError as err:
        return _rep_failed(store, result, err, ctx.now, stream=f"{conn.kind}:*")
    finally:
        conn.close()
    return result


def _rep_failed(store: Store, result: RepSyncResult, err: ConnectorError, now: dt.datetime,
                *, stream: str) -> RepSyncResult:
    result.error, result.error_kind = str(err), err.kind
    log.error("%s: %s", result.rep, _admin_hint(err))
    store.record_sync(result.rep, stream, ok=False, at=now, error=str(err),
                      error_kind=err.kind.value)
    return result


def _admin_hint(err: ConnectorError) -> str:
    if isinstance(err, AdminError) or err.kind is ErrorKind.ADMIN:
        return f"needs the admin: {err}"
    return str(err)


def _sync_stream_safely(store: Store, rep: str, conn: Connector, stream: Stream,
                        now: dt.datetime) -> StreamResult:
    key = f"{conn.kind}:{stream.name}"
    outcome = StreamResult(key)
    try:
        cursor = store.get_cursor(rep, key, conn.cursor_version)
        try:
            _run_round(store, rep, key, conn, stream, cursor, outcome)
        except CursorExpired:
            log.warning("%s %s: the provider no longer accepts the saved cursor; "
                        "running one full resync of this stream", rep, key)
            store.reset_cursor(rep, key)
            outcome.full_resync = True
            _run_round(store, rep, key, conn, stream, None, outcome)
    except ConnectorError as err:
        outcome.error, outcome.error_kind = str(err), err.kind
        log.error("%s %s: %s", rep, key, _admin_hint(err))
    except Exception as err:
        log.exception("%s %s: internal error while syncing", rep, key)
        outcome.error, outcome.error_kind = f"internal error: {err}", ErrorKind.BUG
    store.record_sync(rep, key, ok=outcome.error is None, at=now, items=outcome.items,
                      error=outcome.error,
                      error_kind=outcome.error_kind.value if outcome.error_kind else None)
    return outcome


def _run_round(store: Store, rep: str, key: str, conn: Connector, stream: Stream,
               cursor: str | None, outcome: StreamResult) -> None:
    items = 0
    for page in conn.sync(stream, cursor):
        store.apply_page(rep, key, page, version=conn.cursor_version)
        items += len(page.events) + len(page.messages)
        for problem in page.skipped:
            log.warning("%s %s: skipped %s", rep, key, problem)
        outcome.skipped += page.skipped
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
    """Analyse everything stored at ``now``; with ``persist`` open/close findings in the store."""
    inp = AnalysisInput(
        reps=tuple(RepView(r.email, tuple(r.aliases), r.zone) for r in config.reps),
        internal_domains=tuple(config.organization.internal_domains),
        ignore_addresses=tuple(config.organization.ignore_addresses),
        thresholds=config.thresholds,
        events=tuple(store.events()),
        messages=tuple(store.messages()),
        disabled=frozenset(config.findings.disabled),
    )
    findings = analyze(inp, now)
    if persist:
        store.sync_findings(findings, now, {r.email for r in config.reps})
    return findings
