"""Who promised to do what by when, read from one e-mail in English, Chinese or both.

The analyzer's next-step rule (DOMAIN.md, rule 3) needs, per message, the customer's
and joint next steps and whether each names a day. This module is that judgement:
strip quotes and signatures, split the new text into sentences and clauses, and for
each clause decide

1. whether it promises anything: questions, requests, negations, cancellations and
   auto-replies never do; a clause needs a future/commitment marker (or, in Chinese,
   a subject or strong action verb) together with a day, or a vague next-step phrase;
2. who acts, from grammar and author: "let's" / "together" / "咱们" / "双方" is joint;
   a second-person subject ("you'll bring Dana", "您说…会安排") is the other side (a
   rep's recap of the customer's promise); first person, "our …", third parties and
   subjectless clauses belong to the author's side ("we" written by a customer is the
   customer's company);
3. when (analyzer.dates): a resolved day makes a dated commitment; a vague time or
   phrase ("get back to you", "下个月") makes ``vague=True``. Conditionals ("if the
   budget is approved…") and hedges ("maybe", "可能") are vague even with a day.

Decided policies: "Let me check with my boss" / "我们内部评估一下" are vague next
steps of the author's side (vague at most, never dated); undated promises without a
next-step phrase ("we will sign the contract") are not reported, to keep "will"
small talk out; one commitment per actor per sentence (a day beats a vague phrase);
a day before the sent day is a reference to the past, not a promise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from analyzer import text_cues as cues
from analyzer.dates import TimeMention, find_times
from analyzer.quotes import strip_quoted

Actor = Literal["customer", "seller", "joint"]
Author = Literal["customer", "seller"]
AUTHORS: tuple[Author, ...] = ("customer", "seller")
_AUTO_REPLY_WINDOW = 200  # an auto-reply says so at the top of the body


@dataclass(frozen=True)
class Commitment:
    """A next step someone took on: ``due`` is the day or deadline day, if any."""

    actor: Actor
    due: dt.date | None
    vague: bool
    text: str


def extract_commitments(text: str, *, sent_at: dt.datetime, author: Author) -> list[Commitment]:
    """Commitments in the new text of one message, in order, without duplicates."""
    if sent_at.tzinfo is None or sent_at.utcoffset() is None:
        raise ValueError("sent_at must be an aware datetime")
    if author not in AUTHORS:
        raise ValueError(f"author must be one of {AUTHORS}, not {author!r}")
    body = strip_quoted(text)
    if cues.AUTO_REPLY.search(body[:_AUTO_REPLY_WINDOW]):
        return []
    today = sent_at.astimezone(sent_at.tzinfo).date()
    found: list[Commitment] = []
    seen: set[tuple[Actor, dt.date | None, bool]] = set()
    for sentence in split_sentences(body):
        for commitment in _sentence_commitments(sentence, today, author):
            key = (commitment.actor, commitment.due, commitment.vague)
            if key not in seen:
                seen.add(key)
                found.append(commitment)
    return found


def split_sentences(body: str) -> list[str]:
    parts = (part.strip() for part in cues.SENTENCE_END.split(body) if part)
    return [part for part in parts if part]


def _sentence_commitments(sentence: str, today: dt.date, author: Author) -> list[Commitment]:
    best: dict[Actor, Commitment] = {}
    if cues.QUESTION.search(sentence):
        return []
    conditional = False  # "如果预算批下来，我们下周三就可以签约": the condition carries forward
    for clause in cues.CLAUSE_BREAK.split(sentence):
        conditional = conditional or bool(cues.CONDITIONAL.search(clause))
        judged = _judge_clause(clause, sentence, today, author, conditional)
        if judged is None:
            continue
        held = best.get(judged.actor)
        if held is None or (held.vague and not judged.vague):
            best[judged.actor] = judged
    return list(best.values())


def _judge_clause(clause: str, sentence: str, today: dt.date, author: Author,
                  conditional: bool) -> Commitment | None:
    if _is_excluded(clause):
        return None
    times = find_times(clause, today)
    due = _pick_day(times, today)
    vague_time = any(t.due is None for t in times)
    vague_step = bool(cues.VAGUE_STEP.search(clause))
    hedged = bool(cues.HEDGE.search(clause))
    if due is None and not vague_time and not vague_step:
        return None
    if not _promises(clause, due is not None, vague_step, hedged):
        return None
    actor = resolve_actor(clause, author)
    if due is None or hedged or conditional:
        return Commitment(actor, None, True, sentence)
    return Commitment(actor, due, False, sentence)


def _is_excluded(clause: str) -> bool:
    return bool(cues.QUESTION.search(clause) or cues.REQUEST.search(clause)
                or cues.GRATITUDE.search(clause)
                or cues.NEGATION.search(clause) or cues.CANCEL.search(clause))


def _pick_day(times: list[TimeMention], today: dt.date) -> dt.date | None:
    """The first named day not in the past; "end of day" yields to any other day."""
    days = [t for t in times if t.due is not None and t.due >= today]
    strong = [t for t in days if not t.weak] or days
    return strong[0].due if strong else None


def _promises(clause: str, dated: bool, vague_step: bool, hedged: bool) -> bool:
    """Does the clause take something on, rather than describe or praise?"""
    if vague_step or cues.EN_MARKER.search(clause):
        return True
    if cues.HAS_CJK.search(clause):
        return bool(cues.ZH_MARKER.search(clause) or cues.ZH_PRONOUN.search(clause))
    return hedged and not dated


def _subject_text(clause: str) -> str:
    """The clause from its first subject pronoun on ("I", "我", "we", "我们", …)."""
    english = cues.EN_SUBJECT.search(clause)
    chinese = cues.ZH_PRONOUN.search(clause)
    starts = [m.start() for m in (english, chinese) if m is not None]
    return clause[min(starts):] if starts else clause


def resolve_actor(clause: str, author: Author) -> Actor:
    """Joint, the other side (second-person subject) or the author's side."""
    other: Actor = "seller" if author == "customer" else "customer"
    if cues.JOINT.search(clause):
        return "joint"
    if cues.TOGETHER.search(clause) and not cues.SINGULAR_SELF.match(_subject_text(clause)):
        return "joint"
    if cues.EN_OTHER_RECAP.search(clause):
        return other
    english = cues.EN_SUBJECT.search(clause)
    chinese = cues.ZH_PRONOUN.search(clause)
    first = min((m for m in (english, chinese) if m is not None), key=lambda m: m.start(),
                default=None)
    if first is None:
        return author
    if first is chinese:
        kind = first.lastgroup
        return "joint" if kind == "joint" else other if kind == "other" else author
    subject = " ".join(first["s"].lower().split())
    if subject in ("let's", "lets", "let us"):
        return "joint"
    return other if subject == "you" or subject.startswith("your ") else author
