"""The demo and the report contract, end to end through the real CLI code paths.

`dealnudge demo` writes a generated bilingual team, syncs it with the local
connector into SQLite, analyses it and writes nudges; `report --json` must then
expose the report contract fields (docs/architecture.md) for the same store.
"""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

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
