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

Whole e-mails add shapes a sentence reader cannot see, each in its own module:
action-item lists, owner lines, tables and minutes (analyzer.text_structure), the
writer's numeric date order (analyzer.text_locale), and replies that accept a day
their quote proposed (analyzer.text_replies). A reschedule commits to the new day,
even asked as a question ("Could we do Tuesday 26 May instead?"); waiting for the
other side's delivery, terms counted from an event, closures and absences, and a
choice between days are not dated steps. Measured figures: bench/README.md."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from dealnudge.analyzer import second_reader
from dealnudge.analyzer import text_cues as cues
from dealnudge.analyzer import text_cues_sides as sides
from dealnudge.analyzer.dates import (
    TimeMention,
    best_day,
    find_times,
    fold,
    folds_by_character,
    may_name_a_time,
)
from dealnudge.analyzer.quotes import quoted_part, strip_quoted, unquoted_part
from dealnudge.analyzer.text_cues import Clause
from dealnudge.analyzer.text_locale import Order, numeric_order
from dealnudge.analyzer.text_replies import ACCEPTS, pinned_by_proposal, proposed_days
from dealnudge.analyzer.text_structure import read_lists

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
    # "rules", or "second reader" for a step the learned reader found (analyzer.second_reader);
    # not part of a commitment's identity or repr
    by: str = field(default="rules", compare=False, repr=False)


def extract_commitments(text: str, *, sent_at: dt.datetime, author: Author) -> list[Commitment]:
    """Commitments in the new text of one message, in order, without duplicates.

    The rules read first; when they find no dated customer or joint step, the learned
    second reader (analyzer.second_reader) looks again at the days the mail names.
    """
    found, reading = read_by_rules(text, sent_at=sent_at, author=author)
    if reading is not None and not any(
            c.actor != "seller" and c.due is not None and not c.vague for c in found):
        judged = {c.text for c in found}  # the rules took a step from these: not retaken
        sentences = [s for s in open_to_reader(reading) if s not in judged]
        step = second_reader.best_step(sentences, reading.today, reading.order, author,
                                       decided_days(found, author))
        if step is not None:
            found.append(Commitment("customer" if author == "customer" else "joint",
                                    step.due, False, step.sentence.strip(), "second reader"))
    return found


def decided_days(found: list[Commitment], author: Author) -> set[dt.date]:
    """Days the rules read as hedged, and in a customer's mail the days they gave to the
    seller: not the reader's to retake. In a rep's own mail a day the rules gave the rep
    may still be a meeting of both sides ("we will initiate the End User training from
    20 Feb"), which the reader weighs."""
    return {c.due for c in found if c.due is not None and (
        c.vague or (c.actor == "seller" and author == "customer"))}


def open_to_reader(reading: Reading) -> list[str]:
    """The sentences the second reader may weigh.

    Not the subject line (the rules read it on their own), not a sentence that asks the
    other side ("By Thursday do you mean tomorrow 10/8 or", a question whose mark a line
    break carried away), and none the rules' own cues rule out as a promise: a question
    or request, thanks, waiting for the other side, a refusal, a cancellation or a move,
    a hedge or a hope, a condition, a routine or a calendar period, a term counted from an
    event, a payment falling due or an agreement expiring, a look back or an absence,
    checking a day, a delivery, an old day or "the week of" a later date, a holiday,
    being in the office. Only sentences that may name a time are looked at at all."""
    sentences = reading.sentences
    # only a sentence that may name a day can give the reader a candidate: the others
    # are left out before any cue is tried (most sentences of most mails)
    timed = [(s, Clause.of(s)) for s in sentences if not s.rstrip().endswith(("?", "？"))
             and s.strip() != reading.subject and may_name_a_time(fold(s))]
    if not timed:
        return []
    open_sentences = []
    for sentence, clause in timed:
        low = clause.low
        if _OLD_DAY_HINT.search(low) or _WEEK_OF.search(low) or _NOT_A_STEP.search(low):
            continue
        if not any(cue(clause) for cue in _NOT_FOR_THE_READER):
            open_sentences.append(sentence)
    return open_sentences


_NOT_FOR_THE_READER = (
    cues.QUESTION, cues.REQUEST, cues.ASKS_OTHER, cues.GRATITUDE, cues.AWAIT_OTHER, cues.NEGATION,
    cues.CANCEL, cues.POSTPONED, cues.RESCHEDULE, cues.HEDGE, cues.CONDITIONAL, cues.ROUTINE,
    cues.REPEATED, cues.RELATIVE_TERM, cues.RETROSPECTIVE, cues.AWAY, sides.CHECKING,
    sides.SELLER_DELIVERY, sides.OTHER_DELIVERS, sides.PAYMENT_DUE, sides.EXPIRES)
_NOT_A_STEP = re.compile(
    r"(?<![a-z])(?:hop(?:e|es|ing)|wish(?:es|ed)?|(?:ends?|ending|expires?|expiring|runs?\s+out|starts?|begins?"
    r"|renews|auto-?renews)\s+(?:on|in|at)|(?:do|did|does|are|can|could|would|will)\s+you"
    r"|holidays?|vacation|deliver(?:y|ies|ed)?|ship(?:s|ped|ping|ment)?|in\s+(?:the|my|our)\s+office|out\s+of\s+(?:the\s+)?office)"
    r"(?![a-z])|希望|到期|交货|发货|送货|到货|放假|休假|假期")


@dataclass(frozen=True)
class Reading:
    """What the rules made of a mail's own text: its sentences, day and date order."""

    sentences: list[str]
    today: dt.date
    order: Order | None
    subject: str | None  # the "Subject:" line's text, which the rules read on their own


