"""Schema check for the English half of the real-world commitment corpus.

The corpus is evaluation data: this test only guards its shape (ids, dates, labels,
sources, share of replies with a quoted earlier message). It never runs the extractor.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus" / "en.jsonl"
KEYS = {"id", "lang", "author", "sent_at", "genre", "source", "adapted", "text", "expected"}
QUOTE_MARKERS = re.compile(
    r"^(On .+ wrote:|> ?On .+ wrote:|-{5,} ?(Original|原始邮件)|From: .+\n(Sent|Date): |发件人[:：])"
    r"|^>|写道[:：]",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Case:
    raw: dict[str, object]

    @property
    def ident(self) -> str:
        return str(self.raw["id"])


def load() -> list[Case]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [Case(json.loads(line)) for line in fh if line.strip()]


CASES = load()


def test_enough_cases_with_unique_ids() -> None:
    ids = [case.ident for case in CASES]
    assert len(ids) >= 200
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"en-\d{4}", ident) for ident in ids)


def test_every_case_has_exactly_the_schema_keys() -> None:
    for case in CASES:
        assert set(case.raw) == KEYS, case.ident
        assert case.raw["lang"] in {"en", "mixed"}, case.ident
        assert case.raw["author"] in {"customer", "seller"}, case.ident
        for key in ("genre", "adapted", "text"):
            value = case.raw[key]
            assert isinstance(value, str) and value.strip(), (case.ident, key)


def test_sources_are_web_addresses() -> None:
    for case in CASES:
        assert re.fullmatch(r"https?://\S+", str(case.raw["source"])), case.ident


def sent_day(case: Case) -> date:
    sent = datetime.fromisoformat(str(case.raw["sent_at"]))
    assert sent.tzinfo is not None and sent.utcoffset() is not None, case.ident
    return sent.date()


def test_expected_labels_are_consistent() -> None:
    for case in CASES:
        day = sent_day(case)
        expected = case.raw["expected"]
        assert isinstance(expected, list), case.ident
        for item in expected:
            assert set(item) == {"actor", "due", "vague"}, case.ident
            assert item["actor"] in {"customer", "joint"}, case.ident
            if item["vague"]:
                assert item["due"] is None, case.ident
                continue
            assert item["vague"] is False, case.ident
            assert isinstance(item["due"], list) and item["due"], case.ident
            for due in item["due"]:
                assert date.fromisoformat(due) >= day, (case.ident, due)


def test_enough_cases_quote_an_earlier_message() -> None:
    quoted = [case for case in CASES if QUOTE_MARKERS.search(str(case.raw["text"]))]
    assert len(quoted) / len(CASES) >= 0.30


@pytest.mark.parametrize("kind", ["dated", "vague-only", "none"])
def test_each_label_kind_is_represented(kind: str) -> None:
    def kind_of(case: Case) -> str:
        expected = case.raw["expected"]
        assert isinstance(expected, list)
        if not expected:
            return "none"
        return "vague-only" if all(item["vague"] for item in expected) else "dated"

    share = sum(kind_of(case) == kind for case in CASES) / len(CASES)
    assert share >= 0.15
