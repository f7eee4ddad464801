"""Shape of the Chinese real-world commitment corpus (data checks only, no scoring).

The corpus is evaluation data for the bench; a malformed line would silently skew its
figures, so the schema, the labels' internal consistency and the required mix are
checked here. The extractor is deliberately not called.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus" / "zh.jsonl"
QUOTE_MARKERS = (
    "------------------ 原始邮件 ------------------",
    "-----Original Message-----",
    "发件人：",
    "写道：",
    " wrote:",
)
KEYS = {"id", "lang", "author", "sent_at", "genre", "source", "adapted", "text", "expected"}


def _cases() -> list[dict[str, object]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def cases() -> list[dict[str, object]]:
    return _cases()


def test_size_and_unique_ids(cases: list[dict[str, object]]) -> None:
    assert len(cases) >= 200
    ids = [case["id"] for case in cases]
    assert len(ids) == len(set(ids))
    assert all(isinstance(i, str) and i.startswith("zh-") for i in ids)


def test_fields_and_values(cases: list[dict[str, object]]) -> None:
    for case in cases:
        assert set(case) == KEYS, case["id"]
        assert case["lang"] in {"zh", "mixed"}, case["id"]
        assert case["author"] in {"customer", "seller"}, case["id"]
        source = case["source"]
        assert isinstance(source, str) and source.startswith(("http://", "https://")), case["id"]
        for key in ("genre", "adapted", "text"):
            value = case[key]
            assert isinstance(value, str) and value.strip(), (case["id"], key)


def test_labels_are_consistent(cases: list[dict[str, object]]) -> None:
    for case in cases:
        sent_at = datetime.fromisoformat(str(case["sent_at"]))
        assert sent_at.tzinfo is not None, case["id"]
        expected = case["expected"]
        assert isinstance(expected, list), case["id"]
        for step in expected:
            assert set(step) == {"actor", "due", "vague"}, case["id"]
            assert step["actor"] in {"customer", "joint"}, case["id"]
            assert isinstance(step["vague"], bool), case["id"]
            assert step["vague"] == (step["due"] is None), case["id"]
            for day in step["due"] or []:
                assert date.fromisoformat(day) >= sent_at.date(), (case["id"], day)
            if step["due"] is not None:
                assert step["due"], case["id"]


def test_quoted_share(cases: list[dict[str, object]]) -> None:
    quoted = [c for c in cases if any(m in str(c["text"]) for m in QUOTE_MARKERS)]
    assert len(quoted) / len(cases) >= 0.30
