"""Turn a rep's open findings into one phone-friendly, bilingual nudge e-mail.

Content comes from the structured fields of ``Finding`` (title, start, account,
evidence, last customer action, seller touches), never from ``detail``, so the rep
reads it in their own language. Meeting titles, names and evidence are written by
outsiders: they are cleaned of control characters before use, only ever reach the
body (HTML autoescaped by Jinja2) and never a header except as a cleaned display
name, and ``email.policy`` refuses CR/LF in any header value as a second guard.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import hashlib
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from dealnudge.config.schema import Config, Rep
from dealnudge.scheduler import i18n
from dealnudge.scheduler.i18n import Language, Move
from dealnudge.scheduler.links import Link, open_link, recap_draft, reply_draft
from dealnudge.scheduler.text import clean
from dealnudge.scheduler.timing import due_instant, muted_accounts
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dealnudge.records import Finding

if TYPE_CHECKING:
    from dealnudge.store import StoredFinding

POLICY = email.policy.default
NEXT_STEP_KINDS = ("no_next_step", "vague_next_step")
SIGNAL_KINDS = ("slipped_commitment", "repeated_reschedules", "single_threaded",
                "unanswered_customer")

ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def sender_address(config: Config) -> str:
    """``nudges.from_address``; else the sending mailbox for Gmail/Graph (both rewrite a
    From they do not own); else ``dealnudge@<first internal domain>``."""
    if config.nudges.from_address:
        return config.nudges.from_address
    provider = {"gmail": config.providers.google,
                "graph": config.providers.microsoft}.get(config.nudges.delivery.kind)
    if provider is not None and provider.sender:
        return provider.sender
    return f"dealnudge@{config.organization.internal_domains[0]}"


def message_id(kind: str, recipient: str, day: dt.date, config: Config) -> str:
    """Deterministic per (kind, recipient, day): a resend after a crash carries the same id."""
    digest = hashlib.sha256(f"{kind}\x1f{recipient.lower()}\x1f{day}".encode()).hexdigest()[:20]
    domain = sender_address(config).rpartition("@")[2]
    return f"<{kind}.{day:%Y%m%d}.{digest}@{domain}>"


@dataclass(frozen=True)
class Item:
    heading: str  # the meeting title, or the account for a stalled deal
    meta: str  # when and with whom
    lines: list[str]
    quote: str | None = None  # the customer's own (vague) words
    advice: str = ""
    links: tuple[Link, ...] = ()  # open it in the rep's client; draft the e-mail asked for


@dataclass(frozen=True)
class Section:
    title: str
    items: list[Item] = field(default_factory=list)


def digest_findings(rep: Rep, stored: list[StoredFinding], day: dt.date,
                    config: Config) -> list[Finding]:
    """The rep's stored open findings that go into the digest of ``day``."""
    return select_for_digest(rep, [s.finding for s in stored], day, config)


def select_for_digest(rep: Rep, findings: list[Finding], day: dt.date,
                      config: Config) -> list[Finding]:
    """The findings that go into the digest of ``day``, in the digest's order.

    Muted accounts and kinds the config switched off are left out, and so are meetings
    older than ``thresholds.active_within_days``: a morning list that still names a meeting from
    two months ago teaches reps to ignore it. Such deals are judged by the stall rule
    instead, and ``dealnudge report`` still lists the old findings for managers.
    """
    muted = muted_accounts(rep, day)
    oldest = day - dt.timedelta(days=config.thresholds.active_within_days)
    off = set(config.findings.disabled)
    found = [f for f in findings if f.account.lower() not in muted
             and f.kind not in off and not _too_old(f, rep, oldest)]
    return sorted(found, key=lambda f: (f.meeting_start or f.since, f.account, f.key))


def _too_old(finding: Finding, rep: Rep, oldest: dt.date) -> bool:
    start = finding.meeting_start
    return start is not None and start.astimezone(rep.zone).date() < oldest


def _open(f: Finding, lang: Language, label: str) -> list[Link]:
    href = open_link(f.web_link)
    return [Link("open", i18n.text(lang, label), href)] if href else []


