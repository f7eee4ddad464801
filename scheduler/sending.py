"""Claim, deliver, record: the exactly-once step shared by digests and roll-ups.

``send_claimed`` claims (recipient, day, kind) in the database before anything is
delivered; only the caller whose claim wins delivers, and the row is finished as
``sent`` or ``failed``. ``Delivery`` opens the configured deliverer on first use.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Literal

from dealnudge.config.schema import Config
from dealnudge.connectors.base import ConnectorContext, ConnectorError
from dealnudge.scheduler.delivery import (
    AmbiguousDelivery,
    Deliverer,
    deliver_with_retry,
    open_deliverer,
)
from dealnudge.store import NudgeNotFound

if TYPE_CHECKING:
    from dealnudge.store import Store

log = logging.getLogger(__name__)

Status = Literal["sent", "skipped_not_due", "skipped_already_sent", "skipped_empty",
                 "skipped_muted", "failed", "ambiguous"]
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

    @property
    def deliverer(self) -> Deliverer:
        if self._deliverer is None:
            self._deliverer = open_deliverer(self.config, self.ctx)
        return self._deliverer

    def send(self, message: EmailMessage, label: str) -> None:
        deliver_with_retry(self.deliverer, message, label,
                           attempts=self.config.nudges.retry_attempts, sleep=self.ctx.sleep)


def delivery_label(day: dt.date, kind: str, recipient: str) -> str:
    """The nudge's name at the deliverer (the outbox file name): one per claim."""
    return f"{day.isoformat()}_{kind}_{recipient}"


def send_claimed(store: Store, delivery: Delivery, *, recipient: str, day: dt.date,
                 kind: NudgeKind, keys: list[str], message: Callable[[], EmailMessage],
                 now: dt.datetime) -> NudgeOutcome:
    """Claim (recipient, day, kind) in the database, deliver, record: the exactly-once step."""
    previous = store.nudge(recipient, day, kind)
    if previous is not None:
        if previous.status != "failed":  # "sent", "sending" left by a crash, or a send that
            # may have been delivered (ambiguous): never resend
            return NudgeOutcome(recipient, day, "skipped_already_sent", previous.message_id,
                                findings=len(keys), kind=kind)
        # Delivery raised last time, so nothing went out. A concurrent run may have released
        # it first (NudgeNotFound); the claim below decides who sends.
        with contextlib.suppress(NudgeNotFound):
            store.release_nudge(previous.id)
    msg = message()  # rendered before the claim: a rendering bug must not strand a claim
    msg_id = str(msg["Message-ID"])
    claim = store.claim_nudge(recipient, day, kind, keys, now, message_id=msg_id)
    if claim is None:
        return NudgeOutcome(recipient, day, "skipped_already_sent", findings=len(keys), kind=kind)
    try:
        delivery.send(msg, delivery_label(day, kind, recipient))
    except AmbiguousDelivery as err:  # maybe delivered: at-most-once wins, never resent
        log.error("the %s for %s on %s may or may not have been delivered: %s", kind, recipient,
                  day, err)
        store.finish_nudge(claim.id, status="ambiguous", now=now, message_id=msg_id,
                           error=str(err))
        return NudgeOutcome(recipient, day, "ambiguous", msg_id, str(err), len(keys), kind)
    except Exception as err:  # noqa: BLE001 - raised before the message was accepted: retry later
        error = str(err) if isinstance(err, ConnectorError) else f"{type(err).__name__}: {err}"
        log.error("could not deliver the %s for %s on %s: %s", kind, recipient, day, error)
        store.finish_nudge(claim.id, status="failed", now=now, error=error)
        return NudgeOutcome(recipient, day, "failed", msg_id, error, len(keys), kind)
    store.finish_nudge(claim.id, status="sent", now=now, message_id=msg_id)
    log.info("sent the %s for %s on %s (%d findings)", kind, recipient, day, len(keys))
    return NudgeOutcome(recipient, day, "sent", msg_id, None, len(keys), kind)


def isolated(recipient: str, day: dt.date, run: Callable[[], NudgeOutcome]) -> NudgeOutcome:
    """One recipient's unexpected failure (say, a database hiccup) never stops the others."""
    try:
        return run()
    except Exception as err:
        log.exception("nudge for %s on %s failed", recipient, day)
        return NudgeOutcome(recipient, day, "failed", error=f"{type(err).__name__}: {err}")
