"""Rule 3: no_next_step / vague_next_step, with real sentences run through the
bilingual commitment extractor (``analyzer.commitments``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from dealnudge.analyzer.commitments import extract_commitments
from dealnudge.analyzer.mailbox import Commitment, CommitmentCache
from dealnudge.analyzer.rules import analyze_with

from dealnudge.records import EmailMessage, Finding
from tests.rules.factories import (
    DANA,
    REP,
    REP2,
    Record,
    at,
    event,
    mail,
    make_input,
    rep_view,
    run,
)

MEETING = event(at(3, 14), title="Pricing workshop", uid="workshop@acme.example")
NOW = at(10)
BOOKED = "I've booked our CFO for a pricing review with you on Thursday, March 12."


def next_steps(now: dt.datetime, events: Sequence[Record], messages: Sequence[Record] = (),
               **options: object) -> list[Finding]:
    return [f for f in run(now, events, messages, **options)
            if f.kind in ("no_next_step", "vague_next_step")]


def from_dana(body: str, sent_at: dt.datetime | None = None, *, auto: bool = False
              ) -> EmailMessage:
    return mail(DANA, REP, sent_at or at(4, 9), body, auto=auto)


def test_meeting_without_any_next_step() -> None:
    [finding] = next_steps(NOW, [MEETING])
    assert finding.kind == "no_next_step"
    assert finding.since == at(6, 15)  # end + 72 h
    assert finding.meeting_key == "workshop@acme.example/2026-03-03T14:00:00+00:00"
    assert "Pricing workshop" in finding.detail and "Tue 3 Mar 2026" in finding.detail


def test_no_finding_before_the_window_ends() -> None:
    assert next_steps(at(6, 15), [MEETING]) == []


def test_dated_customer_commitment_by_mail_settles_it() -> None:
    assert next_steps(NOW, [MEETING], [from_dana(f"Thanks for the demo.\n\n{BOOKED}")]) == []


def test_dated_commitment_in_chinese_settles_it() -> None:
    body = "谢谢您昨天的介绍。我下周三安排我们王总一起讨论你们的方案。"
    assert next_steps(NOW, [MEETING], [from_dana(body)]) == []


def test_vague_commitment_is_quoted() -> None:
    [finding] = next_steps(NOW, [MEETING], [from_dana("Thanks for coming by. We'll get back to you.")])
    assert finding.kind == "vague_next_step"
    assert "get back to you" in (finding.evidence or "")
    assert "get back to you" in finding.detail


def test_vague_commitment_in_chinese() -> None:
    [finding] = next_steps(NOW, [MEETING], [from_dana("回头再联系。")])
    assert finding.kind == "vague_next_step"
    assert "回头再联系" in (finding.evidence or "")


def test_a_later_dated_step_outweighs_an_earlier_vague_one() -> None:
    messages = [from_dana("We'll get back to you.", at(4, 9)), from_dana(BOOKED, at(5, 9))]
    assert next_steps(NOW, [MEETING], messages) == []


def test_rep_recap_of_the_customers_promise_counts() -> None:
    recap = mail(REP, DANA, at(3, 17),
                 "Thanks for today. As agreed, you'll bring Dana from finance to the review "
                 "on March 10.")
    assert next_steps(NOW, [MEETING], [recap]) == []


def test_the_reps_own_promise_is_not_a_customer_next_step() -> None:
    promise = mail(REP, DANA, at(3, 17), "I'll send you the quote on Friday, March 6.")
    [finding] = next_steps(NOW, [MEETING], [promise])
    assert finding.kind == "no_next_step"


def test_commitment_written_before_the_meeting_does_not_count() -> None:
    [finding] = next_steps(NOW, [MEETING], [from_dana(BOOKED, at(2, 9))])
    assert finding.kind == "no_next_step"


def test_auto_reply_is_never_evidence() -> None:
    ooo = from_dana(BOOKED, auto=True)  # flagged by the connector, whatever the text says
    assert [f.kind for f in next_steps(NOW, [MEETING], [ooo])] == ["no_next_step"]


def test_quoted_text_is_never_evidence() -> None:
    body = ("Thanks!\n\nOn Mon, Mar 2, 2026 at 10:00 AM Dana <dana@acme.example> wrote:\n"
            f"> {BOOKED}\n")
    [finding] = next_steps(NOW, [MEETING], [from_dana(body)])
    assert finding.kind == "no_next_step"


def test_another_accounts_commitment_does_not_count() -> None:
    other = mail("wang@globex.example", REP, at(4, 9), BOOKED)
    assert [f.kind for f in next_steps(NOW, [MEETING], [other])] == ["no_next_step"]


def test_future_meeting_the_customer_accepted_is_evidence() -> None:
    review = event(at(12, 15), title="Pricing review")  # still ahead of now
    assert next_steps(NOW, [MEETING, review]) == []


def test_future_meeting_the_customer_organised_is_evidence() -> None:
    review = event(at(12, 15), customers=[], organizer="cfo@acme.example", rep_response="needs_action")
    assert next_steps(NOW, [MEETING, review]) == []


def test_unanswered_or_cancelled_later_meetings_are_not_evidence() -> None:
    unanswered = event(at(12, 15), customer_response="needs_action")
    cancelled = event(at(13, 15), status="cancelled")
    tentative = event(at(14, 15), customer_response="tentative")
    found = next_steps(NOW, [MEETING, unanswered, cancelled, tentative])
    assert [(f.kind, f.meeting_start) for f in found] == [("no_next_step", at(3, 14))]


def test_next_step_evidence_is_shared_between_reps_on_one_meeting() -> None:
    reps = [rep_view(REP), rep_view(REP2)]
    copy2 = dataclasses.replace(MEETING, source_id="li-wei-copy")
    to_li = mail(DANA, REP2, at(4, 9), BOOKED)
    assert next_steps(NOW, [(REP, MEETING), (REP2, copy2)], [(REP2, to_li)], reps=reps) == []
    both = next_steps(NOW, [(REP, MEETING), (REP2, copy2)], reps=reps)
    assert sorted(f.rep for f in both) == [REP2, REP]


def test_each_message_is_read_once_however_many_meetings_need_it() -> None:
    reps = [rep_view(REP), rep_view(REP2)]
    second = event(at(4, 14), title="Technical deep dive", customer_response="needs_action")
    copy = dataclasses.replace(MEETING, source_id="li-wei-copy")
    vague = from_dana("We'll get back to you.", at(5, 9))
    events = [(REP, MEETING), (REP2, copy), (REP, second)]
    texts: list[str] = []

    def counting(text: str, **kwargs: Any) -> Sequence[Commitment]:
        texts.append(text)
        return extract_commitments(text, **kwargs)

    inp = make_input(events, [(REP, vague), (REP2, vague)], reps=reps)
    findings = analyze_with(inp, NOW, CommitmentCache(counting))
    assert [f.kind for f in findings if f.kind.endswith("next_step")] == ["vague_next_step"] * 3
    assert texts == ["We'll get back to you."]


def test_an_event_stamped_after_now_is_not_seen_yet() -> None:
    """As of a past instant, a follow-up meeting booked later is not evidence yet."""
    booked_later = event(at(20, 14), uid="review@acme.example", updated=at(9, 12))
    assert [f.kind for f in next_steps(at(9, 8), [MEETING, booked_later])] == ["no_next_step"]
    assert next_steps(at(9, 13), [MEETING, booked_later]) == []