def read_by_rules(text: str, *, sent_at: dt.datetime, author: Author
                  ) -> tuple[list[Commitment], Reading | None]:
    """The rules' commitments, and the reading they rest on (None for an auto-reply)."""
    if sent_at.tzinfo is None or sent_at.utcoffset() is None:
        raise ValueError("sent_at must be an aware datetime")
    if author not in AUTHORS:
        raise ValueError(f"author must be one of {AUTHORS}, not {author!r}")
    body = strip_quoted(text)
    subject = _SUBJECT_LINE.search(body[:_SUBJECT_WINDOW]) if body[:_SUBJECT_WINDOW].lstrip(
        " \t#")[:1] in _SUBJECT_FIRST else None
    if _may_name_subject(body):
        body = _SUBJECT.sub("", _REPLY_SUBJECT.sub("", body))  # a reply's subject is the other message's
    if body[:8].lstrip()[:2].lower() in _REPLY_TITLE_FIRST or body[:8].lstrip()[:1] == "[":
        body = _REPLY_TITLE.sub("", body, count=1)  # "Re: Board meeting on October 11" heading a reply
    if cues.AUTO_REPLY(Clause.of(body[:_AUTO_REPLY_WINDOW])):
        return [], None
    today = sent_at.astimezone(sent_at.tzinfo).date()
    order = numeric_order(text, sent_at) if _NUMERIC_DATE.search(text) else None
    if "纪要" in body[:_MINUTES_WINDOW] or "minutes" in body[:_MINUTES_WINDOW].lower():
        today = _meeting_day(body, today, order) or today  # minutes count "两周后" from the meeting
    found: list[Commitment] = []
    seen: set[tuple[Actor, dt.date | None, bool]] = set()
    items, rest = read_lists(body, today, author, order, lambda: unquoted_part(text)[-_SIGNATURE_CHARS:])
    candidates = [Commitment(item.actor, item.due, item.due is None, item.text) for item in items]
    if subject is not None and (not _REPLY_TITLE.match(subject["s"]) or _accepting_sentence(rest)) \
            and not _refuses(Clause.of(_opening(rest))):
        candidates += _subject_event(subject["s"], rest, today, author, order)
    elif subject is None and author == "seller" and (title := _TITLE.match(rest)) is not None and any(
            t.rank == 0 for t in find_times(title["s"], today, None, order)):
        candidates += _subject_event(title["s"], rest, today, author, order)  # "Spring Work Day – April 11"
    if "://" in rest:  # a link's "?" and "." end no sentence, and its digits are no dates
        rest = _URL.sub("(link)", rest)
    if "~" in rest:  # "~this Friday~ next Friday": struck through, taken back
        rest = _STRUCK.sub("", rest)
    sentences = split_sentences(rest)
    mail = _MailState()
    for sentence in sentences:
        candidates += _sentence_commitments(sentence, today, author, order, mail)
    candidates += _proposed_below(sentences, today, author, order)
    if author == "customer" and sentences and len(body) != len(text):
        candidates += _day_as_answer(sentences[0], text, today, order, candidates)
    candidates = _clock_only_last(candidates, today)
    for commitment in candidates:
        key = (commitment.actor, commitment.due, commitment.vague)
        if key not in seen:
            seen.add(key)
            found.append(commitment)
    return (_read_against_quote(found, body, text, today, author, order,
                                sentences if rest == body else None),
            Reading(sentences, today, order, None if subject is None else subject["s"].strip()))


def _read_against_quote(found: list[Commitment], body: str, text: str, today: dt.date,
                        author: Author, order: Order | None,
                        sentences: list[str] | None = None) -> list[Commitment]:
    """Pin weekdays to the quoted proposal, and date a bare acceptance of it."""
    if len(body) == len(text) or not body:
        return found  # nothing quoted
    clocked = [c for c in found if c.due == today and c.actor != "seller" and not c.vague
               and not find_times(c.text, today)]  # "2pm is fine": the day is the quote's
    dated = any(c.due is not None and c.actor != "seller" and c not in clocked for c in found)
    withdrawn = author == "customer" and _withdraws(body, sentences)
    if withdrawn:  # "临时加班，取消报名": the reply takes the sign-up back
        found = [c for c in found if c not in clocked]
        clocked = []
    accepting = None if dated or withdrawn else _accepting_sentence(body, sentences) or (
        clocked[0].text if clocked else None) or _form_reply(body, text, author)
    if not (dated or withdrawn or accepting) and author == "customer":
        referring = _on_the_quoted_day(body, sentences)
        if referring is not None:  # "We'll pay by the due date": the one date the quote names
            days = {t.due for t in find_times(quoted_part(text)[:_QUOTE_WINDOW], today, None, order)
                    if t.rank == 0 and t.due is not None and t.due >= today}
            if len(days) == 1:
                return [*found, Commitment("customer", days.pop(), False, referring)]
    if not (accepting or any(c.due is not None and c.actor != "seller"
                             and _WEEKDAY.search(c.text) for c in found)):
        return found  # only a weekday can need the quote to say which week
    quoted = quoted_part(text)[:_QUOTE_WINDOW]
    proposals = proposed_days(quoted, today, order, explicit_only=accepting is None)
    if not proposals:
        return found
    pinned = [c if c.due is None or c.actor == "seller" else
              Commitment(c.actor, pinned_by_proposal(c.due, proposals), c.vague, c.text)
              for c in found if c not in clocked or len(proposals) != 1]
    if accepting is not None and len(proposals) == 1:
        if author == "seller" and _ASKED_TO_ACT.search(quoted) and not _MEET_WORD.search(quoted):
            return pinned  # "Yes" to "Could you please do a review this week": the seller's work
        actor: Actor = "customer" if author == "customer" else "joint"
        clause = Clause.of(accepting)
        if cues.CONDITIONAL(clause) and not sides.OTHER_PRECONDITION(clause):  # "先报名吧，如果没有突发情况……"
            pinned.append(Commitment(actor, None, True, accepting))
        else:
            pinned.append(Commitment(actor, proposals[0], False, accepting))
    return pinned


# A step dated by the quoted message's own day ("We'll pay by the due date", "我们会按时付款").
_QUOTED_DAY_REF = re.compile(r"(?i)(?<![a-z])(?:(?:by|on|before)\s+(?:the|that)\s+(?:due\s+date|deadline|date|day)"
                             r"|(?:by|before)\s+then|on\s+time)(?![a-z])|按时|如期|届时|截止(?:日期|时间)?前")


def _on_the_quoted_day(body: str, sentences: list[str] | None) -> str | None:
    """The sentence that promises a step on the quoted message's own day ("We'll pay by
    the due date", "我们会按时付款"), if any."""
    if not _QUOTED_DAY_REF.search(body):
        return None
    for sentence in sentences if sentences is not None else split_sentences(body):
        clause = Clause.of(sentence)
        if _QUOTED_DAY_REF.search(sentence) and cues.MARKER(clause) and resolve_actor(
                clause, "customer") == "customer" and not (
                cues.NEGATION(clause) or cues.QUESTION(clause) or cues.REQUEST(clause)
                or cues.HEDGE(clause) or cues.CONDITIONAL(clause)):
            return sentence
    return None


