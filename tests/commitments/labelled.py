"""Labelled commitment cases and how predictions are scored against them.

Shared by the tests and ``bench/commitments.py`` so both count the same way:

* per case, each expected commitment is matched to at most one predicted commitment
  with the same ``actor`` and ``vague`` (preferring one with the same ``due``);
* true positives are matched pairs, false positives the unmatched predictions, false
  negatives the unmatched expectations; precision / recall / F1 are micro-averaged
  over all cases (a case with no expected and no predicted commitment adds nothing,
  a non-commitment that produced one adds a false positive);
* date accuracy is the share of matched *dated* expectations whose ``due`` is right;
* exact is the share of cases whose whole prediction equals the expectation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dealnudge.analyzer.commitments import Author, Commitment, extract_commitments

HERE = Path(__file__).parent
# The project's own one-line cases, tuned on; the former held-out set (ids "heldout-…")
# was scored after every tuning round, so it is dev material now. Generalisation is
# measured on the real-world corpus's test split (realworld.py, bench/commitments.py).
DEV_SET = HERE / "dev_set.jsonl"

Key = tuple[str, dt.date | None, bool]


@dataclass(frozen=True)
class Case:
    id: str
    lang: str
    author: Author
    sent_at: dt.datetime
    text: str
    expected: tuple[Key, ...]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    dated: int = 0
    dated_right: int = 0
    cases: int = 0
    exact: int = 0
    failures: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, float | int]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "cases": self.cases, "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "date_accuracy": round(self.dated_right / self.dated, 4) if self.dated else 1.0,
            "dated_matched": self.dated, "exact_cases": round(self.exact / self.cases, 4)
            if self.cases else 1.0,
        }


def load_cases(path: Path) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        expected = tuple(
            (item["actor"], None if item["due"] is None else dt.date.fromisoformat(item["due"]),
             bool(item["vague"])) for item in raw["expected"])
        cases.append(Case(raw["id"], raw["lang"], raw["author"],
                          dt.datetime.fromisoformat(raw["sent_at"]), raw["text"], expected))
    return cases


def keys(found: Iterable[Commitment]) -> list[Key]:
    return [(c.actor, c.due, c.vague) for c in found]


def predict(case: Case) -> list[Key]:
    return keys(extract_commitments(case.text, sent_at=case.sent_at, author=case.author))


def add_case(score: Score, case_id: str, expected: list[Key], predicted: list[Key]) -> None:
    """Match expected to predicted commitments and add the counts to ``score``."""
    unused = list(predicted)
    score.cases += 1
    score.exact += sorted(map(repr, expected)) == sorted(map(repr, predicted))
    for actor, due, vague in expected:
        same = [p for p in unused if p[0] == actor and p[2] == vague]
        if not same:
            score.fn += 1
            continue
        chosen = next((p for p in same if p[1] == due), same[0])
        unused.remove(chosen)
        score.tp += 1
        if not vague:
            score.dated += 1
            score.dated_right += chosen[1] == due
    score.fp += len(unused)
    if sorted(map(repr, expected)) != sorted(map(repr, predicted)):
        score.failures.append(f"{case_id}: expected {expected}, got {predicted}")


def evaluate(cases: list[Case], predictor: Callable[[Case], list[Key]] = predict
             ) -> dict[str, Score]:
    """Scores overall and per language ("all", "en", "zh", "mixed")."""
    scores: dict[str, Score] = {"all": Score()}
    for case in cases:
        predicted = predictor(case)
        for bucket in ("all", case.lang):
            add_case(scores.setdefault(bucket, Score()), case.id, list(case.expected), predicted)
    return scores
