"""Send each rep's morning digest: at most one per rep per rep-local day.

The guarantee is the database's, not this process's: ``store.claim_nudge`` inserts
a row unique on (rep, local_day, kind) in state ``sending`` BEFORE anything is
delivered, and only the caller whose insert won delivers. After delivery the row is
finished as ``sent`` (or ``failed``). So however often ``nudge`` or ``serve`` runs,
and however many run at once, one digest goes out per rep and day.

A process killed between claiming and finishing leaves the row in ``sending``; such
a claim is never resent automatically (at-most-once: a missed nudge is cheaper than
a duplicate one, and we cannot tell whether the server took the message). The
Message-ID is deterministic per rep and day, so a manual resend, or the rare retry
after an ambiguous SMTP timeout, is recognisable as the same message. A row that
ended ``failed`` (delivery raised, so it was not taken) is released and retried by the
next run on that day. See docs/nudges.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from functools import partial
from typing import TYPE_CHECKING, Literal

from dealnudge.config.schema import Config, Rep
from dealnudge.connectors.base import ConnectorContext, ConnectorError
from dealnudge.scheduler.compose import digest_findings, render_digest
from dealnudge.scheduler.delivery import Deliverer, deliver_with_retry, open_deliverer
from dealnudge.scheduler.timing import is_due, local_day, rep_muted
from dealnudge.store import NudgeNotFound

if TYPE_CHECKING:
    from dealnudge.store import Store

log = logging.getLogger(__name__)

Status = Literal["sent", "skipped_not_due", "skipped_already_sent", "skipped_empty",
                 "skipped_muted", "failed"]
NudgeKind = Literal["digest", "rollup"]


@dataclass(frozen=True)
class NudgeOutcome:
    rep: str  # the recipient: the rep, or the manager for a roll-up
    local_day: dt.date  # the rep-local day (for a roll-up: Monday of the week)
    status: Status
    message_id: str | None = None
    error: str | None = None
    findings: int = 0  # open findings in the message
    kind: NudgeKind = "digest"


class Delivery:
    """Opens the configured deliverer on first use, so a run with nothing due opens nothing."""

    def __init__(self, config: Config, ctx: ConnectorContext) -> None:
        self.config = config
        self.ctx = ctx
        self._deliverer: Deliverer | None = None

    def send(self, message: EmailMessage, label: str) -> None:
        if self._deliverer is None:
            self._deliverer = open_deliverer(self.config, self.ctx)
        deliver_with_retry(self._deliverer, message, label,
                           attempts=self.config.nudges.retry_attempts, sleep=self.ctx.sleep)


def send_claimed(store: Store, delivery: Delivery, *, recipient: str, day: dt.date,
                 kind: NudgeKind, keys: list[str], message: Callable[[], EmailMessage],
                 now: dt.datetime) -> NudgeOutcome:
    """Claim (recipient, day, kind) in the database, deliver, record: the exactly-once step."""
    previous = store.nudge(recipient, day, kind)
    if previous is not None:
        if previous.status != "failed":  # "sent", or "sending" left by a crash: never resend
            return NudgeOutcome(recipient, day, "skipped_already_sent", previous.message_id,
                                findings=len(keys), kind=kind)
        try:
            store.release_nudge(previous.id)  # delivery raised last time: nothing went out
        except NudgeNotFound:
            pass  # a concurrent run released it first; the claim below decides who sends
    msg = message()  # rendered before the claim: a rendering bug must not strand a claim
    msg_id = str(msg["Message-ID"])
    claim = store.claim_nudge(recipient, day, kind, keys, now)
    if claim is None:
        return NudgeOutcome(recipient, day, "skipped_already_sent", findings=len(keys), kind=kind)
    try:
        delivery.send(msg, f"{day.isoformat()}_{kind}_{recipient}")
    except Exception as err:  # noqa: BLE001 - raised before the message was accepted: retry later
        error = str(err) if isinstance(err, ConnectorError) else f"{type(err).__name__}: {err}"
        log.error("could not deliver the %s for %s on %s: %s", kind, recipient, day, error)
        store.finish_nudge(claim.id, status="failed", now=now, error=error)
        return NudgeOutcome(recipient, day, "failed", msg_id, error, len(keys), kind)
    store.finish_nudge(claim.id, status="sent", now=now, message_id=msg_id)
    log.info("sent the %s for %s on %s (%d findings)", kind, recipient, day, len(keys))
    return NudgeOutcome(recipient, day, "sent", msg_id, None, len(keys), kind)


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
        outcomes.append(_isolated(rep.email, local_day(now, rep.zone), run))
    if rollups:
        from dealnudge.scheduler.rollup import send_due_rollups

        outcomes.extend(send_due_rollups(config, store, now, delivery, force=force,
                                         grace=grace, managers=wanted))
    return outcomes


def _isolated(recipient: str, day: dt.date, run: Callable[[], NudgeOutcome]) -> NudgeOutcome:
    """One recipient's unexpected failure (say, a database hiccup) never stops the others."""
    try:
        return run()
    except Exception as err:
        log.exception("nudge for %s on %s failed", recipient, day)
        return NudgeOutcome(recipient, day, "failed", error=f"{type(err).__name__}: {err}")