# The quoted message asks the reader to do something (not to meet): saying yes takes the
# work on, it does not set a meeting of both sides.
_ASKED_TO_ACT = re.compile(r"(?i)(?<![a-z])(?:could|can|would|will)\s+you\s+(?:please\s+)?"
                           r"(?!meet|join|make\s+it|attend|come|hop|jump|talk|chat|call|speak)[a-z]+"
                           r"|(?:请您|麻烦您|能否请您|能不能请您)(?!参加|来|过来|出席)")
_MEET_WORD = re.compile(r"(?i)(?<![a-z])(?:meet|meeting|call|chat|session|sync|demo|zoom|lunch|coffee)(?![a-z])"
                        r"|会议|开会|见面|碰面|聚|沙龙|活动")


def _accepting_sentence(body: str, sentences: list[str] | None = None) -> str | None:
    """The first sentence of the reply that accepts ("Yes, that works.", "没问题。"),
    read sentence by sentence so a signature below does not hide a one-word reply.
    ``sentences`` is ``split_sentences(body)`` when the caller has it."""
    clause = Clause.of(body)
    if not any(map(clause.low.__contains__, _ACCEPT_HINTS)) and not ACCEPTS(clause):
        return None  # the cheap test first
    if sentences is None:
        sentences = split_sentences(body)
    if _PLUS_ONE.fullmatch(body):  # a reply of "+1" alone: no letters, so the cue never reads it
        return body
    return next((s for s in sentences if ACCEPTS(Clause.of(s))), None)


_PLUS_ONE = re.compile(r"\W*\+1[!.\s]*")


def _withdraws(body: str, sentences: list[str] | None = None) -> bool:
    """The reply calls the writer's own attendance off ("取消报名", "I have to cancel").
    ``sentences`` is ``split_sentences(body)`` when the caller has it."""
    whole = Clause.of(body)
    if not _ATTENDS.search(whole.low) or not (cues.NEGATION(whole) or cues.CANCEL(whole)):
        return False  # a clause can refuse only if the whole reply does: test that first
    if sentences is None:
        sentences = split_sentences(body)
    return any(cues.CANCEL(clause) or cues.NEGATION(clause)
               for sentence in sentences for clause in map(  # clauses(): most sentences need no split
                   Clause.of, cues.clauses(sentence, sentence.lower())) if _ATTENDS.search(clause.low))


def _form_reply(body: str, text: str, author: Author) -> str | None:
    """A reply that fills in the sign-up form the quoted notice asked for ("报名: 回复说明
    以下关键信息", "reply with your name to register"): the customer's sign-up."""
    if author != "customer" or len(body) > _FORM_REPLY_CHARS or not _SIGN_UP_CALL.search(
            quoted_part(text)[:_QUOTE_WINDOW]):
        return None
    clause = Clause.of(body)
    if cues.NEGATION(clause) or cues.CANCEL(clause) or "?" in body or "？" in body:
        return None
    return next((line.strip() for line in body.split("\n") if line.strip()), None)


_ATTENDS = re.compile(r"报名|参加|出席|到场|attend|make\s+it|sign(?:ed)?[-\s]?up|registration|join")
# A notice asking readers to sign up by replying to it.
_SIGN_UP_CALL = re.compile(r"报名\W{0,3}(?:请|方式\W{0,3})?(?:直接)?(?:回复|留言|跟帖)|(?:回复|留言|跟帖)[^\n]{0,12}报名"
                           r"|(?<![a-z])(?:reply|respond|comment)[^\n]{0,40}(?:sign\s*up|register|rsvp)"
                           r"|(?<![a-z])rsvp(?![a-z])", re.IGNORECASE)
_FORM_REPLY_CHARS = 600  # a filled-in form, not a letter


# The short replies the per-sentence reading exists for; a body with none of them and
# no acceptance anywhere skips the sentence split.
_ACCEPT_HINTS = ("ok", "yes", "sure", "yep", "perfect", "great", "confirmed", "fine", "work", "good",
                 "好", "可以", "没问题", "行", "方便", "欢迎", "同意",
                 "attend", "join", "参加", "参会", "出席", "到场", "+1", "i'm in", "i’m in", "报名", "报上", "报个名", "算我",
                 "我去", "我们去", "过去", "必须去", "一定去", "想参加", "going", "coming", "come", "be there",
                 "im in", "we're in", "we’re in", "rsvp", "register", "plan", "love to", "would be", "will be", "fine by", "fine with", "invit", "fine", "我来", "我们来")


_SIGNATURE_CHARS = 300  # the end of the unquoted text: the author's signature, if any


_PROPOSES = re.compile(r"(?:propose|suggest|new\s+(?:date|time)|as\s+follows|如下|改为|调整为|新的时间)"
                       r"[^\n]*[:：]$", re.IGNORECASE)
_COLON_ENDS = (":", "：", ":\n", "：\n")  # where _PROPOSES's "$" can follow its colon
_DATE_LINE = re.compile(r"^[-*•\s]*[^a-z\u4e00-\u9fff]*(?:[a-z]+day|[周星礼]|\d)", re.IGNORECASE)


def _proposed_below(sentences: list[str], today: dt.date, author: Author,
                    order: Order | None) -> list[Commitment]:
    """A day on its own line under "I would like to propose a new date …, as follows:".

    Exactly one such day is the author's step; several are a choice, not yet a step.
    """
    for index, sentence in enumerate(sentences[:-1]):
        if not sentence.endswith(_COLON_ENDS) or not _PROPOSES.search(sentence):
            continue
        offered = []
        for line in sentences[index + 1:index + 4]:
            times = find_times(line, today, None, order)
            if not times or not _DATE_LINE.match(line) or len(line) > 60:
                break
            offered.append((line, best_day(times, today)))
        if len(offered) == 1 and offered[0][1] is not None:
            actor: Actor = "customer" if author == "customer" else "joint"
            return [Commitment(actor, offered[0][1], False, offered[0][0])]
    return []


