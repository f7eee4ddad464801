"""The demo and the report contract, end to end through the real CLI code paths.

`dealnudge demo` writes a generated bilingual team, syncs it with the local
connector into SQLite, analyses it and writes nudges; `report --json` must then
expose the report contract fields (docs/architecture.md) for the same store.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from click.testing import CliRunner
from dealnudge.config.loader import load_config
from dealnudge.scheduler.compose import digest_findings
from dealnudge.store import Store

from dealnudge.cli import main
from dealnudge.demo.team import DEMO_NOW

REQUIRED = {"rep", "kind", "account", "meeting_uid", "since", "detail"}
KINDS = {"missing_follow_up", "no_next_step", "vague_next_step", "stalled_deal",
         "slipped_commitment", "repeated_reschedules", "single_threaded", "unanswered_customer"}
DEAL_KINDS = KINDS - {"missing_follow_up", "no_next_step", "vague_next_step"}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "team"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_demo_writes_bilingual_nudges(demo_dir: Path) -> None:
    files = sorted((demo_dir / "outbox").glob("*.eml"))
    assert len(files) >= 4
    languages = set()
    for path in files:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert msg["Auto-Submitted"] == "auto-generated"
        assert msg.get_content_type() == "multipart/alternative"
        plain, rich = msg.get_body(("plain",)), msg.get_body(("html",))
        assert plain is not None and rich is not None
        text = plain.get_content()
        languages.add("zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en")
        html = rich.get_content()
        assert "<script" not in html.lower()
    assert languages == {"zh", "en"}


def test_report_json_contract(demo_dir: Path) -> None:
    result = CliRunner().invoke(
        main, ["--config", str(demo_dir / "dealnudge.yaml"), "report", "--json",
               "--now", DEMO_NOW.isoformat()], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)
    assert isinstance(findings, list) and findings
    assert all(set(f) >= REQUIRED for f in findings)
    assert {f["kind"] for f in findings} == KINDS
    deals = [f for f in findings if f["kind"] in DEAL_KINDS]
    assert all(f["meeting_uid"] is None for f in deals)
    meetings = [f for f in findings if f["kind"] not in DEAL_KINDS]
    assert all(f["meeting_uid"] for f in meetings)
    assert any("@" in f["account"] for f in findings), "free-mail accounts are keyed by address"


def _report(demo_dir: Path, config: Path | None = None) -> list[dict[str, object]]:
    result = CliRunner().invoke(
        main, ["--config", str(config or demo_dir / "dealnudge.yaml"), "report", "--json",
               "--now", DEMO_NOW.isoformat()], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def _has_chinese(text: object) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def test_deal_signals_carry_their_evidence_in_both_languages(demo_dir: Path) -> None:
    findings = _report(demo_dir)
    for kind in sorted(DEAL_KINDS - {"stalled_deal"}):
        mine = [f for f in findings if f["kind"] == kind]
        reps = {str(f["rep"]) for f in mine}
        assert {"li.wei@northwind.example", "sarah.chen@northwind.example"} <= reps, kind
    for f in findings:
        if f["kind"] == "slipped_commitment":
            assert f["evidence"] and str(f["due"]) < DEMO_NOW.date().isoformat()
            assert f["message_id"]
        if f["kind"] == "unanswered_customer":
            assert f["evidence"] and f["message_id"]
        if f["kind"] == "repeated_reschedules":
            assert isinstance(f["count"], int) and f["count"] >= 2
        if f["kind"] == "single_threaded":
            assert "@" in str(f["evidence"]) and "@" not in str(f["account"])
    quoted = [f["evidence"] for f in findings
              if f["kind"] in ("slipped_commitment", "unanswered_customer")]
    assert any(_has_chinese(q) for q in quoted) and any(not _has_chinese(q) for q in quoted)


def test_the_digests_have_a_section_for_each_deal_signal(demo_dir: Path) -> None:
    texts = {}
    for path in sorted((demo_dir / "outbox").glob("*_digest_*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        plain = msg.get_body(("plain",))
        assert plain is not None
        texts[path.name.split("_")[-1]] = plain.get_content()
    english, chinese = texts["sarah.chen@northwind.example.eml"], texts["li.wei@northwind.example.eml"]
    for heading in ("Customers waiting for your answer", "Customer promises that slipped",
                    "Meetings called off or moved again and again",
                    "Deals known through one person"):
        assert heading in english
    for heading in ("等你回复的客户", "客户没有兑现的承诺", "一再取消或改期的会议", "只通过一个人推进的商机"):
        assert heading in chinese
    assert "Ask what happened and for a new date." in english
    assert "请你的联系人把决策人、财务或技术评估的同事拉进来。" in chinese


def test_a_disabled_kind_leaves_report_and_digest(demo_dir: Path, tmp_path: Path) -> None:
    text = (demo_dir / "dealnudge.yaml").read_text(encoding="utf-8")
    assert "findings:\n  disabled: []\n" in text
    for part in sorted(demo_dir.glob("dealnudge.db*")):  # a copy: the other tests share the store
        shutil.copy(part, tmp_path / part.name)
    config = tmp_path / "dealnudge.yaml"
    config.write_text(text.replace("  disabled: []\n", "  disabled: [single_threaded, "
                                   "unanswered_customer]\n", 1).replace(
        "./outbox", str(tmp_path / "outbox")).replace("data/", f"{demo_dir}/data/"),
        encoding="utf-8")
    kinds = {str(f["kind"]) for f in _report(demo_dir, config)}
    assert kinds == KINDS - {"single_threaded", "unanswered_customer"}
    result = CliRunner().invoke(main, ["--config", str(config), "nudge", "--force", "--now",
                                       (DEMO_NOW + dt.timedelta(days=1)).isoformat()],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    digests = sorted((tmp_path / "outbox").glob("*_digest_*.eml"))
    assert digests
    for path in digests:
        body = path.read_text(encoding="utf-8", errors="replace")
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        plain = msg.get_body(("plain",))
        assert plain is not None
        content = plain.get_content()
        assert "Deals known through one person" not in content and "只通过一个人" not in content
        assert "waiting for your answer" not in content and "等你回复" not in content, body[:80]


def _outbox(demo_dir: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each digest file by name, with its inode, mtime and bytes: a re-send changes them."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in (demo_dir / "outbox").glob("*.eml")}


def test_nudge_is_idempotent_on_the_demo_store(demo_dir: Path) -> None:
    """Guards at-most-once: a second run on the same day delivers nothing, not even a
    byte-identical copy under the same name (the outbox writes by atomic rename)."""
    before = _outbox(demo_dir)
    assert before
    result = CliRunner().invoke(
        main, ["--config", str(demo_dir / "dealnudge.yaml"), "nudge", "--force",
               "--now", DEMO_NOW.isoformat()], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert _outbox(demo_dir) == before
    assert ": sent" not in result.output
    assert result.output.count("skipped_already_sent") >= len(before)


def _mailto_links(html: str) -> list[tuple[list[str], dict[str, list[str]]]]:
    """(addresses, query fields) of every mailto: draft link in a digest's HTML part."""
    found = []
    for href in re.findall(r'href="(mailto:[^"]*)"', html):
        parsed = urlsplit(unescape(href))
        found.append(([unquote(a) for a in parsed.path.split(",")], parse_qs(parsed.query)))
    return found


