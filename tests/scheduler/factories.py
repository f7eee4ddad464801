"""Builders for the scheduler tests: configs, reps and findings with sensible defaults."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from dealnudge.config.schema import (
    Config,
    Delivery,
    LocalSource,
    Mute,
    Nudges,
    Organization,
    OutboxDelivery,
    Rep,
)
from dealnudge.store import Store

from dealnudge.records import Finding, FindingKind

UTC = dt.UTC
SARAH = "sarah.chen@northwind.example"
LI = "li.wei@northwind.example"
MANAGER = "zhang.min@northwind.example"


def rep(email_: str = SARAH, *, timezone: str = "America/New_York", language: str = "en",
        name: str = "Sarah Chen", manager: str | None = None,
        mute: list[Mute] | None = None) -> Rep:
    return Rep(email=email_, name=name, timezone=timezone, language=language,  # type: ignore[arg-type]
               manager=manager, mute=mute or [], source=LocalSource(kind="local"))


def sarah(**kw: Any) -> Rep:
    return rep(SARAH, **kw)


def li(**kw: Any) -> Rep:
    kw.setdefault("timezone", "Asia/Shanghai")
    kw.setdefault("language", "zh")
    kw.setdefault("name", "李伟")
    return rep(LI, **kw)


def config(tmp_path: Path, reps: list[Rep] | None = None, *, delivery: Delivery | None = None,
           database: str = "sqlite:///unused.db", **nudges: Any) -> Config:
    nudges.setdefault("weekdays", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    nudges.setdefault("manager_rollup_weekday", None)
    return Config(
        database=database,
        organization=Organization(name="Northwind", internal_domains=["northwind.example"]),
        nudges=Nudges(delivery=delivery or OutboxDelivery(kind="outbox", path=tmp_path / "outbox"),
                      **nudges),
        reps=reps or [sarah(), li()])


def finding(rep_: str, kind: FindingKind, account: str = "acme.example", *,
            title: str | None = "Pricing review", start: dt.datetime | None = None,
            evidence: str | None = None, last_customer_action: dt.datetime | None = None,
            seller_touches: int | None = None, uid: str | None = None) -> Finding:
    start = start or dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    if kind == "stalled_deal":
        return Finding(rep_, kind, account, None, last_customer_action or start, "stalled",
                       evidence=evidence, last_customer_action=last_customer_action,
                       seller_touches=seller_touches)
    uid = uid or f"{title}-{account}-{kind}"
    return Finding(rep_, kind, account, uid, start + dt.timedelta(hours=25), "English detail",
                   meeting_key=f"{uid}@{start.isoformat()}", meeting_title=title,
                   meeting_start=start, evidence=evidence)


def seed(store: Store, findings: list[Finding], now: dt.datetime, cfg: Config) -> None:
    for r in cfg.reps:
        store.ensure_rep(r.email, r.name, r.timezone)
    store.sync_findings(findings, now, [r.email for r in cfg.reps])


def standard_findings(rep_: str = SARAH) -> list[Finding]:
    """Two follow-ups owed, one vague next step, one stalled deal."""
    return [
        finding(rep_, "missing_follow_up", "acme.example", title="Pricing review"),
        finding(rep_, "missing_follow_up", "globex.example", title="Kick-off",
                start=dt.datetime(2026, 3, 3, 14, 0, tzinfo=UTC)),
        finding(rep_, "vague_next_step", "acme.example", title="Pricing review",
                evidence="Let's find some time to try it"),
        finding(rep_, "stalled_deal", "initech.example",
                last_customer_action=dt.datetime(2026, 2, 10, 9, 0, tzinfo=UTC),
                seller_touches=3),
    ]


def read_outbox(folder: Path) -> list[EmailMessage]:
    out = []
    for path in sorted(folder.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        out.append(msg)
    return out


def parts(msg: EmailMessage) -> tuple[str, str]:
    """(text/plain body, text/html body)."""
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()  # type: ignore[union-attr]
