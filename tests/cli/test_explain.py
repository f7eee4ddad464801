"""`dealnudge explain` on the demo team: every finding's trail shows at least what its
digest item quotes, in both forms, and an unknown id is one plain sentence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dealnudge.cli import main
from dealnudge.demo.team import DEMO_NOW


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("explain") / "team"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = CliRunner().invoke(main, ["--config", str(out / "dealnudge.yaml"), "report",
                                       "--json", "--now", DEMO_NOW.isoformat()])
    return out / "dealnudge.yaml", json.loads(report.stdout)


def _explain(config: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, ["--config", str(config), "explain", *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def test_every_demo_finding_shows_what_its_digest_quotes(
        demo: tuple[Path, list[dict[str, Any]]]) -> None:
    config, findings = demo
    assert {f["kind"] for f in findings} >= {"missing_follow_up", "no_next_step",
                                             "vague_next_step", "stalled_deal"}
    for f in findings:
        text = _explain(config, f["id"])  # no --now: as of the analysis its nudge came from
        assert f["account"] in text and f["rep"] in text
        for quoted in (f["meeting_title"], f["evidence"]):
            if quoted:
                assert quoted in text, (f["kind"], quoted)
        assert "Thresholds:" in text and "Instants compared:" in text


def test_json_trail_names_attendees_mails_and_judged_sentences(
        demo: tuple[Path, list[dict[str, Any]]]) -> None:
    config, findings = demo
    vague = next(f for f in findings if f["kind"] == "vague_next_step")
    trail = _explain(config, vague["id"], "--json", "--now", DEMO_NOW.isoformat())
    assert trail["finding"]["id"] == vague["id"]
    people = trail["meeting"]["people"]
    assert any(p["side"] == "customer" and p["response"] for p in people)
    assert any(p["side"] == "rep" for p in people)
    judged = [s for m in trail["mails"] for s in m["sentences"]]
    quote = next(s for s in judged if s["text"].strip() == vague["evidence"])
    assert quote["actor"] in ("customer", "joint") and quote["vague"] and not quote["evidence"]
    assert all(m["author"] in ("customer", "seller", "other") and m["sender"]
               for m in trail["mails"])
    labels = [i["label"] for i in trail["instants"]]
    assert "now" in labels and any("next_step_within_hours" in label for label in labels)
    assert set(trail["thresholds"]) == {"next_step_within_hours"}

    stalled = next(f for f in findings if f["kind"] == "stalled_deal")
    trail = _explain(config, stalled["id"], "--json", "--now", DEMO_NOW.isoformat())
    assert any(a["side"] == "customer" for a in trail["activity"])
    assert sum(a["side"] == "seller" for a in trail["activity"]) >= stalled["seller_touches"]


@pytest.mark.parametrize("finding_id", ["0" * 32, "not-an-id"])
def test_an_unknown_id_is_one_sentence(demo: tuple[Path, list[dict[str, Any]]],
                                       finding_id: str) -> None:
    config, _ = demo
    result = CliRunner().invoke(main, ["--config", str(config), "explain", finding_id])
    assert result.exit_code == 2
    assert "No finding with id" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
