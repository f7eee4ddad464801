"""Who commits to what: actors, exclusions, vagueness, the API contract, the labelled sets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dealnudge.analyzer.commitments import Author, Commitment, extract_commitments

from tests.commitments.labelled import DEV_SET, Case, load_cases, predict

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10AM = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def found(text: str, author: Author = "customer",
          sent_at: dt.datetime = MONDAY_10AM) -> list[tuple[str, str | None, bool]]:
    return [(c.actor, None if c.due is None else c.due.isoformat(), c.vague)
            for c in extract_commitments(text, sent_at=sent_at, author=author)]


@pytest.mark.parametrize(("text", "author", "actor"), [
    ("As agreed, you'll bring Dana from finance to the review on March 10.", "seller", "customer"),
    ("您说下周三会安排王总参加。", "seller", "customer"),
    ("Your CTO will join the call on Friday.", "seller", "customer"),
    ("I'll send the quote Friday.", "seller", "seller"),
    ("我周五前把报价发给您。", "seller", "seller"),
    ("We'll sign the order form on Friday.", "customer", "customer"),
    ("We'll deliver the plan on Friday.", "seller", "seller"),
    ("我们周五把合同发给您。", "customer", "customer"),
    ("Legal will return the redlined contract by Thursday.", "customer", "customer"),
    ("We'll run the workshop together on Thursday.", "customer", "joint"),
    ("我们一起下周二做个工作坊。", "customer", "joint"),
    ("双方3月12日共同完成验收。", "seller", "joint"),
    ("Let's meet on Tuesday.", "customer", "joint"),
    ("Let's meet on Tuesday.", "seller", "joint"),
    ("咱们周四碰一下。", "seller", "joint"),
    ("I'll bring our CFO together with the team on Friday.", "customer", "customer"),
    ("我约了我们CFO周四和你们开会。", "customer", "customer"),
    ("We'll bring our CTO to meet you on Thursday.", "customer", "customer"),
    ("我们周四和你们开会。", "customer", "joint"),
    ("董事会月底前拍板，到时候通知您。", "customer", "customer"),
])
def test_actor_comes_from_grammar_and_author(text: str, author: Author, actor: str) -> None:
    assert [a for a, _, _ in found(text, author)] == [actor]


@pytest.mark.parametrize(("text", "author"), [
    ("Could you sign by March 20?", "seller"),
    ("Could you sign by March 20", "seller"),
    ("能否在20号前签字？", "seller"),
    ("请您周五前确认一下。", "seller"),
    ("Please send me the pricing sheet by Friday.", "customer"),
    ("Let me know by Friday.", "seller"),
    ("Great product!", "customer"),
    ("你们的产品很棒！", "customer"),
    ("We have to cancel Thursday.", "customer"),
    ("周四的会议取消。", "customer"),
    ("We won't be able to meet on Friday.", "customer"),
    ("我们周五不能参加了。", "customer"),
    ("Thanks for the meeting on Tuesday.", "customer"),
    ("谢谢您今天的介绍。", "customer"),
    ("I'm out of the office until March 9 and will reply when I'm back.", "customer"),
    ("自动回复：我正在休假，3月9日回来。", "customer"),
])
def test_never_commitments(text: str, author: Author) -> None:
    assert found(text, author) == []


@pytest.mark.parametrize("text", [
    "Let me check with my boss.", "We'll get back to you.", "Maybe in Q3.", "回头再联系。",
    "我们内部评估一下。", "Let's find some time to try it.", "咱们找个时间试用一下吧。",
    "If the budget is approved we could start on Friday.", "如果预算批下来，我们下周三就签约。",
    "We will probably decide on Friday.", "我们下个月再考虑。", "I'll touch base next month.",
    "我们过段时间再说。", "有空再说吧。", "We'll circle back later this year.",
    "今天聊得很好，回头再联系。", "Great meeting today, we'll get back to you.",
    "We had a good call today and will touch base after the board meeting.",
])
def test_vague_next_steps_have_no_day(text: str) -> None:
    result = found(text)
    assert result and all(due is None and vague for _, due, vague in result)


@pytest.mark.parametrize("looking_back", [
    "今天聊得很好", "今天开得很顺利", "很高兴今天见到您", "今天见到您很高兴", "今天 demo 很好",
    "今天开了会", "今天见面非常愉快",
])
def test_a_day_that_dates_the_meeting_held_does_not_date_the_step(looking_back: str) -> None:
    assert found(f"{looking_back}，回头再联系。") == [("customer", None, True)]


@pytest.mark.parametrize("looking_back", [
    "Great meeting today", "Nice to meet you today", "It was great to see you today",
    "Today was productive", "We met today", "Had a good call today",
])
def test_a_look_back_in_english_leaves_the_step_vague(looking_back: str) -> None:
    assert found(f"{looking_back}, we'll get back to you.") == [("customer", None, True)]
    assert found(f"{looking_back}, we'll sign on Friday.") == [("customer", "2026-03-06", False)]


def test_due_is_the_day_in_the_senders_own_zone() -> None:
    # 23:00 Thursday in Los Angeles is already Friday in UTC: "tomorrow" is still Friday.
    late_thursday = dt.datetime(2026, 3, 5, 23, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert found("We'll sign tomorrow.", sent_at=late_thursday) == [
        ("customer", "2026-03-06", False)]
    assert found("We'll sign tomorrow.", sent_at=late_thursday.astimezone(dt.UTC)) == [
        ("customer", "2026-03-07", False)]


def test_one_message_can_hold_several_commitments() -> None:
    text = "I'll send the draft on Wednesday, and you'll review it by Friday."
    assert sorted(found(text, "seller")) == [("customer", "2026-03-06", False),
                                            ("seller", "2026-03-04", False)]


def test_quoted_seller_promise_is_not_evidence() -> None:
    body = "好的，收到。\n\n------------------ 原始邮件 ------------------\n发件人: 李明\n\n我周五前把合同草稿发给您。"
    assert found(body, "customer") == []
    assert found("我周五前把合同草稿发给您。", "customer") == [("customer", "2026-03-06", False)]


def test_commitment_is_a_frozen_record_with_the_sentence_as_evidence() -> None:
    [commitment] = extract_commitments("Hi Tom, we will sign on Friday. Thanks!",
                                       sent_at=MONDAY_10AM, author="customer")
    assert isinstance(commitment, Commitment)
    assert commitment.text == "Hi Tom, we will sign on Friday."
    with pytest.raises(dataclasses.FrozenInstanceError):
        commitment.actor = "seller"  # type: ignore[misc]


def test_naive_sent_at_and_unknown_author_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        extract_commitments("We'll sign Friday.", sent_at=dt.datetime(2026, 3, 2),
                            author="customer")
    with pytest.raises(ValueError, match="author"):
        extract_commitments("We'll sign Friday.", sent_at=MONDAY_10AM,
                            author="buyer")  # type: ignore[arg-type]


DEV_CASES = load_cases(DEV_SET)


def test_dev_set_is_large_and_balanced() -> None:
    langs = [case.lang for case in DEV_CASES]
    assert len(DEV_CASES) >= 400
    assert abs(langs.count("en") - langs.count("zh")) <= 30 and langs.count("mixed") >= 10


@pytest.mark.parametrize("case", DEV_CASES, ids=[case.id for case in DEV_CASES])
def test_dev_case(case: Case) -> None:
    assert sorted(map(repr, predict(case))) == sorted(map(repr, case.expected)), case.text
