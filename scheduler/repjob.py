"""The work of the cluster, as plain functions the task engine calls.

``plan`` decides from the store alone which reps need a job now: the sync is due
(``sync.interval_minutes`` since the last run started) or the rep's digest is due
and that day's digest has not been dealt with yet. ``run_rep`` is one rep's whole
round — fenced sync, analysis of the rep's window, stranded-claim check, digest —
so a rep's work never runs twice at once when the engine holds one lock per rep.
Every step is safe to repeat: pages are upserts under the sync epoch, findings are
a snapshot by key, digests are claimed in the database.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from dealnudge.config.schema import Config
from dealnudge.connectors.base import ConnectorContext
from dealnudge.scheduler.claims import settle_stranded_claims
from dealnudge.scheduler.nudges import digest_for_rep
from dealnudge.scheduler.rollup import send_due_rollups, teams
from dealnudge.scheduler.sending import Delivery, NudgeOutcome
from dealnudge.scheduler.timing import is_due, local_day, week_start
from dealnudge.store import Store

from dealnudge.pipeline import RepSyncResult, analyse_rep, sync_rep

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    reps: list[str]  # reps that need a job now
    rollups: bool  # a manager's weekly roll-up is due and not yet claimed


def plan(config: Config, store: Store, now: dt.datetime) -> Plan:
    runs = {run.rep: run for run in store.rep_runs()}
    interval = dt.timedelta(minutes=config.sync.interval_minutes)
    grace = dt.timedelta(hours=config.nudges.grace_hours)
    nudges, wanted = config.nudges, []
    for rep in config.reps:
        run = runs.get(rep.email)
        sync_due = run is None or now - run.started_at >= interval
        digest_due = is_due(now, nudges.send_at, nudges.weekdays, rep.zone, grace=grace) and (
            run is None or run.digest_day != local_day(now, rep.zone))
        if sync_due or digest_due:
            wanted.append(rep.email)
    return Plan(wanted, _rollups_due(config, store, now, grace))


def _rollups_due(config: Config, store: Store, now: dt.datetime, grace: dt.timedelta) -> bool:
    weekday = config.nudges.manager_rollup_weekday
    if weekday is None:
        return False
    for team in teams(config):
        zone = (team.own or team.reps[0]).zone
        if (is_due(now, config.nudges.send_at, [weekday], zone, grace=grace)
                and store.nudge(team.manager, week_start(local_day(now, zone)), "rollup") is None):
            return True
    return False


@dataclass(frozen=True)
class RepRound:
    sync: RepSyncResult
    findings: int
    digest: NudgeOutcome | None  # None when the round stopped early


def run_rep(config: Config, store: Store, email: str, ctx: ConnectorContext) -> RepRound:
    """Sync, analyse and (when due) send the digest of one rep, at ``ctx.now``."""
    rep, now = config.rep(email), ctx.now
    store.ensure_rep(rep.email, rep.name, rep.timezone)
    synced = sync_rep(config, store, rep, ctx)
    if synced.superseded or ctx.should_stop():
        # a newer round owns the rep (this worker was frozen past its heartbeat), or
        # the worker is stopping: leave analysis and digest to the next round
        return RepRound(synced, 0, None)
    findings = analyse_rep(config, store, now, rep.email, persist=True)
    delivery = Delivery(config, ctx)
    grace = dt.timedelta(hours=config.nudges.grace_hours)
    settle_stranded_claims(
        store, delivery, now, kind="digest", recipients={rep.email},
        older_than=dt.timedelta(minutes=config.worker.claim_check_after_minutes))
    outcome = digest_for_rep(rep, config, store, now, delivery, grace=grace)
    if outcome.status not in ("failed", "skipped_not_due"):
        store.mark_digest_done(rep.email, outcome.local_day, now)
    log.info("%s: %d item(s) synced%s, %d open finding(s), digest %s", rep.email,
             synced.items, "" if synced.ok else " (with errors)", len(findings), outcome.status)
    return RepRound(synced, len(findings), outcome)


def run_rollups(config: Config, store: Store, ctx: ConnectorContext) -> list[NudgeOutcome]:
    delivery = Delivery(config, ctx)
    managers = {team.manager for team in teams(config)}
    settle_stranded_claims(
        store, delivery, ctx.now, kind="rollup", recipients=managers,
        older_than=dt.timedelta(minutes=config.worker.claim_check_after_minutes))
    return send_due_rollups(config, store, ctx.now, delivery,
                            grace=dt.timedelta(hours=config.nudges.grace_hours))
