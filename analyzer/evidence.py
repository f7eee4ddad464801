"""Sentence by sentence: what the commitment reader made of one e-mail, and why.

``extract_commitments`` answers "which next steps does this message hold?"; a rep who
thinks a finding is wrong needs the other half too: which sentences were read, which
were left out (quoted earlier messages, signatures, auto-replies) and what each read
sentence amounted to (who acts, on which day, vague or not, and whether that counts
as the customer's dated next step). This module gives that trail with the same
stripping and the same per-sentence judgement the extractor uses, so what is shown
is what was judged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from dealnudge.analyzer import text_cues as cues
from dealnudge.analyzer.commitments import (
    Author,
    Commitment,
    extract_commitments,
    judge_sentence,
    split_sentences,
)
from dealnudge.analyzer.quotes import zones
from dealnudge.analyzer.text_cues import Clause
from dealnudge.analyzer.text_locale import numeric_order

Part = Literal["new", "quoted", "signature", "auto_reply"]
_AUTO_REPLY_WINDOW = 200


@dataclass(frozen=True)
class SentenceVerdict:
    """One sentence (or a left-out block) and what it amounted to."""

    text: str
    part: Part
    actor: str | None  # customer | seller | joint, when the sentence takes on a step
    due: dt.date | None
    vague: bool | None
    evidence: bool  # a dated customer or joint step: what rule 3 looks for
    why: str

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "part": self.part, "actor": self.actor,
                "due": self.due.isoformat() if self.due else None, "vague": self.vague,
                "evidence": self.evidence, "why": self.why}


def _verdict(sentence: str, step: Commitment, author: Author) -> SentenceVerdict:
    dated = step.due is not None and not step.vague
    if step.actor == "seller":
        who = "the rep's own promise" if author == "seller" else "a step for the seller's side"
        why = f"{who}: not a customer action"
    elif dated:
        why = "a dated customer step" if step.actor == "customer" else "a dated joint step"
    else:
        why = "a customer step without a day: vague"
    return SentenceVerdict(sentence, "new", step.actor, step.due, step.vague,
                           step.actor in ("customer", "joint") and dated, why)


def judge_message(body: str, *, sent_at: dt.datetime, author: Author | None,
                  auto_reply: bool = False) -> list[SentenceVerdict]:
    """Every sentence of the new text with its verdict, then the blocks left out."""
    split = zones(body)
    left_out = [SentenceVerdict(q, "quoted", None, None, None, False,
                                "quoted from an earlier message: never evidence")
                for q in split.quoted]
    left_out += [SentenceVerdict(s, "signature", None, None, None, False,
                                 "signature or sign-off: never evidence")
                 for s in split.signature]
    if auto_reply or cues.AUTO_REPLY(Clause.of(split.new[:_AUTO_REPLY_WINDOW])):
        return [SentenceVerdict(split.new, "auto_reply", None, None, None, False,
                                "an automatic reply: never evidence"), *left_out]
    if author is None:
        return [SentenceVerdict(split.new, "new", None, None, None, False,
                                "written by neither the customer nor the team"), *left_out]
    today = sent_at.astimezone(sent_at.tzinfo).date()
    order = numeric_order(body, sent_at)  # the writer's day/month order, as the extractor reads it
    verdicts = []
    for sentence in split_sentences(split.new):
        steps = judge_sentence(sentence, today, author, order)
        if not steps:
            verdicts.append(SentenceVerdict(sentence, "new", None, None, None, False,
                                            "takes on no next step"))
        verdicts += [_verdict(sentence, step, author) for step in steps]
    return verdicts + _whole_mail_steps(body, sent_at, author, verdicts) + left_out


def _whole_mail_steps(body: str, sent_at: dt.datetime, author: Author,
                      shown: list[SentenceVerdict]) -> list[SentenceVerdict]:
    """Steps the extractor reads from the mail as a whole (action-item lists, owner
    tables, a reply accepting a day proposed in the quote) that no single sentence
    shows, so the trail holds every step the finding rests on."""
    seen = {(v.actor, v.due, v.vague) for v in shown}
    extra = []
    for step in extract_commitments(body, sent_at=sent_at, author=author):
        if (step.actor, step.due, step.vague) in seen:
            continue
        verdict = _verdict(step.text, step, author)
        how = ("read by the second reader, a learned score of the sentence used when the "
               "rules find no dated customer step" if step.by == "second reader" else
               "read from the mail's structure: a list, a table or a reply accepting a "
               "proposed day")
        extra.append(SentenceVerdict(
            verdict.text, "new", verdict.actor, verdict.due, verdict.vague, verdict.evidence,
            f"{verdict.why} ({how})"))
    return extra