def _day_as_answer(sentence: str, text: str, today: dt.date, order: Order | None,
                   found: list[Commitment]) -> list[Commitment]:
    """A reply that answers the quoted question with a day alone ("Next Friday.", "By
    Monday, one week to go", "明天。"): the customer's step on that day."""
    if any(c.due is not None and c.actor != "seller" for c in found) or len(sentence) > 60 \
            or not _ANSWER_DAY.match(sentence) or _NOT_AN_ANSWER.search(sentence):
        return []
    clause = Clause.of(sentence)
    if cues.NEGATION(clause) or cues.HEDGE(clause) or cues.QUESTION(clause):
        return []
    quoted = quoted_part(text)[:_QUOTE_WINDOW]
    if "?" not in quoted and "？" not in quoted:
        return []
    due = best_day(find_times(sentence, today, clause.low, order), today)
    return [] if due is None else [Commitment("customer", due, False, sentence)]


_NOT_AN_ANSWER = re.compile(r"[?？]|(?<![a-z])(?:is|are|was|were|isn['’]t|aren['’]t|not|no)(?![a-z])|不|没",
                            re.IGNORECASE)  # "Monday is a holiday here", "下周二我们领导不在"
_ANSWER_DAY = re.compile(
    r"^\W*(?:by\s+|on\s+|until\s+|before\s+)?(?:(?:next|this|coming)\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|tomorrow|tonight|today|end\s+of|eod|cob|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)"
    r"|^\W*(?:下|这|本)?(?:周|星期|礼拜)[一二三四五六日天]|^\W*(?:明天|后天|今天|月底|\d{1,2}月\d{1,2}[日号])",
    re.IGNORECASE)


def _clock_only_last(candidates: list[Commitment], today: dt.date) -> list[Commitment]:
    """A step dated today only by a clock time ("See you at 2:30") yields to any step
    of the mail that names its day ("Thursday afternoon works")."""
    clock = [c for c in candidates if c.due == today and not c.vague
             and not find_times(c.text, today)]
    if not clock or len(clock) == len([c for c in candidates if c.due is not None]):
        return candidates
    return [c for c in candidates if c not in clock]


def split_sentences(body: str) -> list[str]:
    """Sentences of the body; "Mar. 12th" and "3 p.m." do not end one, nor does the
    line break of a hard-wrapped paragraph ("… finish the review before\nJanuary 18th.")."""
    if "\n" in body and _may_be_wrapped(body):
        body = _WRAPPED.sub(r"\1 ", body)
    if "\n" in body and not body.isascii() and _WRAPPED_CJK.search(body):
        body = _WRAPPED_CJK.sub(r"\1", body)  # "…将于5月7日晚19:00在哈尔\n滨工业大学…举行"
    sentences: list[str] = []
    start = 0
    for end in cues.SENTENCE_END.finditer(body):
        if end.group() == "." and cues.ABBREVIATION.search(body[max(0, end.start() - 6):
                                                                 end.start()].lower()):
            continue
        sentences.append(body[start:end.end()].strip())
        start = end.end()
    sentences.append(body[start:].strip())
    return [_MARKUP.sub("", sentence) if sentence[0] in _MARKUP_FIRST else sentence
            for sentence in sentences if sentence]


# A line break inside a paragraph that a mail client wrapped at ~72 characters: the line
# before is long and ends mid-sentence, the line after continues it (no bullet, no blank).
_WRAPPED = re.compile(r"^([^\n]{48,}[^\s.!?:;。！？：；])\n(?=[ \t]*[^\s\-*•>#|\d])", re.MULTILINE)
_SENTENCE_STOPS = frozenset(".!?:;。！？：；")
# The same in Chinese, wrapped at ~36 characters: no space to put back where the line broke.
_WRAPPED_CJK = re.compile(r"^([^\n]{30,}[\u4e00-\u9fff，、])\n(?=[\u4e00-\u9fff])", re.MULTILINE)


def _may_be_wrapped(body: str) -> bool:
    """Whether a line could be one _WRAPPED joins: 49 characters or more, followed by a
    line break, ending in neither a space nor a stop. Most bodies have none, and the
    pattern, tried at every line start and backtracking through long lines, costs more
    than this test."""
    return any(len(line) > 48 and line[-1] not in _SENTENCE_STOPS and not line[-1].isspace()
               for line in body.split("\n")[:-1])


# Markdown and bullet decoration ahead of a sentence ("### Next lunch is …", "**Note**",
# "- "): not words, and the cues that read a sentence from its start must see past it.
_MARKUP_FIRST = frozenset("#>*_~=-•·▪●–—@")
_MARKUP = re.compile(r"^(?:[#>*_~=]+\s*|[-•·▪●–—]\s+|@[\w.-]+[,:]?\s+)+")


def judge_sentence(sentence: str, today: dt.date, author: Author,
                   order: Order | None = "md") -> list[Commitment]:
    """The steps one sentence of new text takes on (at most one per actor), as the
    extractor judges it; ``analyzer.evidence`` shows this per sentence. ``order`` is the
    mail's numeric date order (``text_locale.numeric_order``); lists, tables and quoted
    proposals are whole-mail readings and not part of a sentence's verdict."""
    return _sentence_commitments(sentence, today, author, order)


def _sentence_commitments(sentence: str, today: dt.date, author: Author,
                          order: Order | None, mail: _MailState | None = None) -> list[Commitment]:
    if sentence.endswith((":", "：")):
        # a heading ("今天项目周会纪要如下：", "Your action items:"); a long sentence keeps what
        # comes before its last clause ("学校定于…召开…会议，现就有关事宜通知如下：")
        lead = _LAST_CLAUSE.split(sentence, maxsplit=1)[0] if len(sentence) > 30 else ""
        if not lead or lead == sentence:
            return []
        sentence = lead
    whole = Clause.of(sentence)
    if not may_name_a_time(whole.low) and not cues.VAGUE_STEP.may_match_english(whole.low) and (
            sentence.isascii() or (_CLOCK_GATE.search(whole.low) is None and folds_by_character(sentence)
                                   and not cues.VAGUE_STEP.may_match_chinese(whole.low))):
        return []  # no clause of it names a day, a clock time or a next step (see _judge_clause):
        # each clause's lower-cased text is a part of the sentence's, so none holds what it lacks
    parts = cues.clauses(sentence, whole.low)
    asked = sentence.endswith(("?", "？"))
    questioned = asked or cues.QUESTION(whole)
    moving = questioned and (cues.RESCHEDULE(whole) or cues.PROPOSAL(whole))
    if asked and not moving:
        if len(parts) == 1:
            return []
        parts = parts[:-1]  # "我们4月30日上线，请问修复能赶上吗？": the question is the last clause
        whole = Clause.of(parts[0])
    elif questioned and not moving:
        return []
    best: dict[Actor, Commitment] = {}
    state = _SentenceState(ahead=mail.ahead if mail is not None else None)
    for part in parts:
        clause = whole if len(parts) == 1 else Clause.of(part)
        judged = _judge_clause(clause, sentence, today, author, state, order)
        if judged is None:
            continue
        held = best.get(judged.actor)
        if held is None or (held.vague and not judged.vague):
            best[judged.actor] = judged
    if mail is not None and state.ahead is not None and (_DAY_ONLY.fullmatch(sentence) or any(
            c.due is not None and not c.vague and c.actor != "seller" for c in best.values())):
        mail.ahead = state.ahead  # a day heading, or a step of the customer's or both sides' on a day
    return list(best.values())


