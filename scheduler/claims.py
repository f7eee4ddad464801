"""Digest claims stranded in ``sending``: check the delivery target, then complete or release.

A claim is written before delivery so that two processes can never both send. A
worker killed (or frozen past its heartbeat) between claiming and recording leaves
the claim in ``sending``; left alone it would cost the rep that day's digest. Where
the deliverer can look the message up — the outbox file by its deterministic name and
Message-ID; with ``sent_check``, the sending account's Sent folder by Message-ID
(Gmail, Graph, or IMAP for SMTP) — the claim is completed as ``sent`` when the message
is there and released when it is not, so the next run sends it once. Where it cannot
(a plain SMTP relay accepts and forgets; senders without ``sent_check`` hold
send-only rights), where the lookup fails, or where the folder holds another message
to the recipient since the claim (a replaced Message-ID?), the claim stays and
``dealnudge status`` lists it as unverified: a missed digest is cheaper than a
duplicate one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dealnudge.connectors.base import SentQuery
from dealnudge.scheduler.delivery import Verdict
from dealnudge.scheduler.sending import Delivery, delivery_label
from dealnudge.store import NudgeNotFound, NudgeRecord

if TYPE_CHECKING:
    from dealnudge.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimCheck:
    claim: NudgeRecord
    verdict: Verdict


def settle_stranded_claims(store: Store, delivery: Delivery, now: dt.datetime, *,
                           older_than: dt.timedelta, kind: str,
                           recipients: set[str] | None = None) -> list[ClaimCheck]:
    """Check each ``kind`` claim left in ``sending`` for longer than ``older_than``."""
    checks = []
    for claim in store.claims_in_flight(before=now - older_than):
        if claim.ambiguous or claim.kind != kind or (
                recipients is not None and claim.rep not in recipients):  # ambiguous: never resent
            continue
        verdict = _verdict(delivery, claim)
        if verdict == "delivered":
            store.finish_nudge(claim.id, status="sent", now=now, message_id=claim.message_id)
            log.info("the %s of %s for %s was delivered before its process stopped; "
                     "recorded as sent", claim.kind, claim.rep, claim.local_day)
        elif verdict == "absent":
            try:
                store.release_nudge(claim.id)
            except (NudgeNotFound, ValueError):  # finished meanwhile by its own process
                continue
            log.warning("the %s of %s for %s was claimed by a process that stopped before "
                        "delivering it; released for a new attempt",
                        claim.kind, claim.rep, claim.local_day)
        checks.append(ClaimCheck(claim, verdict))
    return checks


def _verdict(delivery: Delivery, claim: NudgeRecord) -> Verdict:
    if claim.message_id is None:  # claimed by a version that did not record it
        return "unknown"
    query = SentQuery(claim.message_id, claim.rep, claim.claimed_at,
                      delivery_label(claim.local_day, claim.kind, claim.rep))
    try:
        return delivery.deliverer.delivered(query)
    except Exception as err:  # noqa: BLE001 - a failed check leaves the claim as it is
        log.warning("could not check the %s of %s for %s: %s",
                    claim.kind, claim.rep, claim.local_day, err)
        return "unknown"
