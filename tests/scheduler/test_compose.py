"""The digest e-mail: structure, both languages, escaping and header safety."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

from dealnudge.config.schema import Config, Findings, Mute
from dealnudge.scheduler.compose import clean, message_id, render_digest
from dealnudge.store import StoredFinding

from dealnudge.records import Finding
from tests.scheduler.factories import (
    LI,
    SARAH,
    config,
    finding,
    li,
    parts,
    sarah,
    standard_findings,
)

UTC = dt.UTC
DAY = dt.date(2026, 3, 5)
NOW = dt.datetime(2026, 3, 5, 13, 0, tzinfo=UTC)


def stored(findings: list) -> list[StoredFinding]:  # type: ignore[type-arg]
    return [StoredFinding(f, NOW, NOW) for f in findings]


def reparsed(msg: EmailMessage) -> EmailMessage:
    """What a mail client sees: the bytes on the wire, parsed again."""
    out = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert isinstance(out, EmailMessage)
    return out


def test_english_digest_has_text_and_html_with_every_section(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    msg = reparsed(render_digest(sarah(), stored(standard_findings(SARAH)), DAY, cfg, now=NOW))
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "2 follow-ups owed, 1 meeting without a next step, 1 stalled deal"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg["From"] == "dealnudge <dealnudge@northwind.example>"
    assert msg["To"] == "Sarah Chen <sarah.chen@northwind.example>"
    # Pinned, not recomputed with the production function: a resend after a crash (or by
    # a newer version) must carry exactly this id to be recognised as the same digest.
    assert msg["Message-ID"] == "<digest.20260305.626d93c7dc167402aa63@northwind.example>"
    assert msg["Date"] == "Thu, 05 Mar 2026 13:00:00 +0000"
    text, html = parts(msg)
    for body in (text, html):
        assert "Follow-ups owed" in body and "Stalled deals" in body
        assert "Meetings without a dated customer next step" in body
        assert "Pricing review" in body and "Kick-off" in body
        assert "Mon 2 Mar 10:00" in body  # 15:00 UTC in New York (EST)
        assert "Let&#39;s find some time to try it" in body or \
            "Let's find some time to try it" in body
        assert "No customer action for 23 days" in body and "3 seller touches" in body
        assert "ask your dealnudge admin to add a mute:" in body.lower()
    assert "English detail" not in text  # rendered from fields, never from ``detail``
    assert "<img" not in html and "style=" in html and "max-width" in html


def test_chinese_digest_uses_the_rep_zone_and_language(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    msg = reparsed(render_digest(li(), stored(standard_findings(LI)), DAY, cfg, now=NOW))
    assert msg["Subject"] == "2 封跟进邮件待发，1 场会议缺少明确下一步，1 个停滞商机"
    assert msg["Content-Language"] == "zh-CN"
    text, html = parts(msg)
    for body in (text, html):
        assert "待发的跟进邮件" in body and "停滞的商机" in body
        assert "3月2日 周一 23:00" in body  # 15:00 UTC in Shanghai
        assert "客户已 23 天没有行动" in body
        assert "mute:" in body and "管理员" in body
        assert "Follow-ups owed" not in body


def test_subject_counts_only_what_is_there(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    one = [finding(SARAH, "missing_follow_up")]
    assert render_digest(sarah(), stored(one), DAY, cfg)["Subject"] == "1 follow-up owed"
    stalled = [finding(SARAH, "stalled_deal", a, seller_touches=2,
                       last_customer_action=NOW - dt.timedelta(days=20)) for a in ("a.ex", "b.ex")]
    assert render_digest(li(), stored(list(stalled)), DAY, cfg)["Subject"] == "2 个停滞商机"


def test_meeting_title_cannot_inject_headers(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    evil = [finding(SARAH, "missing_follow_up", title="Hi\r\nBcc: evil@x\r\n\r\nbody")]
    rep = sarah().model_copy(update={"name": "Eve\r\nBcc: evil@x"})  # the config refuses
    # such a name; rendering must still be safe on its own
    raw = render_digest(rep, stored(evil), DAY, cfg, now=NOW).as_bytes()
    msg = reparsed(render_digest(rep, stored(evil), DAY, cfg, now=NOW))
    assert msg["Bcc"] is None and b"\nBcc:" not in raw and b"\r\nBcc:" not in raw
    assert sorted(set(msg.keys())) == sorted({
        "From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted",
        "X-Auto-Response-Suppress", "MIME-Version", "Content-Type", "Content-Language"})
    assert msg["To"].addresses[0].addr_spec == SARAH
    text, _ = parts(msg)
    assert "Hi Bcc: evil@x body" in text  # kept readable, on one line


def test_html_escapes_titles_and_evidence(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    nasty = [finding(SARAH, "vague_next_step", "acme.example", title="<script>alert(1)</script>",
                     evidence="<b>maybe</b> & later")]
    text, html = parts(reparsed(render_digest(sarah(), stored(nasty), DAY, cfg)))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;maybe&lt;/b&gt; &amp; later" in html
    assert "<script>alert(1)</script>" in text  # plain text needs no escaping


def test_muted_accounts_are_left_out_of_the_digest(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    rep = sarah(mute=[Mute(until=DAY, account="acme.example")])
    msg = render_digest(rep, stored(standard_findings(SARAH)), DAY, cfg)
    text, _ = parts(reparsed(msg))
    assert "acme.example" not in text and "globex.example" in text
    assert msg["Subject"] == "1 follow-up owed, 1 stalled deal"


def test_meetings_older_than_the_active_window_leave_the_digest(tmp_path: Path) -> None:
    cfg = config(tmp_path)  # active_within_days 30
    old = finding(SARAH, "no_next_step", "wayne.example", title="January pilot plan",
                  start=dt.datetime(2026, 2, 2, 15, 0, tzinfo=UTC))  # 31 local days before DAY
    edge = finding(SARAH, "no_next_step", "stark.example", title="February pricing",
                   start=dt.datetime(2026, 2, 3, 15, 0, tzinfo=UTC))  # exactly 30 days
    stalled = finding(SARAH, "stalled_deal", "wayne.example",
                      last_customer_action=dt.datetime(2026, 1, 20, 9, 0, tzinfo=UTC),
                      seller_touches=2)
    text, _ = parts(reparsed(render_digest(sarah(), stored([old, edge, stalled]), DAY, cfg)))
    assert "January pilot plan" not in text
    assert "February pricing" in text and "wayne.example" in text  # the stall still shows


def test_stalled_deal_suggests_one_of_the_three_moves(tmp_path: Path) -> None:
    cfg = config(tmp_path)  # stall_after_days 14, stall_min_seller_touches 2
    cases = {
        (16, 2): "smaller concrete step with a date",
        (16, 5): "ask them directly what is holding them back",
        (40, 2): "disqualifying this deal",
    }
    for (days, touches), advice in cases.items():
        f = finding(SARAH, "stalled_deal", "initech.example", seller_touches=touches,
                    evidence="e-mail from ops@initech.example",
                    last_customer_action=dt.datetime(2026, 3, 5, 9, tzinfo=UTC)
                    - dt.timedelta(days=days))
        text, html = parts(reparsed(render_digest(sarah(), stored([f]), DAY, cfg)))
        assert advice in text and advice in html, (days, touches)
        assert f"No customer action for {days} days" in text
        assert "(Last customer action: e-mail from ops@initech.example.)" in text


def test_from_address_override_and_message_id_is_stable(tmp_path: Path) -> None:
    cfg: Config = config(tmp_path, from_address="nudges@sales.northwind.example")
    a = render_digest(sarah(), stored(standard_findings()), DAY, cfg, now=NOW)
    b = render_digest(sarah(), stored(standard_findings()), DAY, cfg,
                      now=NOW + dt.timedelta(hours=1))
    assert a["From"].addresses[0].addr_spec == "nudges@sales.northwind.example"
    assert a["Message-ID"] == b["Message-ID"]
    assert a["Message-ID"].endswith("@sales.northwind.example>")
    assert a["Message-ID"] != message_id("digest", SARAH, DAY + dt.timedelta(days=1), cfg)
    assert a["Message-ID"] != message_id("digest", LI, DAY, cfg)


def test_clean_removes_controls_and_bounds_length() -> None:
    assert clean("a\x00b\tc\u2028d\x1be") == "a b c d e"
    assert len(clean("x" * 1000, 50)) == 50


def signal_findings(rep_: str) -> list[Finding]:
    since = dt.datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
    return [
        Finding(rep_, "slipped_commitment", "acme.example", None, since, "slipped",
                evidence="Legal will return the <b>contract</b> by Monday, March 2.",
                due=dt.date(2026, 3, 2), message_id="p@acme.example"),
        Finding(rep_, "repeated_reschedules", "globex.example", None, since, "moved", count=3,
                evidence="cancelled"),
        Finding(rep_, "single_threaded", "initech.example", None, since, "one person",
                evidence="dana@initech.example", count=4),
        Finding(rep_, "unanswered_customer", "umbrella.example", None, since, "asked",
                evidence="能否把<script>白皮书</script>发给我们？", message_id="q@umbrella.example"),
    ]


def test_each_deal_signal_has_its_section_and_advice(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    msg = reparsed(render_digest(sarah(), stored(signal_findings(SARAH)), DAY, cfg, now=NOW))
    assert msg["Subject"] == "4 other deal signals"
    text, html = parts(msg)
    for body in (text, html):
        assert "Customer promises that slipped" in body and "Mon 2 Mar (3 days ago)" in body
        assert "Ask what happened and for a new date." in body
        assert "3 meetings called off or moved in the last 30 days." in body
        assert "Pin down the next date now" in body
        assert "4 meetings recently, always only with dana@initech.example." in body
        assert "decision maker, finance or the technical evaluators" in body
        assert "Customers waiting for your answer" in body and "Answer today." in body
        assert "Asked on Tue 3 Mar 09:00" in body  # 14:00 UTC on the 4th less 24 h, New York
    assert "Legal will return the <b>contract</b>" in text
    assert "&lt;b&gt;contract&lt;/b&gt;" in html and "<script>" not in html


def test_deal_signals_in_chinese(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    msg = reparsed(render_digest(li(), stored(signal_findings(LI)), DAY, cfg, now=NOW))
    assert msg["Subject"] == "另有 4 项商机信号"
    text, _ = parts(msg)
    for words in ("客户没有兑现的承诺", "约定在 3月2日 周一（已过去 3 天）", "问问客户发生了什么，并请他们给一个新的日期。",
                  "一再取消或改期的会议", "最近 30 天内有 3 场会议被取消或改期。",
                  "只通过一个人推进的商机", "请你的联系人把决策人、财务或技术评估的同事拉进来。",
                  "等你回复的客户", "今天就回复。", "能否把<script>白皮书</script>发给我们？"):
        assert words in text, words


def test_a_disabled_kind_never_reaches_the_digest(tmp_path: Path) -> None:
    cfg = config(tmp_path).model_copy(update={"findings": Findings(disabled=["single_threaded"])})
    text, _ = parts(reparsed(render_digest(sarah(), stored(signal_findings(SARAH)), DAY, cfg,
                                           now=NOW)))
    assert "Deals known through one person" not in text
    assert "Customers waiting for your answer" in text