# A sentence that is a date and nothing else ("Wed, 06/17/2026", "2026年6月17日（周三）").
_DAY_ONLY = re.compile(r"(?i)(?=[^\n]*\d)(?:[\s\d/.,:()（）\-年月日号]|(?:mon|tue|wed|thu|fri|sat|sun)(?:nes|rs|ur|s)?(?:day)?"
                       r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|周[一二三四五六日天]|星期[一二三四五六日天]){1,40}")


@dataclass
class _MailState:
    """What one sentence hands to the next within a mail."""

    ahead: dt.date | None = None  # "Wed, 06/17/2026 … A regular meeting will be held at 11:30 am"


@dataclass
class _SentenceState:
    """What one clause hands to the next within a sentence."""

    conditional: bool = False  # "如果预算批下来，我们下周三就可以签约": the condition carries on
    unclaimed: dt.date | None = None  # "Deadline 是 3/15，我们会按时提交": the day carries on
    ahead: dt.date | None = None  # "I'm flying in tomorrow, so let's meet at 10": a clock time's day
    hedged: dt.date | None = None  # "I think we can finish before the 18th, and I will send it then"
    # Clauses so far whose condition is not yet asked: most clauses name no day and no
    # step, and never need to know, so the cues run only once a later clause does.
    unasked: list[Clause] = field(default_factory=list)

    def is_conditional(self) -> bool:
        """Whether this clause or an earlier one of the sentence sets a condition."""
        if not self.conditional and self.unasked:
            self.conditional = any(cues.CONDITIONAL(clause) and not sides.OTHER_PRECONDITION(clause)
                                   for clause in self.unasked)
        self.unasked.clear()
        return self.conditional


def _judge_clause(clause: Clause, sentence: str, today: dt.date, author: Author,
                  state: _SentenceState, order: Order | None) -> Commitment | None:
    state.unasked.append(clause)
    times = find_times(clause.text, today, clause.low, order, (clause.latin, clause.cjk))
    named = bool(times)  # a day named and then ruled out leaves no clock time for today
    moved = cues.RESCHEDULE.search(clause) if times else None
    if moved is not None:  # "改到7月7日", "moved from July 14 to July 16": the new day
        times = _new_days(clause.low, times, moved.start())
    elif times and cues.POSTPONED(clause):
        times = []  # "原计划于明天举行的会议将不得不延期": only the old day is named
    if times and _OLD_DAY_HINT.search(clause.low):  # "原定3月6日的会议", "originally set for Friday"
        times = [t for t in times if not _OLD_DAY.search(clause.low, max(0, t.start - 80), t.start)]
    if times and "after" in clause.low:  # "Wed after TPAC", "the Monday after Easter": that event's week, not this one
        times = [t for t in times if not (_AFTER_EVENT.match(clause.text, t.end) and not _HAS_DIGIT.search(
            clause.low, t.start, t.end))]
    if len(times) > 1 and "week" in clause.low and _WEEK_OF.search(clause.low):
        # "the week of March 16, starting Monday": the weekday is that week's, not this one's
        times = [t for t in times if not _BARE_WEEKDAY.fullmatch(clause.low, t.start, t.end)]
    if len(times) > 1 and "because" in clause.low:  # "… for next Tuesday because X is away this week"
        reason = clause.low.find("because")
        times = [t for t in times if t.start < reason] or times
    due = best_day(times, today)
    past: list[tuple[int, int]] | None = None  # the look-back stretches, once worked out
    if due is not None:  # only a day can be misattached; vague times are left as they are
        past = _looking_back(clause)
        ahead = _ahead_of_the_past(times, past)
        if ahead is not times:
            times, due = ahead, best_day(ahead, today)
    if due is None and not times:  # "这周比较忙，下周再说吧": the clause names its own time
        due = state.unclaimed
        if due is None and state.hedged is not None and _THEN.search(clause.low):
            due = state.hedged  # "…, and I will send it over then": the hedged day, promised
    state.unclaimed = None
    if due is not None and sides.CHECKING(clause):
        due, times = None, []  # "let me check my calendar for Thursday": no day promised
    if due is None and not named and _CLOCK_GATE.search(clause.low) and _CLOCK.search(clause.low) \
            and not cues.ROUTINE(clause) and not cues.RETROSPECTIVE(clause):
        due = state.ahead or today  # "I can come to the library at 4", "下午三点见": a time today
    elif due is not None and due > today:
        state.ahead = due
    vague_step = cues.VAGUE_STEP(clause)
    if due is None and not vague_step and all(t.due is not None for t in times):
        return None  # names no day and no next step (an ASCII sentence whose every clause
        # ends here is skipped whole by _sentence_commitments: no digit, no time word, no step word)
    if _is_excluded(clause):
        return None
    tentative = (state.is_conditional() or cues.HEDGE(clause)) and not (
        cues.RESCHEDULE(clause) or cues.PROPOSAL(clause))
    if not _promises(clause, vague_step, tentative):
        state.unclaimed = due
        return None
    actor = resolve_actor(clause, author, past)
    if actor == author == "seller" and (cues.MEETING(clause) or cues.PROPOSAL(clause) or (
            due is not None and (cues.SUITS(clause) or cues.HOSTED_EVENT(clause) or cues.GROUP_ACTIVITY(clause)
                                 or (_WE_ASK.search(clause.low) and cues.RESCHEDULE(clause))))):
        actor = "joint"  # "We will have our telecon tomorrow", "Thursday looks good": both sides meet
    if due is None or tentative:
        if due is not None and not state.conditional:
            state.hedged = due
        return Commitment(actor, None, True, sentence)
    return Commitment(actor, due, False, sentence)