def meeting_links(f: Finding, lang: Language, rep: Rep) -> tuple[Link, ...]:
    """Open the meeting; draft the recap to its customer attendees."""
    links = _open(f, lang, "open_meeting")
    start = f.meeting_start.astimezone(rep.zone) if f.meeting_start else None
    draft = recap_draft(lang, f.meeting_title, f.contacts, start, rep.name or rep.email)
    if draft is not None:
        links.append(Link("recap", i18n.text(lang, "draft_recap"), draft))
    return tuple(links)


def reply_links(f: Finding, lang: Language, *, to: str, subject: str | None,
                message_id: str | None) -> tuple[Link, ...]:
    """Open the thread; draft the answer to the customer's message (``In-Reply-To`` set).

    For findings about one customer message still waiting for an answer: ``to`` is its
    sender, ``subject`` and ``message_id`` are the stored message's own.
    """
    return (*_open(f, lang, "open_thread"),
            Link("reply", i18n.text(lang, "draft_reply"),
                 reply_draft(lang, to, subject, message_id)))


def _meeting_item(f: Finding, lang: Language, rep: Rep) -> Item:
    when = i18n.format_moment(lang, f.meeting_start.astimezone(rep.zone)) if f.meeting_start else ""
    meta = " · ".join(p for p in (when, f"{i18n.text(lang, 'with')} {clean(f.account)}") if p)
    heading = clean(f.meeting_title) or clean(f.account)
    links = meeting_links(f, lang, rep)
    if f.kind == "missing_follow_up":
        return Item(heading, meta, [i18n.text(lang, "follow_up_item")],
                    advice=i18n.text(lang, "follow_up_hint"), links=links)
    if f.kind == "vague_next_step":
        return Item(heading, meta, [i18n.text(lang, "vague_item")], quote=clean(f.evidence, 400)
                    or None, advice=i18n.text(lang, "next_step_hint"), links=links)
    return Item(heading, meta, [i18n.text(lang, "no_next_step_item")],
                advice=i18n.text(lang, "next_step_hint"), links=links)


def suggested_move(days: int | None, touches: int, config: Config) -> Move:
    """The method's three moves (docs/method.md): long silence -> disqualify; many touches -> ask; else smaller."""
    limits = config.thresholds
    if days is not None and days >= 2 * limits.stall_after_days:
        return "disqualify"
    if touches >= 2 * limits.stall_min_seller_touches:
        return "ask_blocker"
    return "smaller_step"


def _stalled_item(f: Finding, lang: Language, rep: Rep, day: dt.date, config: Config) -> Item:
    touches = f.seller_touches or 0
    days: int | None = None
    if f.last_customer_action is not None:
        last = f.last_customer_action.astimezone(rep.zone).date()
        days = (day - last).days
        line = i18n.text(lang, "stalled_item", days=days, last=i18n.format_day(lang, last),
                         touches=touches)
    else:
        line = i18n.text(lang, "stalled_item_no_date", touches=touches)
    if f.evidence and lang == "en":  # the analyzer describes the action in English only
        line += i18n.text(lang, "last_action", evidence=clean(f.evidence, 400))
    move = suggested_move(days, touches, config)
    return Item(clean(f.account), "", [line], advice=i18n.text(lang, f"move_{move}"),
                links=tuple(_open(f, lang, "open_thread")))


def _signal_item(f: Finding, lang: Language, rep: Rep, day: dt.date, config: Config) -> Item:
    """The method's advice for rules 5-8, quoting the customer's own words where there are any."""
    heading, quote = clean(f.account), clean(f.evidence, 400) or None
    if f.kind == "slipped_commitment":
        due = f.due or day
        line = i18n.text(lang, "slipped_item", due=i18n.format_day(lang, due),
                         late=(day - due).days)
        return Item(heading, "", [line], quote=quote, advice=i18n.text(lang, "slipped_hint"),
                    links=tuple(_open(f, lang, "open_thread")))
    if f.kind == "repeated_reschedules":
        line = i18n.text(lang, "reschedules_item", count=f.count or 0,
                         days=config.thresholds.reschedule_window_days)
        return Item(heading, "", [line], advice=i18n.text(lang, "reschedules_hint"))
    if f.kind == "single_threaded":
        line = i18n.text(lang, "single_item", count=f.count or 0, person=clean(f.evidence, 120))
        return Item(heading, "", [line], advice=i18n.text(lang, "single_hint"))
    asked = f.since - dt.timedelta(hours=config.thresholds.reply_within_hours)
    line = i18n.text(lang, "unanswered_item",
                     when=i18n.format_moment(lang, asked.astimezone(rep.zone)))
    links = (reply_links(f, lang, to=f.contacts[0], subject=f.subject, message_id=f.message_id)
             if f.contacts else tuple(_open(f, lang, "open_thread")))
    return Item(heading, "", [line], quote=quote, advice=i18n.text(lang, "unanswered_hint"),
                links=links)