def _recap_links(html: str) -> list[tuple[list[str], str]]:
    """(addresses, subject) of every recap draft link in a digest's HTML part."""
    return [(to, fields["subject"][0]) for to, fields in _mailto_links(html)
            if fields["subject"][0].startswith(("Recap: ", "会议纪要："))]


def test_demo_follow_ups_carry_a_recap_draft_to_the_customer_attendees(demo_dir: Path) -> None:
    config = load_config(demo_dir / "dealnudge.yaml")
    internal = tuple(config.organization.internal_domains)
    with Store.open(config.database) as store:
        events = {rep.email: store.events(rep.email) for rep in config.reps}
        open_by_rep = {rep.email: store.open_findings(rep.email) for rep in config.reps}
    checked = follow_ups = 0
    for path in sorted((demo_dir / "outbox").glob("*_digest_*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        rep = next(r for r in config.reps if r.email == msg["To"].addresses[0].addr_spec)
        html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
        links = _recap_links(html)
        shown = digest_findings(rep, open_by_rep[rep.email], DEMO_NOW.astimezone(rep.zone).date(),
                                config)
        follow_ups += sum(1 for f in shown if f.kind == "missing_follow_up")
        # one per meeting item; the deal kinds name an account, not a meeting to recap
        assert len(links) == sum(1 for f in shown if f.meeting_uid is not None)
        for to, subject in links:
            prefix = "Recap: " if rep.language == "en" else "会议纪要："
            assert subject.startswith(prefix)
            title = subject.removeprefix(prefix)
            copies = [e for _, e in events[rep.email] if e.title == title]
            assert copies, f"{subject!r} names no meeting on {rep.email}'s calendar"
            customers = {p.email for e in copies for p in e.participants
                         if not p.is_resource and not p.email.endswith(internal)
                         and "@" in p.email}
            assert set(to) <= customers and to, (to, customers)
            checked += 1
    assert checked >= 4 and follow_ups >= 1


def test_unanswered_customers_carry_a_reply_draft_in_the_thread(demo_dir: Path) -> None:
    """Each unanswered customer item drafts the answer to that customer's own message."""
    config = load_config(demo_dir / "dealnudge.yaml")
    with Store.open(config.database) as store:
        open_by_rep = {rep.email: store.open_findings(rep.email) for rep in config.reps}
        senders = {m.message_id: m.sender.email for rep in config.reps
                   for _, m in store.messages(rep.email)}
    checked = 0
    for path in sorted((demo_dir / "outbox").glob("*_digest_*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        rep = next(r for r in config.reps if r.email == msg["To"].addresses[0].addr_spec)
        html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
        replies = {fields["In-Reply-To"][0].strip("<>"): to for to, fields in _mailto_links(html)
                   if "In-Reply-To" in fields}
        shown = digest_findings(rep, open_by_rep[rep.email], DEMO_NOW.astimezone(rep.zone).date(),
                                config)
        for f in shown:
            if f.kind != "unanswered_customer":
                continue
            assert f.message_id in replies, f"no reply draft for {f.message_id}"
            assert replies[f.message_id] == [senders[f.message_id]]
            checked += 1
    assert checked >= 2