_WE_ASK = re.compile(r"(?<![a-z])(?:can|could|shall|should)\s+we(?![a-z])")  # "Can we reschedule for Tuesday?"
_STRUCK = re.compile(r"(?<![\w:~])(~~?)(?=[^\s\d~])[^~\n]{1,60}?(?<=[^\s~])\1(?![\w~])")
_URL = re.compile(r"https?://[^\s<>()\[\]]+")
_AFTER_EVENT = re.compile(r"\s*after\s+(?:the\s+)?[A-Z][A-Za-z]")  # a named event ("TPAC", "Easter"), read on the original text
_HAS_DIGIT = re.compile(r"\d")
_WEEK_OF = re.compile(r"(?<![a-z])(?:the\s+)?week\s+(?:of|beginning|starting|commencing)\s+(?:the\s+)?(?:\d|[a-z]{3,9}\.?\s+\d)")
_BARE_WEEKDAY = re.compile(r"(?:on\s+)?(?:(?:this|next|coming)\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day\W*")
_THEN = re.compile(r"(?<![a-z])(?:then|that\s+day|by\s+that\s+date)(?![a-z])|届时|到时")


# A day named as the old one of a plan ("原定3月6日上午的会议", "originally scheduled for Friday").
_OLD_DAY_HINT = re.compile(r"原定|原计划|原先|原来|本来|originally|was\s+(?:scheduled|planned|supposed|due)")
_OLD_DAY = re.compile(r"(?:原定|原计划|原先|原来|本来)(?:于|在|是|为)?\s*$|(?:原定|原计划)[^，,。；;]{0,60}?于[^，,。；;]{0,8}$"
                      r"|(?:originally|was\s+(?:scheduled|planned|due))(?:\s+(?:scheduled|planned|set))?"
                      r"(?:\s+(?:for|on|to\s+be))?(?:\s+the)?\s*$")


def _ahead_of_the_past(times: list[TimeMention], past: list[tuple[int, int]]) -> list[TimeMention]:
    """The times outside stretches that look back (``past``: "今天聊得很好", "great call
    today").

    A day must belong to the step's own stretch: in "今天聊得很好，回头再联系" the day
    dates the meeting just held, and the step after it stays vague.
    """
    if not past:
        return times
    return [t for t in times if not _inside(t.start, past)]


def _looking_back(clause: Clause) -> list[tuple[int, int]]:
    """The stretches of the clause (between commas, "and", "然后" …) that look back."""
    low = clause.low
    stretches: list[tuple[int, int]] = []
    for start, end in cues.RETROSPECTIVE.spans(clause) + cues.AWAY.spans(clause):
        before = [m.end() for m in cues.STRETCH_BREAK.finditer(low, 0, start)]
        after = cues.STRETCH_BREAK.search(low, end)
        stretches.append((before[-1] if before else 0, after.start() if after else len(low)))
    return stretches


def _inside(offset: int, stretches: list[tuple[int, int]]) -> bool:
    return any(lo <= offset < hi for lo, hi in stretches)


def _subject_event(line: str, body: str, today: dt.date, author: Author, order: Order | None
                   ) -> list[Commitment]:
    """An event and its day named in the subject line ("Meeting 26.01.2026 11 o'clock",
    "小型聚会（1月24日）", "Agenda for the March 12 review"): the meeting of both sides in a
    seller's mail, the customer's own event in the customer's. A subject that cancels or
    postpones without a new day names no step."""
    clause = Clause.of(line)
    if not _SUBJECT_EVENT.search(clause.low) or _SUBJECT_NOT_EVENT.search(clause.low) \
            or cues.CANCEL(clause) or cues.ROUTINE(clause) or (cues.POSTPONED(clause) and not cues.RESCHEDULE(clause)):
        return []
    times = find_times(line, today, clause.low, order)
    moved = cues.RESCHEDULE.search(clause) if times else None
    if moved is not None:
        times = _new_days(clause.low, times, moved.start())
    due = best_day(times, today)
    if due is None and not times:
        due = _day_line(body, today, order)  # "Subject: Prep Meeting" … "Monday, November 23rd - 12pm"
        return [] if due is None else [Commitment("joint" if author == "seller" else "customer", due, False, line)]
    if due is None:
        return []
    others = body.replace(line, "", 1)[:_BODY_DATES]
    stated = {t.due for t in find_times(others, today, None, order) if t.rank == 0}
    if stated and due not in stated:
        return []  # the body's own date says otherwise: a stale subject, no day
    return [Commitment("joint" if author == "seller" else "customer", due, False, line)]


_BODY_DATES = 2000


def _day_line(body: str, today: dt.date, order: Order | None) -> dt.date | None:
    """The one day a notice gives on a line of its own near the top ("Monday, November 23rd
    - 12pm", "2026-03-12 14:00"), under a subject that names the event but no day."""
    days = set()
    for line in body.split("\n")[:_DAY_LINE_LINES]:
        line = line.strip()
        if not line or len(line) > 40 or not _DATE_LINE.match(line):
            continue
        days |= {t.due for t in find_times(line, today, None, order) if t.rank == 0 and t.due is not None
                 and t.due >= today}
    return days.pop() if len(days) == 1 else None


_DAY_LINE_LINES = 12


# A notice's title: a short first line standing alone above the text.
_TITLE = re.compile(r"\s*(?P<s>[^\n.!?。！？]{6,70})\n[ \t]*\n")
_MINUTES_WINDOW = 200
_MEETING_DAY = re.compile(r"(?:会议时间|时\s*间|date\s+of\s+meeting|meeting\s+date)\s*[:：]\s*([^\n]{4,40})", re.IGNORECASE)


def _meeting_day(body: str, today: dt.date, order: Order | None) -> dt.date | None:
    """The day of the meeting the minutes record, when it lies in the week before they were sent."""
    label = _MEETING_DAY.search(body[:_MINUTES_WINDOW * 3])
    if label is None:
        return None
    days = [t.due for t in find_times(label[1], today, None, order) if t.rank == 0 and t.due is not None]
    return days[0] if days and 0 < (today - days[0]).days <= 7 else None