SIGNAL_SECTIONS = (("unanswered_customer", "unanswered"), ("slipped_commitment", "slipped"),
                   ("repeated_reschedules", "reschedules"), ("single_threaded", "single"))


def digest_sections(rep: Rep, findings: list[Finding], day: dt.date,
                    config: Config) -> list[Section]:
    lang: Language = rep.language
    follow = [_meeting_item(f, lang, rep) for f in findings if f.kind == "missing_follow_up"]
    steps = [_meeting_item(f, lang, rep) for f in findings if f.kind in NEXT_STEP_KINDS]
    stalled = [_stalled_item(f, lang, rep, day, config)
               for f in findings if f.kind == "stalled_deal"]
    sections = [Section(i18n.text(lang, "follow_ups"), follow),
                Section(i18n.text(lang, "next_steps"), steps),
                Section(i18n.text(lang, "stalled"), stalled)]
    sections += [Section(i18n.text(lang, title), [_signal_item(f, lang, rep, day, config)
                                                  for f in findings if f.kind == kind])
                 for kind, title in SIGNAL_SECTIONS]
    return [s for s in sections if s.items]


def digest_subject(lang: Language, findings: list[Finding]) -> str:
    count = {kind: sum(1 for f in findings if f.kind == kind)
             for kind in ("missing_follow_up", "stalled_deal")}
    steps = sum(1 for f in findings if f.kind in NEXT_STEP_KINDS)
    signals = sum(1 for f in findings if f.kind in SIGNAL_KINDS)
    return i18n.subject(lang, count["missing_follow_up"], steps, count["stalled_deal"], signals)


def render_digest(rep: Rep, findings: list[StoredFinding], local_day: dt.date, config: Config,
                  *, now: dt.datetime | None = None) -> EmailMessage:
    """The rep's digest for ``local_day``; ``now`` sets the Date header (default: send time)."""
    lang: Language = rep.language
    chosen = digest_findings(rep, findings, local_day, config)
    context: dict[str, object] = {
        "lang": lang, "t": i18n.TEXT[lang], "sections": digest_sections(rep, chosen, local_day,
                                                                         config),
        "greeting": i18n.text(lang, "greeting", name=clean(rep.name) or rep.email),
        "intro": i18n.text(lang, "intro", day=i18n.format_day(lang, local_day)),
    }
    sent = now or due_instant(local_day, config.nudges.send_at, rep.zone)
    return build_message(
        config, to=Address(clean(rep.name, 80), addr_spec=rep.email),
        subject=digest_subject(lang, chosen), lang=lang, template="digest", context=context,
        msg_id=message_id("digest", rep.email, local_day, config), date=sent)


def build_message(config: Config, *, to: Address, subject: str, lang: Language, template: str,
                  context: dict[str, object], msg_id: str, date: dt.datetime) -> EmailMessage:
    """A multipart/alternative e-mail (text first, HTML second) with the automation headers."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = Address("dealnudge", addr_spec=sender_address(config))
    msg["To"] = to
    msg["Subject"] = clean(subject, 200)
    msg["Date"] = email.utils.format_datetime(date.astimezone(dt.UTC))
    msg["Message-ID"] = msg_id
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    full = {**context, "mute_footer": i18n.text(lang, "mute_footer"),
            "sent_by": i18n.text(lang, "sent_by")}
    msg.set_content(ENV.get_template(f"{template}.txt.j2").render(full))
    msg.add_alternative(ENV.get_template(f"{template}.html.j2").render(full), subtype="html")
    msg["Content-Language"] = "zh-CN" if lang == "zh" else "en"  # after set_content, which drops it
    return msg
