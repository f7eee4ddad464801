"""The demo and the report contract, end to end through the real CLI code paths.

`dealnudge demo` writes a generated bilingual team, syncs it with the local
connector into SQLite, analyses it and writes nudges; `report --json` must then
expose the report contract fields (docs/architecture.md) for the same store.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
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
KINDS = {"missing_follow_up", "no_next_step", "vague_next_step", "stalled_deal"}


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
    stalled = [f for f in findings if f["kind"] == "stalled_deal"]
    assert all(f["meeting_uid"] is None for f in stalled)
    meetings = [f for f in findings if f["kind"] != "stalled_deal"]
    assert all(f["meeting_uid"] for f in meetings)
    assert any("@" in f["account"] for f in findings), "free-mail accounts are keyed by address"


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


def _recap_links(html: str) -> list[tuple[list[str], str]]:
    """(addresses, subject) of every recap draft link in a digest's HTML part."""
    found = []
    for href in re.findall(r'href="(mailto:[^"]*)"', html):
        parsed = urlsplit(unescape(href))
        fields = parse_qs(parsed.query)
        found.append(([unquote(a) for a in parsed.path.split(",")], fields["subject"][0]))
    return found


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
        assert len(links) == sum(1 for f in shown if f.kind != "stalled_deal")  # one per item
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
