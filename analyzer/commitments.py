"""Who promised to do what by when, read from one e-mail in English, Chinese or both.

The analyzer's next-step rule (docs/method.md, rule 3) needs, per message, the customer's
and joint next steps and whether each names a day. This module is that judgement:
strip quotes and signatures, split the new text into sentences and clauses (a new
subject after "and"/"but"/a Chinese comma starts a clause, and so does ", we'll" /
", I will" after a comma), and for each clause decide

1. whether it promises anything: questions, requests, thanks, negations,
   cancellations and auto-replies never do; a clause needs a future/commitment marker
   ("will", "'ll", "booked", "let's", "会", "安排", "把", "前" …) or, in Chinese, a
   subject pronoun, together with a day, or a vague next-step phrase. Two English
   forms promise without a future marker: perfective scheduling of an event ahead
   ("I have put the proposal on our committee agenda for March 12") and a present-tense
   decision verb with a day ("Our board decides by the end of this month", the twin of
   "月底前做决定") unless it is a routine ("we usually sign by the 5th");
2. who acts, from grammar and author: "let's" / "both teams" / "咱们" / "双方" is
   joint, and so is "together" / "一起" unless one person brings others along ("我
   请老板一起参加", "您带财务的同事一起来"); a second-person subject ("you'll bring
   Dana", "您说…会安排") is the other side — a rep's recap of the customer's promise —
   except when "you" only receives ("you'll hear from us by Friday"); first person,
   "our …", third parties and subjectless clauses belong to the author's side ("we"
   written by a customer is the customer's company), and so is a meeting with the other
   side that the author's side arranges for its own people ("我约了我们CFO周四和你们开会",
   "we'll bring our CTO to meet you");
3. when (analyzer.dates): a resolved day makes a dated commitment; a vague time or
   phrase ("get back to you", "下个月") makes ``vague=True``. A day must belong to
   the step's own stretch of the clause: one inside a stretch that looks back at what
   happened ("今天聊得很好，回头再联系", "Great meeting today, we'll get back to you",
   "we met on Monday and …") dates the past event and is dropped. Conditionals ("if the
   budget is approved…", carried to later clauses of the sentence) and hedges
   ("maybe", "可能", "估计") are vague even with a day. A day named in a leading clause
   that promises nothing carries to the next one ("Deadline 是 3/15，我们会按时提交").

Decided policies: "Let me check with my boss" / "我们内部评估一下" are vague next
steps of the author's side (vague at most, never dated); undated promises without a
next-step phrase ("we will sign the contract") are not reported, to keep "will"
small talk out; one commitment per actor per sentence (a day beats a vague phrase);
a day before the sent day is a reference to the past, not a promise.

Quality and speed are measured by bench/commitments.py; the figures live in
bench/README.md."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from dealnudge.analyzer import text_cues as cues
from dealnudge.analyzer.dates import TimeMention, best_day, find_times
from dealnudge.analyzer.quotes import strip_quoted
from dealnudge.analyzer.text_cues import Clause

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
    if cues.AUTO_REPLY(Clause.of(body[:_AUTO_REPLY_WINDOW])):
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
    """Sentences of the body; "Mar. 12th" and "3 p.m." do not end one."""
    sentences: list[str] = []
    start = 0
    for end in cues.SENTENCE_END.finditer(body):
        if end.group() == "." and cues.ABBREVIATION.search(body[max(0, end.start() - 6):
                                                                 end.start()].lower()):
            continue
        sentences.append(body[start:end.end()].strip())
        start = end.end()
    sentences.append(body[start:].strip())
    return [sentence for sentence in sentences if sentence]


def judge_sentence(sentence: str, today: dt.date, author: Author) -> list[Commitment]:
    """The steps one sentence of new text takes on (at most one per actor), as the
    extractor judges it; ``analyzer.evidence`` shows this per sentence."""
    return _sentence_commitments(sentence, today, author)


def _sentence_commitments(sentence: str, today: dt.date, author: Author) -> list[Commitment]:
    whole = Clause.of(sentence)
    if sentence.endswith(("?", "？")) or cues.QUESTION(whole):
        return []
    best: dict[Actor, Commitment] = {}
    state = _SentenceState()
    parts = cues.CLAUSE_BREAK.split(sentence)
    for part in parts:
        clause = whole if len(parts) == 1 else Clause.of(part)
        judged = _judge_clause(clause, sentence, today, author, state)
        if judged is None:
            continue
        held = best.get(judged.actor)
        if held is None or (held.vague and not judged.vague):
            best[judged.actor] = judged
    return list(best.values())


@dataclass
class _SentenceState:
    """What one clause hands to the next within a sentence."""

    conditional: bool = False  # "如果预算批下来，我们下周三就可以签约": the condition carries on
    unclaimed: dt.date | None = None  # "Deadline 是 3/15，我们会按时提交": the day carries on


def _judge_clause(clause: Clause, sentence: str, today: dt.date, author: Author,
                  state: _SentenceState) -> Commitment | None:
    state.conditional = state.conditional or cues.CONDITIONAL(clause)
    times = find_times(clause.text, today, clause.low)
    due = best_day(times, today)
    if due is not None:  # only a day can be misattached; vague times are left as they are
        ahead = _ahead_of_the_past(clause, times)
        if ahead is not times:
            times, due = ahead, best_day(ahead, today)
    due = due or state.unclaimed
    state.unclaimed = None
    vague_step = cues.VAGUE_STEP(clause)
    if due is None and not vague_step and all(t.due is not None for t in times):
        return None  # names no day and no next step
    if _is_excluded(clause):
        return None
    tentative = state.conditional or cues.HEDGE(clause)
    if not _promises(clause, vague_step, tentative):
        state.unclaimed = due
        return None
    actor = resolve_actor(clause, author)
    if due is None or tentative:
        return Commitment(actor, None, True, sentence)
    return Commitment(actor, due, False, sentence)


def _ahead_of_the_past(clause: Clause, times: list[TimeMention]) -> list[TimeMention]:
    """The times outside stretches that look back ("今天聊得很好", "great call today").

    A day must belong to the step's own stretch: in "今天聊得很好，回头再联系" the day
    dates the meeting just held, and the step after it stays vague.
    """
    past = _looking_back(clause) if times else []
    if not past:
        return times
    return [t for t in times if not _inside(t.start, past)]


def _looking_back(clause: Clause) -> list[tuple[int, int]]:
    """The stretches of the clause (between commas, "and", "然后" …) that look back."""
    low = clause.low
    stretches: list[tuple[int, int]] = []
    for start, end in cues.RETROSPECTIVE.spans(clause):
        before = [m.end() for m in cues.STRETCH_BREAK.finditer(low, 0, start)]
        after = cues.STRETCH_BREAK.search(low, end)
        stretches.append((before[-1] if before else 0, after.start() if after else len(low)))
    return stretches


def _inside(offset: int, stretches: list[tuple[int, int]]) -> bool:
    return any(lo <= offset < hi for lo, hi in stretches)


def _is_excluded(clause: Clause) -> bool:
    return (cues.QUESTION(clause) or cues.REQUEST(clause) or cues.GRATITUDE(clause)
            or cues.NEGATION(clause) or cues.CANCEL(clause))


def _promises(clause: Clause, vague_step: bool, tentative: bool) -> bool:
    """Does the clause take something on, rather than describe or praise?

    A hedge or a condition ("maybe in Q3", "if approved we could start Friday") is a
    tentative step: vague, but a step.
    """
    if vague_step or tentative:
        return True
    if cues.ROUTINE(clause):
        return False  # "we usually sign by the 5th", "我们一般24小时内回复"
    if cues.MARKER(clause) or cues.SCHEDULED(clause):
        return True
    if cues.PRESENT_ACTION(clause) and not cues.REPEATED(clause):
        return True  # "Our board decides by the end of this month"
    return clause.cjk and cues.ZH_PRONOUN.search(clause.low) is not None


def _subject(clause: Clause) -> re.Match[str] | None:
    """The first subject: an English pronoun/noun before a verb, or a Chinese pronoun."""
    english = cues.EN_SUBJECT.search(clause.low) if clause.latin else None
    chinese = cues.ZH_PRONOUN.search(clause.low) if clause.cjk else None
    return min((m for m in (english, chinese) if m is not None), key=lambda m: m.start(),
               default=None)


def resolve_actor(clause: Clause, author: Author) -> Actor:
    """Joint, the other side (second-person subject) or the author's side."""
    other: Actor = "seller" if author == "customer" else "customer"
    subject = _subject(clause)
    if cues.JOINT(clause) and not _joint_only_looking_back(clause):
        return author if _brings_others(clause, subject) else "joint"
    if cues.TOGETHER(clause) and not (
            subject is not None and cues.SINGULAR.match(clause.low, subject.start())):
        return author if _brings_others(clause, subject) else "joint"
    if cues.OTHER_RECAP(clause):
        return other
    if cues.YOU_RECEIVE(clause):
        return author
    if subject is None:
        return author
    if subject.re is cues.ZH_PRONOUN:
        kind = subject.lastgroup
        return "joint" if kind == "joint" else other if kind == "other" else author
    word = " ".join(subject["s"].split())
    if word in ("let's", "let’s", "lets", "let us"):
        return "joint"
    return other if word == "you" or word.startswith("your ") else author


def _brings_others(clause: Clause, subject: re.Match[str] | None) -> bool:
    """The author's side arranges for its own people to meet the other side.

    "我约了我们CFO周四和你们开会" / "we'll bring our CTO to meet you": the meeting is
    joint, but the step taken on is the author's side's.
    """
    if subject is None:
        return False
    if subject.re is cues.ZH_PRONOUN:
        own = subject.lastgroup == "own"
    else:
        word = " ".join(subject["s"].split())
        own = word in ("i", "we") or word.startswith(("our ", "my "))
    return own and cues.BRINGS_OTHERS(clause)


def _joint_only_looking_back(clause: Clause) -> bool:
    """Every joint cue sits in a look-back stretch ("今天见面非常愉快，回头再联系")."""
    past = _looking_back(clause)
    return bool(past) and all(_inside(start, past) for start, _ in cues.JOINT.spans(clause))
