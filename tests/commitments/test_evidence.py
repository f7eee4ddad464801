"""The sentence-by-sentence trail ``explain`` shows: the same judgement as the extractor,
with the reasons text was left out."""

from __future__ import annotations

import datetime as dt

from dealnudge.analyzer.commitments import extract_commitments
from dealnudge.analyzer.evidence import judge_message

SENT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
REPLY = ("Hi Sarah,\n\nGreat meeting today! Legal will return the redlined contract by "
         "Thursday.\nLet's find some time to try it.\n\nBest regards,\nDana\n\n"
         "On Mon, Mar 2, 2026 at 9:00 AM Sarah <s@northwind.example> wrote:\n"
         "> 我周五前把合同草稿发给您。\n")


def test_each_sentence_has_its_verdict_and_left_out_text_its_reason() -> None:
    verdicts = judge_message(REPLY, sent_at=SENT, author="customer")
    dated = next(v for v in verdicts if "redlined" in v.text)
    assert dated.evidence and dated.actor == "customer" and dated.due == dt.date(2026, 3, 5)
    vague = next(v for v in verdicts if "find some time" in v.text)
    assert vague.vague and not vague.evidence and "vague" in vague.why
    quoted = [v for v in verdicts if v.part == "quoted"]
    assert any("我周五前把合同草稿发给您" in v.text for v in quoted)
    assert all(not v.evidence and "quoted" in v.why for v in quoted)
    assert any(v.part == "signature" and "Best regards" in v.text for v in verdicts)
    found = extract_commitments(REPLY, sent_at=SENT, author="customer")
    assert {(c.actor, c.due, c.vague) for c in found} == {
        (v.actor, v.due, v.vague) for v in verdicts if v.actor is not None}


def test_the_reps_own_promise_and_auto_replies_never_count() -> None:
    own = judge_message("I'll send you the quote by Friday.", sent_at=SENT, author="seller")
    assert own[0].actor == "seller" and not own[0].evidence and "own promise" in own[0].why
    away = judge_message("I am out of the office until March 9 and will reply then.",
                         sent_at=SENT, author="customer", auto_reply=True)
    assert [v.part for v in away] == ["auto_reply"] and not away[0].evidence


def test_steps_read_from_the_mail_structure_are_in_the_trail() -> None:
    """Guards explain against the extractor: a step only an action-item list gives
    (no sentence alone does) still shows as the dated customer step it is."""
    body = ("Hi Tom,\n\nThanks for your time today. As discussed:\n\nYour action items:\n"
            "- Confirm the number of trucks per depot by Friday 3/13\n\nBest,\nHolly")
    sent = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    verdicts = judge_message(body, sent_at=sent, author="seller")
    dated = [v for v in verdicts if v.evidence]
    assert [(v.actor, v.due) for v in dated] == [("customer", dt.date(2026, 3, 13))]
    assert "structure" in dated[0].why


def test_a_step_the_second_reader_found_says_so() -> None:
    """The trail names the learned reader when the finding rests on it, so a rep who
    disputes it knows which reading to question."""
    sent = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    body = "Hi all,\n\nNext meeting 19 Mar\n\nCheers,\nAnn"
    verdicts = judge_message(body, sent_at=sent, author="seller")
    dated = [v for v in verdicts if v.evidence]
    assert [(v.actor, v.due) for v in dated] == [("joint", dt.date(2026, 3, 19))]
    assert "second reader" in dated[0].why and "structure" not in dated[0].why
