"""Train the second reader's weights on the corpus's dev split, and say how it scores.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python -m bench.train_second_reader           # 5-fold figures on dev
    .venv/bin/python -m bench.train_second_reader --write   # and rewrite the weights

Each candidate is a day the rules' date reader finds in a dev mail's own sentences,
labelled positive when it is one of the days the mail's labels accept for a customer
or joint step. The model is scikit-learn's logistic regression (L2, C=1) over the
binary features of ``analyzer.second_reader.candidates``; the weights are written as
JSON so the service needs no scikit-learn at run time. Only the dev split is read:
the test split is scored by ``bench/commitments.py`` alone, in aggregate.

The 5-fold figures train on four fifths of dev and score the fifth, with the rules
alone and with the rules plus the reader. The rules were tuned on dev, so the gain
there understates what the reader adds on mail the rules have not seen (see
bench/README.md for how the threshold was chosen on dev batches the rules had not
yet been tuned on).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from dealnudge.analyzer import second_reader
from dealnudge.analyzer.commitments import decided_days, open_to_reader, read_by_rules

from tests.commitments.realworld import (
    LANGUAGES,
    MailCase,
    Outcome,
    dated_customer_days,
    figures,
    judge,
    load_split,
)

C = 1.0
THRESHOLD = 0.5
FOLDS = 5
SEED = 20261207
MIN_WEIGHT = 1e-4  # smaller weights are dropped from the file: they change no decision


class _Mail:
    """One dev mail: its rules' earliest dated customer day, and its candidates."""

    def __init__(self, case: MailCase) -> None:
        self.case = case
        found, reading = read_by_rules(case.text, sent_at=case.sent_at, author=case.author)
        days = dated_customer_days(found)
        self.rule_day: dt.date | None = min(days) if days else None
        self.candidates = [] if reading is None else list(second_reader.candidates(
            open_to_reader(reading), reading.today, reading.order, case.author,
            decided_days(found, case.author)))

    def labels(self) -> list[int]:
        return [int(c.due in self.case.accepted_days) for c in self.candidates]


def _fit(mails: Sequence[_Mail]) -> second_reader.Model:
    from sklearn.feature_extraction import DictVectorizer  # the bench extra
    from sklearn.linear_model import LogisticRegression

    rows = [dict.fromkeys(c.features, 1) for mail in mails for c in mail.candidates]
    labels = [label for mail in mails for label in mail.labels()]
    vectorizer = DictVectorizer()
    fitted = LogisticRegression(C=C, max_iter=5000).fit(vectorizer.fit_transform(rows), labels)
    weights = {name: round(float(w), 5) for name, w in
               zip(vectorizer.get_feature_names_out(), fitted.coef_[0], strict=True)
               if abs(w) >= MIN_WEIGHT}
    return second_reader.Model(round(float(fitted.intercept_[0]), 5), THRESHOLD, weights)


def _combined_day(mail: _Mail, model: second_reader.Model) -> dt.date | None:
    if mail.rule_day is not None:
        return mail.rule_day
    scored = [(model.probability(c.features), c.due) for c in mail.candidates]
    best = max(scored, default=None, key=lambda pair: pair[0])
    return best[1] if best is not None and best[0] >= model.threshold else None


def cross_validated(mails: Sequence[_Mail]) -> dict[str, dict[str, list[Outcome]]]:
    order = list(range(len(mails)))
    random.Random(SEED).shuffle(order)
    fold_of = {index: rank % FOLDS for rank, index in enumerate(order)}
    outcomes: dict[str, dict[str, list[Outcome]]] = {
        lang: {"rules": [], "rules + reader": []} for lang in LANGUAGES}
    for fold in range(FOLDS):
        model = _fit([m for i, m in enumerate(mails) if fold_of[i] != fold])
        for i, mail in enumerate(mails):
            if fold_of[i] == fold:
                by = outcomes[mail.case.lang]
                by["rules"].append(judge(mail.case, mail.rule_day))
                by["rules + reader"].append(judge(mail.case, _combined_day(mail, model)))
    return outcomes


def fingerprint(mails: Sequence[_Mail]) -> str:
    """A digest of everything the model learns from: each dev mail's candidate days, their
    labels and features. It changes when dev or the rules' reading of it changes, which is
    when the weights must be trained again (a test compares it with the file's)."""
    digest = hashlib.sha256()
    for mail in sorted(mails, key=lambda m: m.case.id):
        for candidate, label in zip(mail.candidates, mail.labels(), strict=True):
            digest.update(f"{mail.case.id}|{candidate.due}|{label}|".encode())
            digest.update("\x1f".join(sorted(candidate.features)).encode())
    return digest.hexdigest()


def dev_mails() -> list[_Mail]:
    return [_Mail(case) for case in load_split("dev")]


def write(model: second_reader.Model, mails: Sequence[_Mail],
          path: Path = second_reader.MODEL_FILE) -> None:
    payload = {
        "about": "dealnudge second reader: logistic regression weights, trained on the "
                 f"corpus dev split ({len(mails)} mails) by bench/train_second_reader.py",
        "trained_on": fingerprint(mails),
        "bias": model.bias,
        "threshold": model.threshold,
        "weights": dict(sorted(model.weights.items())),
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true",
                        help="retrain on all of dev and rewrite analyzer/second_reader.json")
    args = parser.parse_args(argv)
    print("reading the dev split with the rules…", file=sys.stderr)
    mails = dev_mails()
    print(f"{len(mails)} dev mails, {sum(len(m.candidates) for m in mails)} candidate days, "
          f"{sum(sum(m.labels()) for m in mails)} of them accepted", file=sys.stderr)
    print("| lang | reader | mails | precision | recall | F1 | date accuracy |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for lang, by in cross_validated(mails).items():
        for name, outcomes in by.items():
            f = figures(outcomes)
            print(f"| {lang} | {name} | {f.mails} | {f.precision:.3f} | {f.recall:.3f} "
                  f"| {f.f1:.3f} | {f.date_accuracy:.3f} |")
    if args.write:
        model = _fit(mails)
        write(model, mails)
        print(f"wrote {len(model.weights)} weights to {second_reader.MODEL_FILE}", file=sys.stderr)


if __name__ == "__main__":
    main()
