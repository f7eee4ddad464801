"""What a worker killed between delivering a digest and recording it leaves behind.

``strand`` does the worker's part for real up to the kill: it renders the rep's digest,
claims it in the store (status ``sending``, with its Message-ID) and, when asked, hands
the message to the configured deliverer (the real sender against its fake or real
server). It then records nothing, as a process that died there would not.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

from dealnudge.config.schema import Config, Rep
from dealnudge.connectors.base import ConnectorContext
from dealnudge.scheduler.claims import ClaimCheck, settle_stranded_claims
from dealnudge.scheduler.compose import render_digest
from dealnudge.scheduler.sending import Delivery, delivery_label
from dealnudge.scheduler.timing import local_day
from dealnudge.store import NudgeRecord, Store

CHECK_AFTER = dt.timedelta(minutes=5)


def strand(store: Store, config: Config, rep: Rep, now: dt.datetime, ctx: ConnectorContext, *,
           delivered: bool) -> tuple[NudgeRecord, EmailMessage]:
    day = local_day(now, rep.zone)
    message = render_digest(rep, store.open_findings(rep.email), day, config, now=now)
    claim = store.claim_nudge(rep.email, day, "digest", [], now,
                              message_id=str(message["Message-ID"]))
    assert claim is not None and claim.status == "sending"
    if delivered:
        Delivery(config, ctx).deliverer.deliver(message, delivery_label(day, "digest", rep.email))
    return claim, message


def settle(store: Store, config: Config, now: dt.datetime,
           ctx: ConnectorContext) -> list[ClaimCheck]:
    """The next worker's check, once the claim is older than ``CHECK_AFTER``."""
    return settle_stranded_claims(store, Delivery(config, ctx), now, older_than=CHECK_AFTER,
                                  kind="digest")
