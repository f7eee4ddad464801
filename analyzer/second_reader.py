"""A learned second reader for the mails the rules find no dated customer step in.

The rules (analyzer.commitments) are precise but only see the phrasings they were
written for; on fresh real-world mail they miss a dated step more often than they
invent one. This reader looks again at each day the rules' own date reader finds in
the mail's own sentences (never in the quote) and scores "is this a dated next step of
the customer, or of both sides?" with a logistic regression over simple features:
the sentence's words and word pairs and which of the rules' cues it shows (a meeting,
a proposal, a scheduled event, both sides, …; each also tagged with the author's side),
the words just before and after the day, how far ahead the day is, the date's kind, the
sentence's place in the mail and whether it asks a question.

It only speaks when the rules found no dated customer or joint step, only on the
sentences and days the rules leave to it (``commitments.open_to_reader`` and
``commitments.decided_days``), and only for a day at least as likely as the model's
threshold (0.5); a numeric date the writer's order cannot decide is no candidate (the
date reader gives it no day), so it never guesses a day.

The weights (``second_reader.json``) are trained on the corpus's dev split only, by
``bench/train_second_reader.py``; bench/README.md records how the threshold and the
features were chosen. Scoring is a dictionary lookup per feature.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from dealnudge.analyzer import text_cues as cues
from dealnudge.analyzer.dates import find_times, fold, may_name_a_time
from dealnudge.analyzer.text_locale import Order

MODEL_FILE = Path(__file__).with_name("second_reader.json")
_WORD = re.compile(r"[a-z]+|[\u4e00-\u9fff]")
_CONTEXT_CHARS = 30  # the words this close before and after the day
_QUESTION = ("?", "？")
_SCORE_LIMIT = 50.0  # a logit beyond ±50 is a probability of 0 or 1 to double precision
_CUES = (("marker", cues.MARKER), ("suits", cues.SUITS), ("joint", cues.JOINT),
         ("together", cues.TOGETHER), ("scheduled", cues.SCHEDULED),
         ("present", cues.PRESENT_ACTION), ("meeting", cues.MEETING), ("proposal", cues.PROPOSAL),
         ("group", cues.GROUP_ACTIVITY), ("hosted", cues.HOSTED_EVENT), ("invited", cues.INVITED),
         ("other_said", cues.OTHER_SAID), ("you_receive", cues.YOU_RECEIVE),
         ("other_recap", cues.OTHER_RECAP), ("vague_step", cues.VAGUE_STEP))


@dataclass(frozen=True)
class Candidate:
    """One day named in one sentence of the mail's own text, with its features."""

    due: dt.date
    sentence: str
    features: tuple[str, ...]


@dataclass(frozen=True)
class Model:
    bias: float
    threshold: float
    weights: dict[str, float]

    def probability(self, features: Sequence[str]) -> float:
        weights = self.weights
        score = self.bias + sum(weights.get(f, 0.0) for f in features)
        # a long sentence of many distinct words can sum past what exp() takes
        return 1.0 / (1.0 + math.exp(-max(-_SCORE_LIMIT, min(_SCORE_LIMIT, score))))


def _words(text: str) -> list[str]:
    """Lower-case words and single CJK characters, each with the pair it ends."""
    tokens = _WORD.findall(text)
    pairs = [f"{a}_{b}" for a, b in pairwise(tokens)]
    return tokens + pairs


def _ahead(days: int) -> str:
    if days <= 1:
        return str(days)
    return "week" if days <= 7 else "month" if days <= 31 else "far"


def candidates(sentences: Sequence[str], today: dt.date, order: Order | None,
               author: str, taken: Collection[dt.date] = ()) -> Iterator[Candidate]:
    """Every day on or after ``today`` that a sentence names, with its features.

    ``taken`` are days whose reading the rules decided (``commitments.decided_days``:
    hedged days, and in a customer's mail the seller's), so they are no candidates.
    """
    for index, sentence in enumerate(sentences):
        low = fold(sentence)
        if not may_name_a_time(low):
            continue
        words: set[str] | None = None
        for mention in find_times(sentence, today, low, order):
            if mention.due is None or mention.due < today or mention.due in taken:
                continue
            if words is None:
                words = set(_words(low))
                clause = cues.Clause.of(sentence)
                hits = [name for name, cue in _CUES if cue(clause)]
            features = [f"author={author}", f"rank={mention.rank}",
                        f"ahead={_ahead((mention.due - today).days)}", f"pos={min(index, 3)}"]
            features += [f"cue:{h}" for h in hits] + [f"{author}:cue:{h}" for h in hits]
            features += [f"w:{w}" for w in words]
            features += [f"{author}:w:{w}" for w in words]
            features += [f"pre:{w}" for w in set(_words(
                low[max(0, mention.start - _CONTEXT_CHARS):mention.start]))]
            features += [f"post:{w}" for w in set(_words(
                low[mention.end:mention.end + _CONTEXT_CHARS]))]
            if any(mark in sentence for mark in _QUESTION):
                features.append("q")
            yield Candidate(mention.due, sentence, tuple(features))


@cache
def model() -> Model:
    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    return Model(float(raw["bias"]), float(raw["threshold"]),
                 {str(k): float(v) for k, v in raw["weights"].items()})


def best_step(sentences: Sequence[str], today: dt.date, order: Order | None,
              author: str, taken: Collection[dt.date] = ()) -> Candidate | None:
    """The likeliest dated customer/joint step, when it clears the threshold."""
    reader = model()
    best: tuple[float, Candidate] | None = None
    for candidate in candidates(sentences, today, order, author, taken):
        p = reader.probability(candidate.features)
        if p >= reader.threshold and (best is None or p > best[0]):
            best = (p, candidate)
    return None if best is None else best[1]
