"""The real-world corpus, its fixed dev/test split, and the per-e-mail headline score.

The corpus (tests/commitments/corpus/*.jsonl) holds whole e-mails from public pages —
``<lang>.jsonl`` adapted from them, ``<lang>_verbatim.jsonl`` in their authors' own
words — each labelled with the customer's and joint next steps of its own text. Every
case id is assigned once and for all to *dev* or *test* by a hash of a fixed seed and
the id, so cases added later never move an existing case between the splits.

Only dev is for tuning: tests may iterate dev cases one by one. The test split is
scored only in aggregate by ``bench/commitments.py``; nothing here prints or
parametrizes its cases.

The headline is one judgement per e-mail, the one the next-step rule rests on: *does
this e-mail hold a dated customer (or joint) next step?*

* predicted positive: ``extract_commitments`` returns a customer or joint commitment
  with a ``due`` day and ``vague`` False;
* expected positive: the labels hold a customer or joint step with accepted days;
* a true positive is *date right* when the earliest predicted dated customer/joint day
  is among the accepted days of any expected dated step (the earliest, because the
  next-step and slipped-commitment rules care about the first day the customer owes);
* precision, recall, F1 and date accuracy (date right / true positives) are counted
  over e-mails, per language. A mail labelled "mixed" is counted with the language of
  the corpus file it sits in (its dominant language), and is also reported on its own.

Intervals are percentile bootstrap intervals over e-mails (resampled with
replacement within each language, fixed seed), so they are reproducible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dealnudge.analyzer.commitments import Author, Commitment, extract_commitments

CORPUS_DIR = Path(__file__).parent / "corpus"
SPLIT_SEED = "dealnudge-corpus-2026"
DEV_SHARE = 0.6
BOOTSTRAP_SEED = 20260302
BOOTSTRAP_RESAMPLES = 2000
LANGUAGES = ("en", "zh")

Split = Literal["dev", "test"]


@dataclass(frozen=True)
class Expected:
    actor: str
    due: tuple[dt.date, ...] | None
    vague: bool


@dataclass(frozen=True)
class MailCase:
    id: str
    lang: str  # the dominant language: the corpus file's
    labelled_lang: str  # as labelled: en, zh or mixed
    verbatim: bool  # from a *_verbatim file: the page's own words
    author: Author
    sent_at: dt.datetime
    genre: str
    text: str
    expected: tuple[Expected, ...]

    @property
    def accepted_days(self) -> frozenset[dt.date]:
        """Every day a careful reader accepts for some dated customer/joint step."""
        return frozenset(day for step in self.expected if not step.vague and step.due
                         for day in step.due)


def split_of(case_id: str) -> Split:
    """dev or test, from a hash of the seed and the id alone: stable as the corpus grows."""
    digest = hashlib.sha256(f"{SPLIT_SEED}:{case_id}".encode()).digest()
    return "dev" if int.from_bytes(digest[:8], "big") / 2**64 < DEV_SHARE else "test"


def _parse(raw: dict[str, object], lang: str, verbatim: bool) -> MailCase:
    steps = []
    for item in raw["expected"]:  # type: ignore[attr-defined]
        due = item["due"]
        steps.append(Expected(str(item["actor"]), None if due is None else
                              tuple(dt.date.fromisoformat(d) for d in due), bool(item["vague"])))
    return MailCase(str(raw["id"]), lang, str(raw["lang"]), verbatim,
                    raw["author"],  # type: ignore[arg-type]
                    dt.datetime.fromisoformat(str(raw["sent_at"])), str(raw.get("genre", "")),
                    str(raw["text"]), tuple(steps))


def load_corpus(directory: Path = CORPUS_DIR) -> list[MailCase]:
    cases: list[MailCase] = []
    for lang in LANGUAGES:
        for path in sorted(directory.glob(f"{lang}*.jsonl")):
            verbatim = path.stem.endswith("_verbatim")
            cases.extend(_parse(json.loads(line), lang, verbatim)
                         for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return cases


def load_split(split: Split, directory: Path = CORPUS_DIR) -> list[MailCase]:
    return [case for case in load_corpus(directory) if split_of(case.id) == split]


def dated_customer_days(found: Iterable[Commitment]) -> list[dt.date]:
    """The days of the customer's and joint dated, specific steps."""
    return [c.due for c in found
            if c.actor in ("customer", "joint") and c.due is not None and not c.vague]


Predictor = Callable[[MailCase], dt.date | None]


def predict_day(case: MailCase) -> dt.date | None:
    """The earliest dated customer/joint day the extractor finds, or None."""
    found = extract_commitments(case.text, sent_at=case.sent_at, author=case.author)
    days = dated_customer_days(found)
    return min(days) if days else None


@dataclass(frozen=True)
class Outcome:
    """One e-mail's headline judgement."""

    expected: bool
    predicted: bool
    date_right: bool


def judge(case: MailCase, day: dt.date | None) -> Outcome:
    accepted = case.accepted_days
    return Outcome(bool(accepted), day is not None, day is not None and day in accepted)


@dataclass(frozen=True)
class Figures:
    mails: int
    tp: int
    fp: int
    fn: int
    date_right: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def date_accuracy(self) -> float:
        return self.date_right / self.tp if self.tp else 1.0


def figures(outcomes: Sequence[Outcome]) -> Figures:
    tp = sum(o.expected and o.predicted for o in outcomes)
    fp = sum(o.predicted and not o.expected for o in outcomes)
    fn = sum(o.expected and not o.predicted for o in outcomes)
    right = sum(o.expected and o.predicted and o.date_right for o in outcomes)
    return Figures(len(outcomes), tp, fp, fn, right)


METRICS = ("precision", "recall", "f1", "date_accuracy")


def bootstrap(outcomes: Sequence[Outcome], resamples: int = BOOTSTRAP_RESAMPLES,
              seed: int = BOOTSTRAP_SEED) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of each metric, resampling e-mails with replacement."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {name: [] for name in METRICS}
    n = len(outcomes)
    for _ in range(resamples if n else 0):
        drawn = figures([outcomes[rng.randrange(n)] for _ in range(n)])
        for name in METRICS:
            samples[name].append(getattr(drawn, name))
    intervals: dict[str, tuple[float, float]] = {}
    for name, values in samples.items():
        values.sort()
        if not values:
            intervals[name] = (float("nan"), float("nan"))
            continue
        intervals[name] = (values[int(0.025 * len(values))],
                           values[min(len(values) - 1, int(0.975 * len(values)))])
    return intervals


def outcomes_by_language(cases: Sequence[MailCase], predictor: Predictor = predict_day
                         ) -> dict[str, list[Outcome]]:
    """Outcomes per dominant language, plus the labelled-mixed mails and, per language,
    the verbatim mails on their own."""
    grouped: dict[str, list[Outcome]] = {lang: [] for lang in LANGUAGES}
    grouped["mixed"] = []
    for lang in LANGUAGES:
        grouped[f"{lang}-verbatim"] = []
    for case in cases:
        outcome = judge(case, predictor(case))
        grouped[case.lang].append(outcome)
        if case.labelled_lang == "mixed":
            grouped["mixed"].append(outcome)
        if case.verbatim:
            grouped[f"{case.lang}-verbatim"].append(outcome)
    return grouped