def _opening(body: str) -> str:
    """The subject's text and the sentence after it: where a reply declines ("Sorry, I can't
    make it"); a notice's later "for those who are not able to attend" declines nothing."""
    return " ".join(split_sentences(body[:_SUBJECT_WINDOW])[:2])


def _refuses(clause: Clause) -> bool:
    """The mail opens by declining or cancelling ("Sorry, I can't make it"): the subject's
    event is not its step."""
    return bool(cues.NEGATION(clause) or cues.CANCEL(clause))

# A task or a recap named in the subject is not the event itself ("Prepare an update for the
# Oct 14th board meeting", "Notes from our call today", "会议纪要").
_SUBJECT_NOT_EVENT = re.compile(
    r"^\W*(?:(?:re|fw|fwd)\s*:\s*)*(?:prepare|send|write|submit|draft|finish|complete|fix|add|create|make|"
    r"share|update|review\s+(?:the|our)|准备|提交|整理|完成|撰写)(?![a-z])"
    r"|(?<![a-z])(?:notes|minutes|recap|summary|follow[-\s]?up|thanks?|thank\s+you)(?![a-z])|纪要|总结|回顾|感谢")
_SUBJECT_WINDOW = 300
_SUBJECT_FIRST = frozenset("SsUu主#")
_SUBJECT_LINE = re.compile(r"^[ \t#]*(?:subject|主题|主旨)\s*[:：]\s*(?P<s>[^\n]*)$", re.IGNORECASE | re.MULTILINE)
_SUBJECT_EVENT = re.compile(
    r"(?<![a-z])(?:meeting|meetup|call|sync|review|demo|workshop|webinar|kick-?off|session|party|"
    r"lunch|dinner|visit|onsite|training|hackathon|conference|agenda|agm|meet|event|gathering|social|telecon|"
    r"teleconference|con-?call|(?:hack|game|trivia|social|movie)\s*night|work\s*day|work\s*party|potluck|picnic|cleanup)s?(?![a-z])"
    r"|会议|例会|聚会|沙龙|活动|分享会?|讲座|培训|座谈|研讨|评审|面基|见面|拜访|开标|大会|站|专场")
_LAST_CLAUSE = re.compile(r"[，,;；](?=[^，,;；]*[:：]$)")
_REPLY_SUBJECT = re.compile(r"^[ \t#]*(?:subject|主题|主旨)\s*[:：]\s*(?:re|回复|答复|fw|fwd|转发)\s*[:：][^\n]*$",
                            re.IGNORECASE | re.MULTILINE)
_SUBJECT = re.compile(r"^[ \t#]*(?:subject|主题|主旨)\s*[:：]\s*", re.IGNORECASE | re.MULTILINE)
# A reply or forward whose first line is the thread's subject without a "Subject:" label.
_REPLY_TITLE = re.compile(r"\A\s*(?:\[[^\]\n]{1,30}\]\s*)?(?:(?:re|fw|fwd|aw|sv)(?:\[\d+\])?|回复|答复|转发)\s*[:：]"
                          r"[^\n]*(?:\n|\Z)", re.IGNORECASE)  # "[J3] Fwd: …": a list's tag first
_REPLY_TITLE_FIRST = frozenset({"re", "fw", "aw", "sv", "回复", "答复", "转发"})


def _may_name_subject(body: str) -> bool:
    """Whether _SUBJECT or _REPLY_SUBJECT can match: the body holds "主题", "主旨" or
    "ubject" in any case (IGNORECASE reads no other character as one of those letters;
    "ſ" as "s" is why the test leaves the "s" out). Both substitutions, tried at every
    line start, are spared on most mail."""
    return "主题" in body or "主旨" in body or "ubject" in body.lower()


_CLOCK = re.compile(
    r"(?<![\d:.])(?:\d{1,2}:[0-5]\d\s*(?:am|pm|a\.m\.|p\.m\.)?|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)|"
    r"(?<=at )\d{1,2}(?![\d:%,]|\.\d))(?![\d])|(?:上午|下午|晚上|中午|早上)?(?:(?<!\d)(?:[01]?\d|2[0-4])"
    r"|(?<![第快早晚慢多少好大小高低差有])[一二三四五六七八九十两]{1,3})点"  # not "第一点", "快一点"
    r"|(?<![明后昨前天日一二三四五六号末])(?:上午|下午|晚上|中午|傍晚)")
# Every _CLOCK match holds a digit, "点", or "午"/"晚" (上午 下午 中午 晚上 傍晚): a one-class
# search rules most clauses out ~20x cheaper than the pattern's alternation.
_CLOCK_GATE = re.compile(r"[\d点午晚]")
# Only a digit, "/" or ".", digit makes the writer's date order matter. Written from the
# separator, so the engine skips to the few "/" and "." of a mail instead of trying
# every character: the same mails match.
_NUMERIC_DATE = re.compile(r"[/.](?<=\d[/.])(?=\d)")
_WEEKDAY = re.compile(r"(?i)mon|tue|wed|thu|fri|sat|sun|周[一二三四五六日天]|星期|礼拜")
_QUOTE_WINDOW = 1500  # the message replied to heads the quote; older ones lie below
def _new_days(low: str, times: list[TimeMention], cue: int) -> list[TimeMention]:
    """The days a reschedule moves to: after the cue, not "from" or possessive ones, and
    after "to" when the clause names both ("reschedule Tuesday's call to Thursday")."""
    after = [t for t in times if t.start >= cue and not _FROM_DAY.search(low, 0, t.start)
             and not _POSSESSIVE.match(low, t.end)]
    targeted = [t for t in after if _TO_DAY.search(low, max(cue, t.start - 40), t.start)]
    if targeted:
        return targeted
    if _ONLY_OLD.match(low, cue):
        return []  # "a reschedule of our kickoff on Tuesday": the day named is the old one
    if after:
        return after
    # "the week of March 9 instead of starting on March 3": the new day came first
    return [t for t in times if not _FROM_DAY.search(low, 0, t.start)] or times


_ONLY_OLD = re.compile(r"reschedul|postpon")
_TO_DAY = re.compile(r"(?:\bto|reschedul(?:ed|ing|e)?\s+(?:it\s+|this\s+|that\s+)?for|until|till|至|到|为|成)\s*(?:the\s+|on\s+)?(?:(?:the\s+)?same\s+time\s+(?:on\s+)?)?(?:[a-z]+day,?\s+)?"
                     r"[^\s,，。]{0,10}$")
