"""Shape checks for the verbatim corpus files (en_verbatim.jsonl, zh_verbatim.jsonl).

These cases keep the public page's own wording, so their value rests on being well formed
and honestly described: each names its page and says, starting with "Verbatim except:",
what was changed. The checks here never call the extractor; scoring is the bench's job.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
FILES = {"en_verbatim.jsonl": ("env", 120), "zh_verbatim.jsonl": ("zhv", 100)}
QUOTE_MARKERS = re.compile(
    r"^(> |>$)|wrote:|原始邮件|^发件人[:：]|^From: .*\n(Sent|Date): |写道[:：]",
    re.MULTILINE,
)
MIN_QUOTED_SHARE = 0.30


def _load(name: str) -> list[dict[str, object]]:
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(params=sorted(FILES), scope="module")
def corpus(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, object]]]:
    return request.param, _load(request.param)


def test_enough_cases_with_unique_prefixed_ids(corpus: tuple[str, list[dict[str, object]]]) -> None:
    name, cases = corpus
    prefix, minimum = FILES[name]
    ids = [case["id"] for case in cases]
    assert len(cases) >= minimum
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(rf"{prefix}-\d{{4}}", str(i)) for i in ids)


def test_fields_and_values(corpus: tuple[str, list[dict[str, object]]]) -> None:
    _, cases = corpus
    keys = {"id", "lang", "author", "sent_at", "genre", "source", "adapted", "text", "expected"}
    for case in cases:
        assert set(case) == keys, case["id"]
        assert case["lang"] in {"en", "zh", "mixed"}, case["id"]
        assert case["author"] in {"customer", "seller"}, case["id"]
        assert str(case["source"]).startswith(("http://", "https://")), case["id"]
        assert str(case["adapted"]).startswith("Verbatim except:"), case["id"]
        assert str(case["text"]).strip() and str(case["genre"]).strip(), case["id"]


def test_sent_at_aware_and_due_days_not_before_it(corpus: tuple[str, list[dict[str, object]]]) -> None:
    _, cases = corpus
    for case in cases:
        sent = datetime.fromisoformat(str(case["sent_at"]))
        assert sent.tzinfo is not None, case["id"]
        assert sent.year == 2026, case["id"]
        expected = case["expected"]
        assert isinstance(expected, list), case["id"]
        for step in expected:
            assert step["actor"] in {"customer", "joint"}, case["id"]
            assert isinstance(step["vague"], bool), case["id"]
            assert (step["due"] is None) == step["vague"], case["id"]
            for day in step["due"] or []:
                assert date.fromisoformat(day) >= sent.date(), case["id"]


def test_quoted_share(corpus: tuple[str, list[dict[str, object]]]) -> None:
    _, cases = corpus
    quoted = [case for case in cases if QUOTE_MARKERS.search(str(case["text"]))]
    assert len(quoted) / len(cases) >= MIN_QUOTED_SHARE


def test_quote_detector_sees_real_client_styles() -> None:
    assert QUOTE_MARKERS.search("Ok.\n\nOn Mon, Mar 2, 2026 at 9:00 AM, A <a@b.c> wrote:\n> hi")
    assert QUOTE_MARKERS.search("好的\n------------------ 原始邮件 ------------------\n发件人: x")
    assert not QUOTE_MARKERS.search("Thanks, see you Thursday.\nAnna")
