"""Send each rep's morning digest: at most one per rep per rep-local day.

The guarantee is the database's, not this process's: ``store.claim_nudge`` inserts
a row unique on (rep, local_day, kind) in state ``sending`` BEFORE anything is
delivered, and only the caller whose insert won delivers. After delivery the row is
finished as ``sent`` (or ``failed``). So however often ``nudge`` or ``serve`` runs,
and however many run at once, one digest goes out per rep and day.

A process killed between claiming and finishing leaves the row in ``sending``; such
a claim is never resent blindly (at-most-once: a missed nudge is cheaper than a
duplicate one). Workers check it against the delivery target where that is possible
(``scheduler.claims``: the outbox file) and complete or release it; elsewhere it stays. The
Message-ID is deterministic per rep and day, so a manual resend, or the rare retry
after an ambiguous SMTP timeout, is recognisable as the same message. A row that
ended ``failed`` (delivery raised, so it was not taken) is released and retried by the
next run on that day. See docs/nudges.md.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING

from dealnudge.config.schema import Config, Rep
from dealnudge.connectors.base import ConnectorContext
from dealnudge.scheduler.compose import digest_findings, render_digest, select_for_digest
from dealnudge.scheduler.rollup import send_due_rollups
from dealnudge.scheduler.sending import Delivery, NudgeOutcome, isolated, send_claimed
from dealnudge.scheduler.timing import is_due, local_day, rep_muted, weekday_name

from dealnudge.records import Finding

if TYPE_CHECKING:
    from dealnudge.store import Store


def digest_goes_out(rep: Rep, day: dt.date, findings: list[Finding], config: Config) -> bool:
    """Whether the rep's digest of ``day`` is sent at its ``send_at``, given the findings
    open then: a configured weekday, no rep-wide mute, and something to say (after the
    digest's own filtering) unless ``send_when_empty``. The same checks, in the same
    order, as ``digest_for_rep``; the replay in ``dealnudge backtest`` relies on it."""
    if weekday_name(day) not in config.nudges.weekdays or rep_muted(rep, day) is not None:
        return False
    return bool(select_for_digest(rep, findings, day, config)) or config.nudges.send_when_empty


def digest_for_rep(rep: Rep, config: Config, store: Store, now: dt.datetime,
                   delivery: Delivery, *, force: bool = False,
                   grace: dt.timedelta | None = None) -> NudgeOutcome:
    day = local_day(now, rep.zone)
    nudges = config.nudges
    if not force and not is_due(now, nudges.send_at, nudges.weekdays, rep.zone, grace=grace):
        return NudgeOutcome(rep.email, day, "skipped_not_due")
    if rep_muted(rep, day) is not None:
        return NudgeOutcome(rep.email, day, "skipped_muted")
    previous = store.nudge(rep.email, day, "digest")
    if previous is not None and previous.status != "failed":
        return NudgeOutcome(rep.email, day, "skipped_already_sent", previous.message_id)
    stored = store.open_findings(rep.email)
    findings = digest_findings(rep, stored, day, config)
    if not findings and not nudges.send_when_empty:
        return NudgeOutcome(rep.email, day, "skipped_empty")
    return send_claimed(
        store, delivery, recipient=rep.email, day=day, kind="digest",
        keys=[f.key for f in findings], now=now,
        message=lambda: render_digest(rep, stored, day, config, now=now))


def send_due_nudges(config: Config, store: Store, now: dt.datetime, *,
                    ctx: ConnectorContext | None = None, force: bool = False,
                    reps: list[str] | None = None, grace: dt.timedelta | None = None,
                    rollups: bool = True) -> list[NudgeOutcome]:
    """Every due digest (and manager roll-up) at ``now``; one outcome per rep and manager.

    ``force`` ignores time and weekday (the demo); ``reps`` limits the run to some reps;
    ``grace`` skips digests whose send time is longer ago (the service's start-up catch-up).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    delivery = Delivery(config, ctx or ConnectorContext(now=now))
    wanted = None if reps is None else {r.lower() for r in reps}
    outcomes: list[NudgeOutcome] = []
    for rep in config.reps:
        if wanted is not None and rep.email not in wanted:
            continue
        run = partial(digest_for_rep, rep, config, store, now, delivery, force=force, grace=grace)
        outcomes.append(isolated(rep.email, local_day(now, rep.zone), run))
    if rollups:
        outcomes.extend(send_due_rollups(config, store, now, delivery, force=force,
                                         grace=grace, managers=wanted))
    return outcomes