_POSSESSIVE = re.compile(r"['’]s\b|的(?:会|会议|演示|培训|拜访)")  # "Monday's meeting": the old one
_FROM_DAY = re.compile(r"(?:from|(?:instead\s+of|rather\s+than)(?:\s+[a-z]+ing)?|原定|原来|原先|原计划)\s*(?:the\s+|on\s+)?"
                       r"[^\s,，到至改调挪推]{0,12}$")


def _is_excluded(clause: Clause) -> bool:
    if cues.NEGATION(clause) or cues.CANCEL(clause) or sides.PAYMENT_DUE(clause) or sides.EXPIRES(clause):
        return True
    if not (cues.QUESTION(clause) or cues.REQUEST(clause) or cues.ASKS_OTHER(clause) or cues.GRATITUDE(clause)
            or cues.AWAIT_OTHER(clause) or cues.RELATIVE_TERM(clause)):
        return False
    if cues.INVITED(clause) or cues.HOSTING(clause):  # "请到我司参加评审", "我们在会议室等您":
        return False  # the customer receives the other side at its own meeting
    if sides.THANKS_FOR_PROMISE(clause):  # "Thanks for agreeing to meet again on Tuesday"
        return bool(cues.QUESTION(clause) or cues.REQUEST(clause))
    if cues.OFFER_TO_MEET(clause) and not (
            cues.REQUEST(clause) or cues.ASKS_OTHER(clause)):
        return False  # "Would you like to meet on Friday at 9?": a day offered to both
    if cues.RESCHEDULE(clause):  # "Could we do Tuesday instead?" asks, and still commits
        return bool(cues.REQUEST(clause) or cues.ASKS_OTHER(clause) or cues.AWAIT_OTHER(clause))
    return True


def _promises(clause: Clause, vague_step: bool, tentative: bool) -> bool:
    """Does the clause take something on, rather than describe or praise?

    A hedge or a condition ("maybe in Q3", "if approved we could start Friday") is a
    tentative step: vague, but a step.
    """
    if vague_step or tentative:
        return True
    if cues.ROUTINE(clause):  # "we usually sign by the 5th", "我们一般24小时内回复"; but
        return cues.RESCHEDULE(clause)  # "下周的例会改到周四晚上": one meeting moves
    if cues.MARKER(clause) or cues.SCHEDULED(clause) or cues.RESCHEDULE(clause) \
            or cues.PROPOSAL(clause):
        return True
    if cues.INVITED(clause) and cues.MEETING(clause):
        return True  # "Please feel welcome to participate in our meeting on Wednesday, May 6"
    if cues.PRESENT_ACTION(clause) and not cues.REPEATED(clause):
        return True  # "Our board decides by the end of this month"
    return clause.cjk and cues.ZH_PRONOUN.search(clause.low) is not None


def _subject(clause: Clause) -> re.Match[str] | None:
    """The first subject: an English pronoun/noun before a verb, or a Chinese pronoun."""
    english = cues.EN_SUBJECT.search(clause.low) if clause.latin else None
    chinese = cues.ZH_PRONOUN.search(clause.low) if clause.cjk else None
    return min((m for m in (english, chinese) if m is not None), key=lambda m: m.start(),
               default=None)


def resolve_actor(clause: Clause, author: Author,
                  past: list[tuple[int, int]] | None = None) -> Actor:
    """Joint, the other side (second-person subject) or the author's side. ``past`` is
    ``_looking_back(clause)`` when the caller has it (a dated clause)."""
    other: Actor = "seller" if author == "customer" else "customer"
    if sides.SELLER_DELIVERY(clause):
        return "seller"
    if sides.CUSTOMER_PAYS(clause):
        return "customer"
    if sides.OTHER_DELIVERS(clause) or _OTHERS_WORDS.match(clause.low):
        return other  # "Your team mentioned a release on March 20, which works for us"
    role = _ROLE_SUBJECT.match(clause.low)
    if role is not None:  # "The contractor will move in on Monday, September 21"
        return "seller" if role["seller"] else "customer"
    if cues.JOINT(clause) and not _joint_only_looking_back(clause, past):
        # the subject is looked for only if someone is brought along: most joint steps are not
        return author if cues.BRINGS_OTHERS(clause) and _brings_others(clause, _subject(clause)) else "joint"
    subject = _subject(clause)  # after the tests that need none (a third of dated clauses end above)
    if cues.TOGETHER(clause) and not (
            subject is not None and cues.SINGULAR.match(clause.low, subject.start())):
        return author if _brings_others(clause, subject) else "joint"
    if cues.OTHER_RECAP(clause) or cues.OTHER_SAID(clause):
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


# A subject naming a side by its role: the seller's ("the contractor", "our vendor") or the
# customer's ("the client", "our customer"), whoever writes.
_ROLE_SUBJECT = re.compile(r"\W*(?:the|our|your)\s+(?:(?P<seller>contractor|vendor|supplier|consultant|installer"
                           r"|seller|provider)|(?P<customer>customer|client|buyer|purchaser))s?(?![a-z])")
_OTHERS_WORDS = re.compile(r"\W*(?:you|your\s+[a-z]+)\s+(?:said|mentioned|told\s+(?:me|us)|proposed|suggested)\b")


def _brings_others(clause: Clause, subject: re.Match[str] | None) -> bool:
    """The author's side arranges for its own people to meet the other side.

    "我约了我们CFO周四和你们开会" / "we'll bring our CTO to meet you": the meeting is
    joint, but the step taken on is the author's side's.
    """
    if subject is None or not cues.BRINGS_OTHERS(clause):
        return False
    if subject.re is cues.ZH_PRONOUN:
        return subject.lastgroup == "own"
    word = " ".join(subject["s"].split())
    return word in ("i", "we") or word.startswith(("our ", "my "))


def _joint_only_looking_back(clause: Clause, past: list[tuple[int, int]] | None = None) -> bool:
    """Every joint cue sits in a look-back stretch ("今天见面非常愉快，回头再联系")."""
    past = _looking_back(clause) if past is None else past
    return bool(past) and all(_inside(start, past) for start, _ in cues.JOINT.spans(clause))
