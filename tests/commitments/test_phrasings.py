"""Ways customers word a dated step, or its absence, beyond the corpus's own sentences.

Each case is one construction (a plan or goal, an approximate day, a need addressed to
the seller, a bare acceptance above a signature, a clock-only acceptance of a quoted
day, a refusal), written here so that a rule change that loses the construction fails.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dealnudge.analyzer.commitments import Author, extract_commitments

WEDNESDAY = dt.datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
QUOTE_EN = ("\n\nOn Tue, Mar 3, 2026 at 4:00 PM, Sam Lee <sam@vendor.com> wrote:\n"
            "> Hi, would Thursday March 5 at 2pm work for a follow-up call?\n> Sam\n")
QUOTE_ZH = ("\n\n------------------ 原始邮件 ------------------\n发件人: 李明\n"
            "发送时间: 2026年3月3日 16:00\n主题: 回复\n\n王总您好，下周二上午十点到贵司做演示，您看可以吗？\n")


def dated(text: str, author: Author = "customer") -> dt.date | None:
    """The first dated customer or joint step of ``text`` written by ``author``, if any."""
    steps = [c for c in extract_commitments(text, sent_at=WEDNESDAY, author=author)
             if c.actor != "seller" and c.due is not None and not c.vague]
    return steps[0].due if steps else None


def vague(text: str) -> bool:
    return any(c.vague and c.due is None and c.actor != "seller"
               for c in extract_commitments(text, sent_at=WEDNESDAY, author="customer"))


@pytest.mark.parametrize(("text", "day"), [
    ("My plan is to send it over on Friday.", "2026-03-06"),
    ("Our goal is to go live on April 1.", "2026-04-01"),
    ("We anticipate sending the PO on Tuesday.", "2026-03-10"),
    ("You can expect the PO by March 10.", "2026-03-10"),
    ("Target date for signature is March 13.", "2026-03-13"),
    ("Hi Sam, something came up — can we push our call to Friday same time?", "2026-03-06"),
    ("请贵司于3月15日参加开标会。", "2026-03-15"),
])
def test_plans_goals_and_expectations_are_dated_steps(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "We'll send it around March 15.",
    "We'll get back to you around the 15th.",
    "We'll have an answer in a week or so.",
    "我们3月10号前后给您答复。",
    "我们月底左右给您答复。",
    "周五前后给您回复。",
])
def test_an_approximate_day_is_a_vague_step(text: str) -> None:
    assert dated(text) is None
    assert vague(text)


@pytest.mark.parametrize("text", [
    "We'll need your answer by Friday.",
    "我们希望周五前收到贵司的报价。",
    "我们需要贵司在周五前提交方案。",
    "下周二不太方便，我再看看时间。\n王伟" + QUOTE_ZH,
])
def test_needs_addressed_to_the_seller_and_refusals_are_no_step(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize("reply", [
    "Yes, that works.\n\nThanks,\nAnna",
    "Confirmed.\nAnna",
    "That's fine with me. Talk then.\nAnna",
    "I can make that work.\nAnna",
    "Yes, I'll send the invite.\nAnna",
    "2pm is fine.\nAnna",
])
def test_an_acceptance_takes_the_quoted_day(reply: str) -> None:
    assert dated(reply + QUOTE_EN) == dt.date(2026, 3, 5)


@pytest.mark.parametrize("reply", ["没问题。\n王伟", "可以的，欢迎。\n王伟", "好的，到时候我在公司等你们。\n王伟"])
def test_a_chinese_acceptance_takes_the_quoted_day(reply: str) -> None:
    assert dated(reply + QUOTE_ZH) == dt.date(2026, 3, 10)


@pytest.mark.parametrize("text", [
    "Friday delivery works for us.",
    "Your proposal due Friday is fine.",
])
def test_accepting_the_sellers_delivery_day_is_their_step(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("Once you accept those, I will countersign by Tuesday.", "2026-03-10"),
    ("As soon as we receive the revised contract, we will sign it on Friday.", "2026-03-06"),
    ("等你们确认后，我们周五签合同。", "2026-03-06"),
])
def test_a_condition_the_seller_fulfils_leaves_the_day_firm(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "Once legal approves, we will sign on Friday.",
    "如果预算批下来，我们周五签合同。",
])
def test_a_condition_on_the_customers_side_still_hedges(text: str) -> None:
    assert dated(text) is None
    assert vague(text)


def test_an_unbulleted_owner_line_under_a_heading_is_an_item() -> None:
    recap = ("Hi Anna,\n\nAction items\nYou: intro to procurement by Friday\n"
             "Us: sandbox access by Monday\n\nSam")
    steps = extract_commitments(recap, sent_at=WEDNESDAY, author="seller")
    assert [(c.actor, c.due) for c in steps if c.actor != "seller" and c.due] == [
        ("customer", dt.date(2026, 3, 6))]


@pytest.mark.parametrize(("text", "day"), [
    ("这个事情周四报批。", "2026-03-05"),
    ("款项下周一打过去。", "2026-03-09"),
    ("招标文件下周一挂网。", "2026-03-09"),
    ("星期五上午十点视频会议。", "2026-03-06"),
    ("Put us down for Tuesday at 2pm.", "2026-03-10"),
    ("We go live on April 1.", "2026-04-01"),
])
def test_payment_approval_and_meeting_verbs_are_steps(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "我们上周五已经打款了。", "请贵司周五前回传盖章合同。", "货款已于3月2日汇出。", "昨天的视频会议很顺利。",
])
def test_done_or_requested_payment_and_meeting_are_no_step(text: str) -> None:
    assert dated(text) is None


def seller_dated(text: str) -> dt.date | None:
    return dated(text, "seller")


@pytest.mark.parametrize(("text", "day"), [
    ("Thanks for agreeing to meet again on Tuesday at 10.", "2026-03-10"),
    ("Looking forward to our call on Thursday at 2pm.", "2026-03-05"),
    ("You said you'd loop in procurement by Friday.", "2026-03-06"),
    ("We're all set for the onsite on Tuesday.", "2026-03-10"),
    ("I've sent an invite for Thursday at 3pm.", "2026-03-05"),
    ("我们约好下周一再碰一次。", "2026-03-09"),
])
def test_a_sellers_recap_of_an_agreed_meeting_or_customer_step(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


def test_a_seller_hoping_to_meet_has_no_agreed_step() -> None:
    assert seller_dated("We hope you are able to attend and we look forward to meeting you "
                        "on May 4.") is None


@pytest.mark.parametrize(("text", "day"), [
    ("Can we do Friday instead of Thursday?", "2026-03-06"),
    ("原定周二的会议调整到周四。", "2026-03-05"),
    ("Thursday doesn't work, but Friday does.", "2026-03-06"),
    ("Thursday is out for me; Friday afternoon is open.", "2026-03-06"),
])
def test_a_move_names_the_new_day_not_the_old(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(("text", "day"), [
    ("see you guys in a few!", "2026-03-04"),
    ("Next lunch is Tuesday, March 10 at 12:30 PM.", "2026-03-10"),
    ("We are forced to remit the balance in two weeks.", "2026-03-18"),
])
def test_informal_and_announced_steps(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_in_a_bit_of_a_rush_names_no_time() -> None:
    assert dated("We will sign it, in a bit of a rush at the moment.") is None


@pytest.mark.parametrize("text", [
    "收到，我看一下周四的安排再回复您。",
    "Let me check my calendar for Thursday and get back to you.",
    "I'll check whether Thursday works and let you know.",
])
def test_a_day_only_checked_is_not_promised(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize("text", [
    "We're hoping to have a decision by the 20th.",
    "We will send it over in a couple of days.",
    "We'll need a couple of weeks to review.",
])
def test_hoping_and_a_couple_of_days_are_no_day(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("Signed copy to follow tomorrow.", "2026-03-05"),
    ("PO to be issued on Friday.", "2026-03-06"),
    ("周一上午九点半准时到。", "2026-03-09"),
])
def test_headline_style_steps_without_a_subject(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "这周比较忙，下周再说吧。",
    "I'm swamped this week, let's pick it up next week.",
])
def test_a_busy_week_is_not_the_steps_day(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("下周一上午十点，我们在三楼会议室等您。", "2026-03-09"),
    ("可以，我们在公司等你们。\n王伟" + QUOTE_ZH, "2026-03-10"),
])
def test_waiting_for_the_other_side_at_a_place_hosts_them(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_a_heading_that_names_a_side_owns_the_items_below() -> None:
    recap = ("Hi Anna,\n\nThanks for the meeting. Next steps below.\n\nYour team:\n"
             "- Send the user list by Friday\n- Confirm the SSO provider\n\nOur side:\n"
             "- Sandbox by Monday\n\nSam")
    steps = extract_commitments(recap, sent_at=WEDNESDAY, author="seller")
    assert [(c.actor, c.due) for c in steps if c.actor != "seller" and c.due] == [
        ("customer", dt.date(2026, 3, 6))]


@pytest.mark.parametrize(("text", "day"), [
    ("I can't do Thursday but Friday at 11 works.", "2026-03-06"),
    ("That should be fine.\nAnna" + QUOTE_EN, "2026-03-05"),
    ("That would work for us.\nAnna" + QUOTE_EN, "2026-03-05"),
])
def test_a_refusal_then_another_day_and_a_modal_acceptance(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_a_reply_that_the_boss_is_away_that_day_is_no_step() -> None:
    assert dated("下周二我们领导不在，换个时间吧。\n王伟" + QUOTE_ZH) is None


ANNOUNCED_EN = ("\n\nOn Tue, Mar 3, 2026 at 10:00 AM Lee <lee@example.org> wrote:\n"
                "> Hi all, the next project call is Friday, March 6 at 16:00 UTC.\n"
                "> Please reply if you can attend.\n")
ANNOUNCED_ZH = ("\n\n李明 <liming@example.com> 于2026年3月3日周二 上午10:00写道：\n"
                "> 各位好，本周五（3/6）下午三点召开项目例会，请大家准时参加。\n")


@pytest.mark.parametrize("reply", [
    "I'll be attending.", "Noted, will attend.", "I will join.", "Thanks, I'll be there.",
])
def test_saying_one_attends_takes_the_announced_day(reply: str) -> None:
    assert dated(reply + "\nAnna" + ANNOUNCED_EN) == dt.date(2026, 3, 6)


@pytest.mark.parametrize("reply", ["好的，我会参加。", "已收到，届时参加。", "收到，届时我们派两个人参加。", "我参加。"])
def test_a_chinese_reply_that_attends_takes_the_announced_day(reply: str) -> None:
    assert dated(reply + "\n王伟" + ANNOUNCED_ZH) == dt.date(2026, 3, 6)


@pytest.mark.parametrize(("reply", "quote"), [
    ("Sorry, I won't attend this time.", ANNOUNCED_EN),
    ("我不参加了。", ANNOUNCED_ZH),
    ("我那天出差，参加不了。", ANNOUNCED_ZH),
])
def test_declining_the_announced_event_takes_no_day(reply: str, quote: str) -> None:
    assert dated(reply + "\nAnna" + quote) is None


def test_rescheduled_for_a_day_is_the_new_day() -> None:
    assert dated("The call is rescheduled for Friday 10am.") == dt.date(2026, 3, 6)


@pytest.mark.parametrize(("text", "author", "day"), [
    ("### Next lunch is Tuesday, March 10 at 12:30 PM", "seller", "2026-03-10"),
    ("**Sending the signed copy tomorrow.**", "customer", "2026-03-05"),
    ("> Next session is Friday at 10am.", "seller", None),  # a quoted line stays quoted
])
def test_markdown_decoration_does_not_hide_a_step(text: str, author: Author, day: str | None) -> None:
    assert dated(text, author) == (dt.date.fromisoformat(day) if day else None)


@pytest.mark.parametrize("text", ["这个事情元旦以后再说吧，年底事情太多。", "月底事情比较多，下个月再聊吧。"])
def test_a_crowded_period_is_not_the_steps_day(text: str) -> None:
    assert dated(text) is None


def _quote(header: str, *lines: str) -> str:
    return "\n\n" + header + "\n" + "".join(f"> {line}\n" for line in lines)


GMAIL_MON = "On Mon, Mar 2, 2026 at 5:00 PM, Lee Park <lee@example.org> wrote:"


@pytest.mark.parametrize(("reply", "quote", "day"), [
    # the explicit date decides among a cancelled week and the day proposed instead
    ("Sounds good, thanks.", _quote(GMAIL_MON, "Half of us are out this Thursday. Let's skip this "
                                    "week's meeting and meet again on 12 March."), "2026-03-12"),
    # a day ruled out in its own sentence is not on offer
    ("Works for me.", _quote(GMAIL_MON, "I have a conflict tomorrow at our usual slot. Could we "
                             "meet on Friday at 11 instead?"), "2026-03-06"),
    ("That time would work for me.", _quote(GMAIL_MON, "Could we catch up on Friday at 11?"), "2026-03-06"),
    ("Okay for me.", _quote(GMAIL_MON, "What about Friday at 4 or 5 pm?"), "2026-03-06"),
    ("yes, thank you!", _quote("On Wed, Mar 4, 2026 at 8:00 AM, Lee Park <lee@example.org> wrote:",
                               "Would 2pm work?"), "2026-03-04"),
    ("@lee @sam Sure, I will join.", _quote(GMAIL_MON, "We have a call at 17:30 on Friday, March 6. "
                                            "Can you join us?"), "2026-03-06"),
    ("Count me in!", _quote(GMAIL_MON, "Next meetup: Friday, March 6 at 6pm."), "2026-03-06"),
])
def test_a_reply_takes_the_one_day_its_quote_still_offers(reply: str, quote: str, day: str) -> None:
    assert dated(reply + "\nAnna" + quote) == dt.date.fromisoformat(day)


ZH_NOTICE = ("\n\n李明 <liming@example.com> 于2026年3月3日周二 上午9:00写道：\n"
             "> # 本月技术沙龙\n> 时 间：2026-03-07 14:00 （本周六下午两点）\n> 地 点：三楼咖啡厅\n")
ZH_FOXMAIL = ("\n\n------------------ 原始邮件 ------------------\n发件人: \"李明\";\n"
              "发送时间: 2026年3月3日(星期二) 上午9:00\n主题: 3月7号 技术沙龙报名\n\n欢迎大家按格式回复报名。\n")


@pytest.mark.parametrize(("reply", "quote"), [
    ("先报上，不过晚上有事可能要早点走。", ZH_NOTICE),
    ("报名！\n\n姓名：王伟", ZH_NOTICE),
    ("+1，这次必须去", ZH_FOXMAIL),
    ("我想参加，但是对这个主题不太熟……", ZH_FOXMAIL),
])
def test_signing_up_to_a_quoted_notice_takes_its_day(reply: str, quote: str) -> None:
    assert dated(reply + "\n王伟" + quote) == dt.date(2026, 3, 7)


@pytest.mark.parametrize("reply", ["I'll come back to you with a better time.", "我这次去不了，下次吧。"])
def test_a_reply_that_defers_or_declines_takes_no_quoted_day(reply: str) -> None:
    assert dated(reply + "\nAnna" + _quote(GMAIL_MON, "Could we catch up on Friday at 11?")) is None


@pytest.mark.parametrize(("text", "day"), [
    ("Friday 4 or 5 pm is OK for me.", "2026-03-06"),
    ("周五下午4点或5点都可以。", "2026-03-06"),
])
def test_two_hours_on_one_day_are_that_day(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(("text", "day"), [
    ("Confirmed for March 12.", "2026-03-12"),
    ("It's scheduled as Tuesday 4 pm.", "2026-03-10"),
    ("Great! I'll be on zoom at 2.", "2026-03-04"),
    ("Moving the March 5 meeting to March 12.", "2026-03-12"),
])
def test_an_organisers_confirmation_or_move_is_the_meeting_of_both(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


def test_a_hard_wrapped_sentence_keeps_its_day() -> None:
    text = ("Sorry for the slow answer, things have been hectic here. I think we can finish the review\n"
            "before March 18th, and I will send it over then.\n\nBest,\nAnna")
    assert dated(text) == dt.date(2026, 3, 18)


@pytest.mark.parametrize(("text", "day"), [
    ("各位好：\n\n时 间：2026-03-07 14:00（本周六下午两点）\n地 点：三楼咖啡厅", "2026-03-07"),
    ("本月沙龙通知\n\n一、时间\n2026年3月7日（星期六）14:00\n二、地点\n三楼咖啡厅", "2026-03-07"),
    ("# Date\n\nSaturday, March 7, 2 pm\n\n# Place\n\nRoom 3", "2026-03-07"),
    (("各部门：\n公司定于2026年3月12日（周四）15:00在一号会议室召开年度总结会，现就有关事宜通知如下：\n"
     "一、参加人员\n全体员工"), "2026-03-12"),
    ("Subject: Planning meeting 12.03.2026 10 am\n\nHi all,\n\nsee you there.", "2026-03-12"),
    ("主题：技术沙龙（2026年3月7日）\n\n欢迎大家报名。", "2026-03-07"),
])
def test_notices_name_their_day_in_labels_headings_and_subjects(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "Subject: Notes from our call today\n\nThanks for the time today.",
    "Subject: Prepare an update for the March 12 board meeting\n\nAny update here?",
    "主题：例会通知，2026-03-12\n\n时间\n北京时间 2026-03-02 15:00",  # the body's day contradicts it
    "报名须知\n\n- 截止: 周五 24:00 前有效\n- 地点: 三楼",  # a deadline set, not an event
])
def test_a_subject_or_label_that_is_no_event_of_that_day(text: str) -> None:
    assert seller_dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("The target launch date is end of March 2026.", "2026-03-31"),
    ("This is due March 20th.", "2026-03-20"),
    ("To be rolled out Thursday morning approx 9.30am.", "2026-03-05"),
    ("I'm free to run the demo on Friday, March 13 if someone books a room.", "2026-03-13"),
    ("Feel free to join us at the office at 6pm.", "2026-03-04"),
    ("Sorry for the delay. I will have it by tmrw.", "2026-03-05"),
])
def test_plain_statements_of_a_dated_plan(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_looking_forward_to_hearing_from_the_customer_on_a_day_is_their_step() -> None:
    assert seller_dated("Thanks, and looking forward to hearing from you on Monday.") == \
        dt.date(2026, 3, 9)
    assert dated("Looking forward to hearing from you on Monday.") is None


@pytest.mark.parametrize("text", [
    "Dana will be gone Friday the 13th, can you take lead on moving it, perhaps to Thursday the 12th?",
    "We acknowledge and accept your confirmed delivery date of 20 March 2026.",
    "So, it will be fine.\nAnna" + QUOTE_EN,
])
def test_asking_the_other_side_to_move_it_or_acknowledging_their_date_is_no_step(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("我們下週三開會討論，確認後給您回覆。", "2026-03-11"),
    ("合約我們這週五前簽好寄回。", "2026-03-06"),
])
def test_traditional_characters_read_like_simplified(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


ASKED_WHEN = _quote(GMAIL_MON, "Thanks for the update. When do you think you can send the signed form?")


@pytest.mark.parametrize(("reply", "day"), [
    ("Next Friday, one week to go.", "2026-03-13"),
    ("By Monday.", "2026-03-09"),
    ("明天。", "2026-03-05"),
])
def test_a_day_alone_answering_the_quoted_question_is_the_step(reply: str, day: str) -> None:
    assert dated(reply + "\nAnna" + ASKED_WHEN) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("reply", ["Friday? Not sure yet.", "Monday is a holiday here, sorry."])
def test_a_day_alone_that_hedges_or_explains_is_no_answer(reply: str) -> None:
    assert dated(reply + "\nAnna" + ASKED_WHEN) is None


@pytest.mark.parametrize(("text", "day"), [
    ("主题：评审会邀请\n\n陈总：\n\n时间为3月18日14:00，地点为我司3号会议室。\n请于3月13日前确认参会人员。",
     "2026-03-18"),  # asking the supplier to confirm attendees is a request, not the meeting
    ("主题：更正公告\n\n1.原公告中“开标时间：2026年3月10日9:30”更正为：2026年3月24日9:30。", "2026-03-24"),
    ("主题：复查安排\n\n- 复查事项：整改执行情况\n- 复查时间：3月24日\n- 复查方式：现场检查", "2026-03-24"),
    ("主题：竞价邀请\n\n4、竞价开始时间：2026-03-20 10:00:00\n5、竞价结束时间：2026-03-20 11:00:00",
     "2026-03-20"),
    ("主题：调整通知\n\n时间 | 事项 | 负责方\n3月4日 | 通知下发 | 我司\n3月9日 | 正式生效 | 双方", "2026-03-09"),
])
def test_buyer_notices_name_the_event_day(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "主题：付款通知\n\n付款时间：收到本通知后10个工作日内\n发票要求：增值税专用发票",
    "主题：开标地点变更\n\n开标地点：北京市朝阳区广顺北大街16号3层开标室",
    "主题：交货安排\n\n交货时间：3月20日\n交货地点：我司仓库",  # the seller's delivery
])
def test_terms_addresses_and_the_sellers_delivery_are_no_event_day(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize("text", [
    "税务处理时间：\n\n我司将在每月15日前完成税务处理：代扣个税按期申报。",  # a routine, not a side line
    "主题：续约安排\n\n阶段 | 时限 | 负责方\n合同条款讨论 | 10天内 | 双方\n签字盖章 | 5天内 | 双方",
])
def test_routines_and_spans_with_no_start_are_no_day(text: str) -> None:
    assert dated(text) is None


def test_a_payment_made_arriving_later_is_no_step() -> None:
    assert dated("We paid the invoice by bank transfer today. The payment should be in your "
                 "account within two working days.") is None


@pytest.mark.parametrize(("text", "day"), [
    ("整改跟进：对接人为赵敏，复查时间为3月20日，请务必按时整改。", "2026-03-20"),
    ("下一步：绩效沟通会议为3月16日10:00，改进计划请于3月19日前提交。", "2026-03-16"),
])
def test_a_notice_stating_its_event_is_on_a_day(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_a_deadline_stated_for_the_other_side_is_no_event() -> None:
    assert dated("材料提交时间为3月20日，逾期不予受理。") is None


@pytest.mark.parametrize("reply", ["I'm in!", "+1, will be there"])
def test_issue_thread_sign_ups_take_the_announced_day(reply: str) -> None:
    assert dated(reply + "\nAnna" + ANNOUNCED_EN) == dt.date(2026, 3, 6)


def test_a_subject_event_the_body_declines_is_no_step() -> None:
    assert dated("Subject: Re: pricing call on March 12\n\nSorry, I can't make it.\n\nAnna") is None
    assert dated("Subject: Accepted: Demo @ Thu Mar 12, 2026 10am\n\nAnna has accepted.") == \
        dt.date(2026, 3, 12)


@pytest.mark.parametrize("reply", ["我去看看再说。", "我去问一下领导。"])
def test_going_to_look_or_ask_is_no_sign_up(reply: str) -> None:
    assert dated(reply + "\n王伟" + ANNOUNCED_ZH) is None


def test_once_we_have_it_is_the_sellers_condition() -> None:
    assert dated("Could you send the updated quote? Once we have it I'll take it to our CFO on "
                 "Monday.") == dt.date(2026, 3, 9)


def test_what_was_sent_arriving_is_no_step() -> None:
    assert dated("合同我们已经盖章寄出，预计周五到。") is None


def test_a_seller_saying_yes_to_a_request_takes_on_work_not_a_meeting() -> None:
    asked = _quote(GMAIL_MON, "Could you please send the revised deck this Friday, March 6?")
    assert seller_dated("Yes\nSam" + asked) is None
    invited = _quote(GMAIL_MON, "Could we meet on Friday, March 6 at 10?")
    assert seller_dated("Yes\nSam" + invited) == dt.date(2026, 3, 6)


@pytest.mark.parametrize("text", [
    "Running a bit late, on my way now.",
    "I'll skip the lunch but will make it to the review if it is still scheduled for 3pm.",
])
def test_on_my_way_and_a_condition_on_the_schedule_are_today(text: str) -> None:
    assert dated(text) == dt.date(2026, 3, 4)


@pytest.mark.parametrize("reply", ["时间可以。", "这个时间我们没问题。"])
def test_a_chinese_reply_accepting_the_time_takes_the_day(reply: str) -> None:
    assert dated(reply + "\n王伟" + QUOTE_ZH) == dt.date(2026, 3, 10)


def test_sure_thing_accepts() -> None:
    assert dated("Sure thing.\nAnna" + QUOTE_EN) == dt.date(2026, 3, 5)


@pytest.mark.parametrize(("text", "day"), [
    ("I've asked finance to cut the PO Monday.", "2026-03-09"),
    ("方案我们会在下周一的例会上讨论。", "2026-03-09"),  # one meeting, not the routine
])
def test_delegating_the_step_and_a_dated_regular_meeting(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", ["We've asked your team to send the quote by Friday.", "我们每周一开例会。"])
def test_asking_the_seller_and_the_routine_stay_no_step(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize("text", [
    "We received your proposal on Monday and will review it.",
    "Our fiscal year starts April 1, so the budget opens then.",
    "We'll wait until after March 15 to decide.",
    "我们3月15日之后再决定。",
])
def test_a_past_weekday_a_calendar_period_and_after_a_day_are_no_step(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("We'll send the signed contract on Monday.", "2026-03-09"),
    ("I'll have it signed on Friday.", "2026-03-06"),
])
def test_a_signed_document_sent_on_a_day_is_still_ahead(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_the_other_sides_date_that_works_for_us_is_theirs() -> None:
    assert dated("Your team mentioned a release on March 20, which works for us.") is None
    assert seller_dated("You mentioned you'd sign on March 20, which works for us.") == \
        dt.date(2026, 3, 20)


@pytest.mark.parametrize(("text", "day"), [
    ("We propose to pay the balance in three instalments on 16 March, 15 April and 15 May.",
     "2026-03-16"),
    ("Please accept this letter as our promise to pay the full amount by 20 March 2026.", "2026-03-20"),
])
def test_promise_to_pay_letters(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_requesting_delivery_by_a_day_is_the_sellers_date() -> None:
    assert dated("We confirm our order and request delivery by 20 March.") is None


def test_a_customers_plan_table_owned_by_its_own_departments() -> None:
    plan = ("陈总：\n\n交接安排如下：\n\n阶段 | 时间 | 事项 | 负责人\n准备 | 3月9日上午 | 系统配置 | IT组\n"
            "培训 | 3月10日 | 话术培训 | 培训组\n\n王立新")
    assert dated(plan) == dt.date(2026, 3, 9)


@pytest.mark.parametrize("text", [
    "原本预计今天提交，但是发现来不及了。",
    "We were supposed to sign today, but legal found an issue.",
])
def test_the_old_plans_day_is_not_the_step(text: str) -> None:
    assert dated(text) is None


ZH_HEADED = ("\n\n------------------ 原始邮件 ------------------\n发件人: \"李明\";\n"
             "发送时间: 2026年3月3日(星期二) 上午9:00\n主题: 线下交流\n\n### 时间\n\n"
             "2026年3月7日（星期六）下午2:00\n\n### 报名\n\n回复本帖报名，写明姓名和到场时间。\n")
EN_RSVP = ("\n\nOn Tue, Mar 3, 2026 at 9:00 AM, Sam Lee <sam@vendor.com> wrote:\n"
           "> ## Date\n>\n> Saturday, March 7, 2 pm\n>\n> Reply to this thread to register.\n")


@pytest.mark.parametrize(("reply", "quote"), [
    ("姓名：王伟\n到场时间：14:00", ZH_HEADED),  # a filled-in form under a "时间" heading
    ("账号：wangwei\n大概两点到", ZH_HEADED),  # a form without a sign-up word
    ("先报名，晚上看能不能把问题整理出来", ZH_HEADED),  # "能不能" asks, it does not refuse
    ("Name: Wang Wei\nTeam: data platform", EN_RSVP),
])
def test_a_form_reply_to_a_call_for_sign_ups_takes_its_day(reply: str, quote: str) -> None:
    assert dated(reply + quote) == dt.date(2026, 3, 7)


@pytest.mark.parametrize(("reply", "quote"), [
    ("到场时间 14:00 吧\n临时加班，取消报名", ZH_HEADED),  # the sign-up taken back
    ("先报名吧，如果没有突发情况……", ZH_HEADED),  # a condition on the writer's side
    ("Name: Wang Wei\nSorry, I can't make it after all.", EN_RSVP),
    ("账号：wangwei\n请问需要带电脑吗？", ZH_HEADED),  # a question, not a form
])
def test_a_withdrawn_or_conditional_sign_up_takes_no_day(reply: str, quote: str) -> None:
    assert dated(reply + quote) is None


@pytest.mark.parametrize(("text", "day"), [
    ("时间：2026年 3月 12日 14:00，我们准时参加。", "2026-03-12"),  # spaced 年 月 日
    ("我们 2026 年 3 月 12 日召开评审会。", "2026-03-12"),
    ("评审会时间：20260312 14:00，我们准时参加。", "2026-03-12"),  # eight digits
])
def test_spaced_and_compact_dates_are_read(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "订单号 20260312001 已收到，我们会尽快付款。",  # a longer number is no date
    "附件 report-20260312.pdf 请查收，我们周五前反馈。",  # part of a file name
])
def test_digits_inside_numbers_and_names_are_no_date(text: str) -> None:
    assert dated(text) in (None, dt.date(2026, 3, 6))
    assert dated(text) != dt.date(2026, 3, 12)


@pytest.mark.parametrize("text", [
    "3月12日 3月13日 都可以",
    "3月12日和3月13日我们都行。",
    "Thursday March 12 and Friday March 13 both work for us.",
])
def test_several_days_that_all_suit_are_not_yet_a_day(text: str) -> None:
    assert dated(text) is None


def test_a_numbered_step_is_no_owner_in_a_notice() -> None:
    notice = ("参加须知：\n- step1: 在仓库留言报名\n- step2: 完成当月阅读\n"
              "- step3: 报名当月线下活动，截止 3 月 31 日\n")
    assert [c for c in extract_commitments(notice, sent_at=WEDNESDAY, author="seller")
            if c.actor != "seller" and c.due is not None] == []


HACK_NIGHT = _quote(GMAIL_MON, "Subject: 3/12 - Data night - Room 4 - 6-7",
                    "We have reserved the room for 6-7 on Thursday, 3/12.",
                    "If you think you'll make it, add a comment.")


@pytest.mark.parametrize("reply", ["Going.", "im in +1", "I'll be there"])
def test_an_rsvp_takes_the_reserved_day(reply: str) -> None:
    assert dated(reply + HACK_NIGHT) == dt.date(2026, 3, 12)


@pytest.mark.parametrize(("text", "day"), [
    ("Date locked in for the 12th March", "2026-03-12"),
    ("Date moved to Mar 12.", "2026-03-12"),
    ("90 min session scheduled with Kim on Friday, 3/6 - 1:30-3pm.", "2026-03-06"),
    ("Last class is tomorrow (Thursday 5th).", "2026-03-05"),
    ("Schedule is now:\nFriday, Mar 13\n11am - 2pm", "2026-03-13"),
    ("Yes, Thursday looks good.", "2026-03-05"),
])
def test_a_sellers_fixed_or_moved_session_is_both_sides(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "Any afternoon works, except Tuesday and Wednesday.",
    "Friday and Thursday work OK for me.",
    "I need to reschedule the appointment we had for Friday, March 6 at 9:30 a.m.",
    "Friday morning?",  # asked alone, a day is a question
])
def test_days_ruled_out_offered_or_asked_are_no_step(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("Wednesday would be fine. For instance, Wednesday 11/3?", "2026-03-11"),
    ("Let's plan it for next Tuesday because half the team is away this week.", "2026-03-10"),
])
def test_a_suggested_day_and_a_reason_named_after_it(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "我们需要改期：原定3月6日上午9:30的会议我无法参加。",  # the old day, and a sentence, not an owner line
    "原定3月6日的培训我们这边暂时去不了。",
])
def test_the_old_day_of_a_plan_is_no_step(text: str) -> None:
    assert dated(text) is None


def test_a_move_away_from_the_old_day_keeps_the_new_one() -> None:
    assert dated("原定3月6日的评审会改到3月9日，我们准时参加。") == dt.date(2026, 3, 9)


MEETUP = _quote(GMAIL_MON, "Hi all, the next meetup is on Thursday, March 12 at 6pm at the library.")
MEETUP_ZH = ("\n\n李明 <liming@example.com> 于2026年3月2日周一 上午9:00写道：\n"
             "> 各位好，下次交流会定于3月12日（周四）晚上7点，地点：三楼会议室。\n")


@pytest.mark.parametrize(("reply", "quote"), [
    ("I'm going", MEETUP), ("Will be there!", MEETUP), ("Sounds like a plan.", MEETUP),
    ("I'd love to come.", MEETUP), ("I will come.", MEETUP), ("I plan to attend.", MEETUP),
    ("I'm coming.", MEETUP), ("Great, I'm in.", MEETUP), ("Register me please.", MEETUP),
    ("RSVP yes", MEETUP), ("We're in.", MEETUP), ("我来。", MEETUP_ZH), ("我报名。", MEETUP_ZH),
])
def test_more_rsvp_wordings_take_the_announced_day(reply: str, quote: str) -> None:
    assert dated(reply + "\nAnna" + quote) == dt.date(2026, 3, 12)


@pytest.mark.parametrize("reply", ["I'm in the office on Friday.", "I plan to review it."])
def test_words_an_rsvp_shares_are_not_one(reply: str) -> None:
    assert dated(reply + "\nAnna" + MEETUP) is None


@pytest.mark.parametrize(("text", "day"), [
    ("好的，那就定周四下午两点。", "2026-03-05"),
    ("Our board approved the purchase yesterday and the PO goes out Friday.", "2026-03-06"),
])
def test_settling_a_day_and_a_plain_present_dispatch(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "发票收到后，我们30天内付款。",  # counted from an undated event
    "领导出差了，下周三回来后再定。",  # decided some time after Wednesday
])
def test_days_after_an_event_are_no_due_day(text: str) -> None:
    assert dated(text) is None


OFFICE_HOURS = _quote(GMAIL_MON.replace("Mon, Mar 2", "Wed, Mar 4"),
                      "I'll be holding office hours tonight in the cafeteria from 6-7PM.",
                      "Let me know if you plan on attending!")
CALL_TIMES = _quote(GMAIL_MON.replace("Mon, Mar 2", "Wed, Mar 4"), "Thurs at 10:30 work?  I'm free all day.")


@pytest.mark.parametrize(("reply", "quote", "day"), [
    ("I plan to attend.", OFFICE_HOURS, "2026-03-04"),
    ("Late addition but I'm planning to attend also.", OFFICE_HOURS, "2026-03-04"),
    ("actually 11 would be perfect", CALL_TIMES, "2026-03-05"),
    ("Thursday at 1 would be best for me!", CALL_TIMES, "2026-03-05"),
])
def test_attending_office_hours_and_a_better_time_take_the_day(reply: str, quote: str, day: str) -> None:
    assert dated(reply + "\nAnna" + quote) == dt.date.fromisoformat(day)


def test_it_will_be_fine_accepts_nothing() -> None:
    assert dated("I'll look at it next week. So, it will be fine.\nAnna" + CALL_TIMES) is None


@pytest.mark.parametrize(("text", "day"), [
    ("Subject: Prep Meeting\nDiscussion about the project plan\nMonday, March 9th - 12pm\nZoom: https://z.example/j/1",
     "2026-03-09"),
    ("Subject: Agenda for 12 March 2026\nAdd the agenda before the meeting.", "2026-03-12"),
    ("The AGM is still planned at the usual date (Second Sunday) in April.", "2026-04-12"),
    ("We're listed on the agenda for Monday afternoon.", None),  # the seller's own slot
])
def test_a_notice_dates_its_meeting(text: str, day: str | None) -> None:
    assert seller_dated(text) == (None if day is None else dt.date.fromisoformat(day))


def test_the_nth_weekday_of_a_month() -> None:
    assert dated("Our board meets on the first Monday of April and will decide then.") == dt.date(2026, 4, 6)


@pytest.mark.parametrize("text", [
    "春节安排如下：\n停止接单时间：2026年3月14日\n恢复接单时间：2026年3月26日",  # service hours, not events
    "通知：\n- 停运时间：2026年3月11日 0:00 至 3月13日 24:00\n- 备货建议：请于2026年3月10日前完成下单",
    "放假安排：\n1、单位总部：3月13日(星期五)放假一天。",
    "三、时间安排\n3月13日至14日各单位组织企业填写调查问卷，15日将扫描件发送到我处邮箱，19日前寄出纸质问卷。",
    "模板如下，领取任务请按格式留言：\n相信我们的共同努力会换来孩子的美好明天！",
    "沙龙初定于3月底4月初在杭州举行，具体时间另行通知。",
])
def test_a_sellers_notice_of_service_hours_tasks_or_tentative_plans_is_no_joint_step(text: str) -> None:
    assert seller_dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("经研究并请示领导同意，决定于2026年3月11日上午8:30在三楼会议室召开工作会议，现将有关事项通知如下：", "2026-03-11"),
    ("二、會議時間：2026年3月10日(星期二) 下午5:30\n相信我們的共同努力會換來孩子的美好明天！", "2026-03-10"),
])
def test_a_notice_of_a_meeting_keeps_its_day(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "[落款]：华联超市股份有限公司 日期]：2026年3月4日",  # the letter's own date
    "[函件编号]：华联函[2026]第01号",  # a number, not the 1st
    "我看不到林老师11月26点在杭州的沙龙地点，你能告诉我吗？",  # "26点" is no clock time
])
def test_stamps_numbers_and_impossible_hours_are_no_day(text: str) -> None:
    assert dated(text) is None


SPEAKER_NIGHT = _quote(GMAIL_MON, "I still only have one speaker confirmed for next Wednesday.")


@pytest.mark.parametrize(("reply", "quote", "day"), [
    ("I'll be there on the night but I've been really busy this month.", SPEAKER_NIGHT, "2026-03-11"),
    ("If you are ok with it, it's fine by me!", _quote(GMAIL_MON, "## Date", "Would Friday 13th of March be ok?"),
     "2026-03-13"),
])
def test_attending_a_confirmed_night_or_a_day_fine_by_me(reply: str, quote: str, day: str) -> None:
    assert dated(reply + "\nAnna" + quote) == dt.date.fromisoformat(day)


def test_a_day_both_sides_already_have_booked_is_not_offered() -> None:
    quote = _quote(GMAIL_MON, "We both have stuff scheduled ~5PM on Wednesday. What if we just do it",
                   "another time?")
    assert dated("that's fine\nAnna" + quote) is None


def test_a_time_after_a_numeric_date_does_not_decide_the_order() -> None:
    sent = dt.datetime(2026, 3, 3, 11, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    found = extract_commitments("Subject: Interview\nInterview with Rhea on 05/03, 3.30 is confirmed.",
                                sent_at=sent, author="seller")
    assert [c.due for c in found if c.due] == [dt.date(2026, 3, 5)]


def test_a_meeting_repurposed_for_the_step() -> None:
    assert dated("I repurposed our sprint planning meeting on Monday at 1pm to perform testing.") == \
        dt.date(2026, 3, 9)


@pytest.mark.parametrize(("text", "day"), [
    ("聚会【羊村】：周末聚会来了！！\n时间【周末】：2026-03-07 ～ 2026-03-08 (默认周六)\n地方【公园】：森林公园站", "2026-03-07"),
    ("最新的会议信息：\nTheme：社区双周会\nTime：03-12 20:00 - 03-12 21:00", "2026-03-12"),
    ("We will have our bi-weekly telecon tomorrow, Thursday, March 5th at 12:30 PM PT.", "2026-03-05"),
])
def test_annotated_labels_and_month_day_with_a_time(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "主题：Bi-weekly meeting\nWelcome to join our bi-weekly meeting.\nDate: Every 2 weeks, Wednesday, 14:00 CST.",
    "主题：Community meeting | 每双周三晚 8:00 ～ 9:00，不见不散\nWhat does the community meeting involve?",
])
def test_a_recurring_meeting_is_no_dated_step(text: str) -> None:
    assert seller_dated(text) is None


@pytest.mark.parametrize("text", [
    "主题：Re: Chapter 10 - 3月20日完成\n之前把这事儿给忘记了，最近应该能完成。",  # the subject is the other message's
    "我们大约3月20日完成。",  # an approximate day
])
def test_a_replys_subject_and_an_approximate_chinese_day_are_no_day(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("The meeting will now be held on Wednesday 11 March at 2:00 p.m. in the Council Chamber.", "2026-03-11"),
    ("Our first-ever meetup will be held Tuesday, March 10, after the book signing.", "2026-03-10"),
    ("We'll discuss this in more detail at our next meeting, Monday, March 9th.", "2026-03-09"),
    ("I've got some rooms reserved at the university for the installfest on Saturday, March 7.", "2026-03-07"),
    ("We have a location and date locked in for Saturday, March 7.", "2026-03-07"),
    ("The Executive Board has decided to hold a virtual annual meeting on Wednesday March 18 via Zoom.", "2026-03-18"),
    ("We should still be able to get outside for practice tonight.", "2026-03-04"),
    ("We hope to see you at the next meeting which will be the 12th March.", "2026-03-12"),
    ("Subject: Presentations Meet - 25th March 2026\nSpeakers: please bring your slides.", "2026-03-25"),
])
def test_an_organisers_notice_is_the_meeting_of_both_sides(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "2026-03-06: No meetup this week",
    ("In today's meeting Sam confirmed we have a room booked, and just needed to check which days "
     "in the w/c 29th June it was booked for."),
])
def test_no_meetup_and_a_week_commencing_are_no_day(text: str) -> None:
    assert seller_dated(text) is None


@pytest.mark.parametrize("text", [
    "I have to be elsewhere on the 11th.",
    "I walk past on my way home from work, so I'll let you know when the lights are back on.",
    "The completion date has now been pushed more toward the end of the year.",
])
def test_absence_habit_and_an_approximate_end_are_no_customer_day(text: str) -> None:
    assert dated(text) is None


def test_a_suggested_release_day_asked_with_ba() -> None:
    assert dated("貌似没有必须完成的 issue，我们定在北京时间3月14日（周六）发布吧？") == dt.date(2026, 3, 14)


def test_the_old_days_of_a_named_meeting_are_no_step() -> None:
    text = "原定“第九届一次会员大会暨2026年年会”于3月25-26日在成都召开，截止目前会议回执总人数已达到550名。"
    assert seller_dated(text) is None


@pytest.mark.parametrize("text", ["今天继续会议：#54", "今天下午3点是新一次会议。"])
def test_an_organisers_meeting_today(text: str) -> None:
    assert seller_dated(text) == WEDNESDAY.date()


@pytest.mark.parametrize(("text", "day"), [
    ("A wee reminder that it is the Hall AGM a week on Wednesday – 11th March at 7.30pm.", "2026-03-11"),
    ("We have confirmed the date (9 May) and venue Crawshaw School.", "2026-05-09"),
    ("My defense date is Thursday March 12th, 11am-12noon, Room 2246.", "2026-03-12"),
    ("We'll also have a sign up at our Mar. 21 meeting.", "2026-03-21"),
])
def test_reminders_confirmed_dates_and_named_events_of_an_organiser(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


def test_an_event_at_the_end_of_the_month_is_no_exact_day() -> None:
    assert seller_dated("At the end of the month, we will hold two events on-site here.") is None
    assert dated("We'll send the signed order by the end of the month.") == dt.date(2026, 3, 31)


@pytest.mark.parametrize(("text", "day"), [
    ("主题：[翻译] 07\nDDL: 3/11 23:00", "2026-03-11"),
    ("推后一天 DDL: 03-12-23:59", "2026-03-12"),
    ("Subject: Send the summary to Clara\nDue: March 15th\n[ ] Write summary\n[ ] Send to Clara", "2026-03-15"),
])
def test_a_bare_deadline_label_in_the_customers_own_mail_is_their_day(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_a_deadline_label_in_the_sellers_notice_is_no_customer_step() -> None:
    assert seller_dated("报名须知：\n截止: 3月13日前\nDue: March 13") is None


@pytest.mark.parametrize(("reply", "quote", "day"), [
    ("24th works for me", _quote(GMAIL_MON, "24th then? @dana @lee"), "2026-03-24"),
    ("Yes I am fine with that!", _quote(GMAIL_MON, "OK, Mar 12, 2pm EST."), "2026-03-12"),
    ("Hey Sam, could you provide a calendar invite please ?",
     _quote(GMAIL_MON, "The next call will be on Thur, Mar 12th at 6 pm CET."), "2026-03-12"),
])
def test_a_day_of_the_month_alone_fine_with_that_and_asking_for_the_invite(reply: str, quote: str, day: str) -> None:
    assert dated(reply + quote) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(("text", "day"), [
    ("I said I'd be depositing the funds to cover it first thing Monday.", "2026-03-09"),
])
def test_id_be_doing_it_on_a_day(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "The movers came right on time this morning at 8:45.",
    "I'm going out of town this weekend.",
    "We're on the 5th floor.",
])
def test_a_morning_already_past_an_absence_and_an_ordinal_are_no_step(text: str) -> None:
    assert dated(text) is None


def test_an_organisers_event_this_saturday() -> None:
    assert seller_dated("Subject: Conference\nIt's THIS SATURDAY.\nDoors open at 10.30am.") == dt.date(2026, 3, 7)
    assert seller_dated("Subject: telecon March 12\nWe have not set up the poll yet.") == dt.date(2026, 3, 12)


@pytest.mark.parametrize("text", [
    "So, everyone remember, THURSDAY MARCH 12 at 5:30 PM at the cafe upstairs.",
    "Don't forget: Thursday March 12, 7pm, room 4.",
])
def test_a_reminder_to_everyone_of_the_day(text: str) -> None:
    assert seller_dated(text) == dt.date(2026, 3, 12)
    assert dated(text) == dt.date(2026, 3, 12)


@pytest.mark.parametrize("text", [
    "Thursday at 2 works - sending an invite now.",
    "Thursday works, thanks!",
    "I've put time on our calendars for Thursday at 2pm.",
])
def test_a_day_that_works_with_a_tail_and_time_on_the_calendars(text: str) -> None:
    assert dated(text) == dt.date(2026, 3, 5)


@pytest.mark.parametrize("text", [
    "Noted that the goods will arrive on Friday.",
    "Thanks, our order should ship Friday.",
    "收到，周五发货没问题。",
    "好的，周五到货可以。",
    "周五交货没问题，谢谢。",
])
def test_acknowledging_the_sellers_delivery_day_is_no_customer_step(text: str) -> None:
    assert dated(text) is None
    assert not vague(text)


@pytest.mark.parametrize(("text", "day"), [
    (("Dear Sam,\n\nPlease be advised that payment for invoice #4471 will be remitted on March 20, 2026 "
      "via wire transfer.\n\nRegards,\nLinda"), "2026-03-20"),
    ("王经理您好：\n\n贵司3月5日开具的发票我司已收到，款项将于2026年3月20日前支付。\n\n李明", "2026-03-20"),
    ("I need to reschedule our demo. Monday the 9th at 10am would work better for our team.", "2026-03-09"),
])
def test_a_payment_notice_and_a_day_that_would_work_better(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_most_likely_on_a_day_is_tentative() -> None:
    text = "We expect to sign the week of March 16, most likely on Monday."
    assert dated(text) is None
    assert vague(text)


@pytest.mark.parametrize(("text", "day"), [
    ("Per our conversation, you'll get sign-off from your CFO on Tuesday and we'll finalize the paperwork.",
     "2026-03-10"),
    ("Thanks for letting me know your board meets on the 18th to approve the budget.", "2026-03-18"),
])
def test_a_sellers_recap_of_the_customers_own_steps(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(("text", "day"), [
    ("I'm flying in tomorrow, so let's meet at your office at 10.", "2026-03-05"),
    ("周二不行了，改周四可以吗？", "2026-03-05"),
])
def test_a_clock_time_after_a_named_day_and_a_move_after_a_refusal(text: str, day: str) -> None:
    days = {c.due for c in extract_commitments(text, sent_at=WEDNESDAY, author="customer") if c.due}
    assert days == {dt.date.fromisoformat(day)}


@pytest.mark.parametrize(("reply", "quote", "day"), [
    ("Received, thanks. We'll pay by the due date.",
     _quote(GMAIL_MON, "Hi Linda, the invoice is attached; payment is due by March 20."), "2026-03-20"),
    ("收到，我们会按时付款。", _quote(GMAIL_MON, "李总您好，发票已开具，请于3月20日前付款。"), "2026-03-20"),
    ("Perfect, thank you.", _quote(GMAIL_MON, "I've booked the demo for Thursday March 5 at 2pm. Does that work?"),
     "2026-03-05"),
])
def test_a_reply_on_the_quoted_day_and_perfect_thank_you(reply: str, quote: str, day: str) -> None:
    assert dated(reply + quote) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(("reply", "quote"), [
    ("We'll pay by the due date.", _quote(GMAIL_MON, "The first instalment is due March 20, the second April 20.")),
    ("We won't make the deadline, sorry.", _quote(GMAIL_MON, "Reminder: the forms are due by March 20.")),
    ("We might not pay by the due date.", _quote(GMAIL_MON, "Payment is due by March 20.")),
])
def test_no_day_when_the_quote_names_several_or_the_reply_refuses(reply: str, quote: str) -> None:
    assert dated(reply + quote) is None


@pytest.mark.parametrize(("text", "day"), [
    ("周日做...", "2026-03-08"),
    ("内容加上了, 明晚再写邮件", "2026-03-05"),
    ("#246 明天merge并发布pdf，即可进入102了。", "2026-03-05"),
])
def test_a_chinese_day_right_before_its_verb(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", ["恩那 我是下午才报名的！", "今天做了，已经提交。"])
def test_a_chinese_deed_already_done_is_no_step(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("The annual general meeting will take place on Thursday 12th March in the club rooms at 7.30pm.", "2026-03-12"),
    ("Therefore it was decided that the Business Meeting should be moved to next Thursday.", "2026-03-12"),
    ("The time of the kick-off meeting has to be changed from Tuesday, March 10 to Thursday, March 12.",
     "2026-03-12"),
    ("The next meeting will be March 12 at 6:30 pm so if you would like to join, please call the library.",
     "2026-03-12"),
    (("The weather for this Saturday looks ominous for our planned meeting, so the board has postponed "
      "the meeting by one week to March 14th."), "2026-03-14"),
])
def test_an_organisers_meeting_moved_or_taking_place(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(("text", "day"), [
    ("Would you like to meet on Friday at 9:00 LA / 17:00 Bristol?", "2026-03-06"),
    ("如果没人认领的话我就先翻译，截止日期放到周一。", "2026-03-09"),
])
def test_a_day_proposed_to_both_and_a_condition_on_nobody_else(text: str, day: str) -> None:
    days = {c.due for c in extract_commitments(text, sent_at=WEDNESDAY, author="customer")
            if c.due and not c.vague and c.actor != "seller"}
    assert days == {dt.date.fromisoformat(day)}


@pytest.mark.parametrize(("text", "day"), [
    ("Sam - Legal approved. Countersigned copy coming your way Friday.", "2026-03-06"),
    ("王经理您好，明天下午两点可以，到时候线上聊。", "2026-03-05"),
])
def test_coming_your_way_and_a_greeting_is_no_subject(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_not_able_to_decide_this_week_names_no_day_this_week() -> None:
    assert dated("王经理，这周我们定不下来，领导出差了。") is None


@pytest.mark.parametrize("text", [
    "Reminder: community call tomorrow at 5pm UTC.",
    "Steering committee meeting is on Thursday at 10.",
])
def test_a_named_call_or_meeting_on_a_day(text: str) -> None:
    assert dated(text) == dt.date(2026, 3, 5)


def test_a_chinese_notice_naming_the_event_after_its_time() -> None:
    assert seller_dated("通知：本周六（3月7日）上午9点全体会员大会，请大家相互转告。") == dt.date(2026, 3, 7)


@pytest.mark.parametrize(("text", "day"), [
    ("We are in the late planning stages for an event scheduled for the evening of Friday March 13.", "2026-03-13"),
    ("We're hosting our spring social evening on Friday 13th March at the club.", "2026-03-13"),
])
def test_an_organisers_own_event_is_the_meeting_of_both_sides(text: str, day: str) -> None:
    steps = [c for c in extract_commitments(text, sent_at=WEDNESDAY, author="seller") if c.actor == "joint"]
    assert [c.due for c in steps] == [dt.date.fromisoformat(day)]


def test_a_third_partys_event_is_not_the_organisers() -> None:
    text = "This Saturday, Major League Hacking will be hosting a Local Hack Day all around the world."
    assert not [c for c in extract_commitments(text, sent_at=WEDNESDAY, author="seller") if c.actor == "joint"]


@pytest.mark.parametrize(("text", "day"), [
    ("Tonight at 6 pm at the home of our treasurer will be the first meeting of the planning group.", "2026-03-04"),
    ("I am hereby inviting anyone and everyone to our house, Friday, March 13th for a potluck dinner.", "2026-03-13"),
])
def test_an_organisers_first_meeting_and_an_open_invitation(text: str, day: str) -> None:
    steps = [c for c in extract_commitments(text, sent_at=WEDNESDAY, author="seller") if c.actor == "joint"]
    assert [c.due for c in steps] == [dt.date.fromisoformat(day)]


def test_i_think_i_can_by_a_day_is_tentative() -> None:
    text = "Same here, I think I can finish by next weekend at the latest."
    assert dated(text) is None
    assert vague(text)


def test_uat_starts_monday() -> None:
    assert dated("UAT starts Monday.") == dt.date(2026, 3, 9)


def test_a_weekday_in_the_week_of_a_later_date_is_not_this_weeks() -> None:
    text = "Our team will be onsite for training the week of March 16, starting Monday."
    assert dated(text) is None
    assert vague(text)


def test_a_bare_plus_one_signs_up_for_the_quoted_meeting() -> None:
    quote = _quote(GMAIL_MON, "想要参加本次会议的小伙伴请直接在评论里盖楼", "会议时间：2026/03/12 20:00-21:00")
    assert dated("+1" + quote) == dt.date(2026, 3, 12)
    assert dated("+1\n9月12日  9月13日 都可以" + quote) is None  # several days: a choice


@pytest.mark.parametrize(("text", "day"), [
    (("This means our next dev call would be on THURSDAY, March 12 at 4:00 PM CET "
     "[Check your time here](https://www.timeanddate.com/worldclock/fixedtime.html?iso=20260312T10&p1=263)"),
     "2026-03-12"),
    ("Sincere apologies. Can we reschedule for the same time on Tuesday?", "2026-03-10"),
])
def test_a_sellers_next_call_beside_a_link_and_a_move_asked_of_both(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(("text", "day"), [
    (("However, if you have an invoice for February, you can still send it in now, and it should be paid "
     "next Wednesday."), "2026-03-11"),
    (("### Solution\n\nI will organize the notes that I took and publish them.\n\n### Deadline\n\n"
     "06.03.2026 - Friday - 23.59"), "2026-03-06"),
])
def test_an_invoice_to_be_paid_and_a_deadline_heading_in_the_customers_own_mail(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(("text", "day"), [
    ("组委会决定将原定于2026年3月13-15日举办的年会延期至2026年4月11-13日召开。", "2026-04-11"),
    ("40重聚大會和校慶典禮同一天舉辦──2026/3/15的5PM辦桌。", "2026-03-15"),
    ("决赛定于3月18日，在此之前，各部门要做好准备工作。", "2026-03-18"),
    ("现将有关事项通知如下：\n一、时间地点\n2026年3月13日(星期五)19:00\n南湖校区体育馆", "2026-03-13"),
])
def test_an_organisers_chinese_notice(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "尊敬的各位客户：\n\n我司定于2026年3月18日在杭州举办年度客户答谢会，诚邀您莅临。",
    "现定于2026年3月7日(星期六)上午9:00至下午16:00对该区域实施临时停电。",
])
def test_an_invitation_not_yet_accepted_and_an_outage_are_no_joint_step(text: str) -> None:
    assert seller_dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("The next edition of this meeting is coming up ~this Friday~ next Friday (9:00AM - 10:00AM PDT).", "2026-03-13"),
    ("~~Monday~~ Tuesday works for us.", "2026-03-10"),
])
def test_a_struck_through_day_is_taken_back(text: str, day: str) -> None:
    steps = [c for c in extract_commitments(text, sent_at=WEDNESDAY, author="seller") if c.due and not c.vague]
    assert [c.due for c in steps] == [dt.date.fromisoformat(day)]


def test_a_range_written_with_tildes_is_not_struck() -> None:
    assert dated("我们周五9:00~10:00，14:00~15:00都在会议室等您。") == dt.date(2026, 3, 6)


@pytest.mark.parametrize("text", [
    "**Possible dates:** Tuesday (10.3), Wednesday (11.3) or Thursday (12.3) at 16:00.",
    "Coming to this late, is this meeting on 12/11 or 12/4? I'm guessing 12/4 as that's what is on the calendar.",
    "During this week's call, I nominated myself for the Subgroup chair position, which was accepted.",
])
def test_a_choice_a_guess_and_this_weeks_call_already_held_name_no_day(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize("text", [
    "Next meeting to be 2026-03-12 at 14:30 BST.",
    "Subject: update next meeting notice\n\nNext Scheduled Meeting:\n  Thursday 17:00 UTC March 12th, 2026",
    "We'll review the result of this poll in `Meeting #3` on `12 March, 2026 - 15:00`.",
])
def test_an_organisers_next_meeting_in_issue_thread_forms(text: str) -> None:
    steps = [c for c in extract_commitments(text, sent_at=WEDNESDAY, author="seller") if c.actor == "joint"]
    assert [c.due for c in steps] == [dt.date(2026, 3, 12)]


def test_should_be_good_accepts_the_quoted_day() -> None:
    assert dated("Should be good." + _quote(GMAIL_MON, "How about your weekly meeting day on Thursday?")) \
        == dt.date(2026, 3, 5)


@pytest.mark.parametrize("text", [
    "Dee and I have to, unfortunately, miss the event tomorrow.",
    "I'll miss this week because I have a work event at the same time.",
    "I'm going to have a conflict with the Thursday slot relatively often.",
])
def test_missing_the_event_and_a_conflict_are_no_step(text: str) -> None:
    assert dated(text) is None


def test_missing_one_thing_but_making_the_other() -> None:
    text = "I will miss the class this morning but will make it to the meeting at 3pm."
    assert dated(text) == dt.date(2026, 3, 4)


@pytest.mark.parametrize(("table", "day"), [
    ("Section | Title | 译者 | 完成时间\n-- | -- | -- | --\nguide |  install | @lin-yu | 2026.03.06 - 2026.03.09",
     "2026-03-06"),
    ("Section | Title | 译者 | 完成时间\n-- | -- | -- | --\nresource |  covers | @gao-rt | 2026.03.04 - 2026.03.05",
     "2026-03-04"),
])
def test_a_claim_row_with_the_customers_own_handle(table: str, day: str) -> None:
    assert dated(table) == dt.date.fromisoformat(day)


def test_signing_up_with_the_sign_up_deadline_and_an_absence_in_the_notice() -> None:
    quote = ("\n\n------------------ 原始邮件 ------------------\n发件人: \"organiser\" <n@example.org>;\n"
             "发送时间: 2026年3月4日(星期三) 中午12:20\n主题: 线下活动报名\n\n- 时间: 周六 14:42~16:22\n"
             "- 截止: 周五 23:42 前有效\n\nPs: 本周 free 技术教练不在, 是小型 C2T2.\n")
    assert dated("后进的来报名 nicole-y" + quote) == dt.date(2026, 3, 7)


def test_a_day_heading_dates_the_clock_time_below_it() -> None:
    text = "Wed, 03/11/2026\n\nA regular meeting will be held at 11:30 am.\n\nWed, 04/15/2026\n\n9:30 am, Lily Day."
    steps = [c for c in extract_commitments(text, sent_at=WEDNESDAY, author="seller") if c.actor == "joint"]
    assert [c.due for c in steps] == [dt.date(2026, 3, 11)]


def test_an_organisers_invitation_to_participate_dates_the_clock_time_after_it() -> None:
    text = ("Please feel welcome to participate in our meeting on Wednesday Evening, March 11, 2026 at the "
            "Museum.\nWe meet at 6:30pm and we are out the doors by 8.")
    days = {c.due for c in extract_commitments(text, sent_at=WEDNESDAY, author="seller") if c.actor == "joint"}
    assert days == {dt.date(2026, 3, 11)}


@pytest.mark.parametrize(("text", "day"), [
    ("The first event for the garden club is on March 11th at 11am.", "2026-03-11"),
    ("This weekend's star party is intended to be held on Saturday, March 7, at 8:00pm.", "2026-03-07"),
    ("I'd suggest for this meeting, which I anticipate to take about an hour, Thursday of next week, 12 March.",
     "2026-03-12"),
    ("So, we are planning to ride Sunday. No-drop definitely.", "2026-03-08"),
    ("On Friday, March 13th, we will be hosting our very first potluck in the East Room.", "2026-03-13"),
])
def test_an_organisers_event_ride_and_suggested_meeting_day(text: str, day: str) -> None:
    steps = [c for c in extract_commitments(text, sent_at=WEDNESDAY, author="seller") if c.actor == "joint"]
    assert [c.due for c in steps] == [dt.date.fromisoformat(day)]


def test_a_customers_suggestion_of_a_day_is_not_yet_a_step() -> None:
    assert dated("I think it would be beneficial if we reserved a time slot now, and I suggest that it'd be "
                 "12 March, maybe 1930 UTC.") is None


def test_an_organisers_meeting_that_will_switch_to_a_new_day() -> None:
    text = "The meeting after that will switch to the new schedule, on Friday March 13."
    assert seller_dated(text) == dt.date(2026, 3, 13)


def test_if_no_one_objects_is_a_condition_on_others() -> None:
    assert dated("If no one objects, I will coordinate the March 10th meeting program.") == dt.date(2026, 3, 10)


@pytest.mark.parametrize(("text", "day"), [
    ("There will still be an On-Site event here in the San Francisco Bay Area on Mar 13-14.", "2026-03-13"),
    ("Work Party Weekends\n\nNEXT WORK PARTY IS Saturday, March 7\n\n11am to 5pm", "2026-03-07"),
])
def test_an_organisers_event_there_will_be_and_the_next_work_party(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(("minutes", "day"), [
    (("会议纪要\n\n一、会议时间：2026年3月4日\n二、参会单位：甲方（客户）、乙方（供应商）\n三、会议决定：\n"
     "1. 甲方于3月20日前完成需求确认；\n2. 乙方于3月27日前提交实施方案。"), "2026-03-20"),
    ("会议纪要\n\n时间：3月4日下午\n议定事项：\n1、客户方负责人张三下周五前反馈测试结果；\n2、我方周一前提供测试环境。",
     "2026-03-13"),
])
def test_minutes_items_opening_with_the_customers_role(minutes: str, day: str) -> None:
    steps = [c for c in extract_commitments(minutes, sent_at=WEDNESDAY, author="seller") if c.actor == "customer"]
    assert [c.due for c in steps] == [dt.date.fromisoformat(day)]


@pytest.mark.parametrize(("text", "actor", "day"), [
    (("Recap of today's call:\n- Linda will confirm budget with the CFO by Friday next week\n"
     "- I'll send the revised SOW tomorrow\n\nBest,\nSam"), "customer", "2026-03-13"),
    ("Hi Linda, great speaking today. As agreed, we'll reconvene next Thursday with your IT team.", "joint",
     "2026-03-12"),
    ("Linda - confirming you'll have the signed MSA back to us by Friday. Thanks! Sam", "customer", "2026-03-06"),
])
def test_a_sellers_recap_names_the_customers_owner_and_a_reconvened_meeting(text: str, actor: str, day: str) -> None:
    steps = [c for c in extract_commitments(text, sent_at=WEDNESDAY, author="seller") if c.actor == actor]
    assert [c.due for c in steps] == [dt.date.fromisoformat(day)]


@pytest.mark.parametrize(("text", "day"), [
    (("Subject: Open Community Working Meeting 2026-03-12 - 14:00 PT\n\nZoom Meeting link: (link)\n\n"
     "**Meeting accessibility**:\n- We would like to record the meeting for those who are not able to attend in person."),
     "2026-03-12"),
    (("Subject: Meeting Friday, March 6th, 2026 CANCELED\n\nThis meeting is canceled. We'll resume with the "
     "March 12th meeting. Happy holidays!"), "2026-03-12"),
    ("Subject: Next hack night: Thursday, March 12th, 6 - 9pm\n\nFeel free to drop by with a project!", "2026-03-12"),
])
def test_an_organisers_notice_in_an_issue_thread(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


def test_a_reply_that_opens_by_declining_still_drops_the_subjects_event() -> None:
    assert seller_dated("Subject: Planning meeting March 12\n\nSorry, I can't make it this time.") is None


def test_asking_for_the_invite_to_the_call_the_quote_schedules() -> None:
    quote = _quote(GMAIL_MON, "The next one is scheduled for 2026-03-12, at 9AM PT.",
                   "People interested in attending the next call who need the invite: Please respond here.")
    assert dated("@jsten can you please send me an invite? j.jansen@example.com" + quote) == dt.date(2026, 3, 12)


@pytest.mark.parametrize(("text", "day"), [
    (("# Club 第十二次会议纪要\n\n- 会议时间：2026-03-03 19:00 - 20:00\n\n### 下次会议安排\n\n"
     "确定下次会议的时间为两周后的同一个时间段。"), "2026-03-17"),
    (("1.站庆庆祝晚会(网友聚会)将于2026年 3月 7日晚 19:00在哈尔\n"
      "滨工业大学第一校区学苑楼3楼举行,欢迎广大网友参加。"), "2026-03-07"),
    ("3 月 7 日（周六）晚 8 点，我会和 @cheng-xx 大家在视频号上直播交流一些开源实践。", "2026-03-07"),
    ("3月4日 开源战略会议\n\n基本信息：\n时间：3月4日13点30~14点30\n地点：线上", "2026-03-04"),
])
def test_chinese_minutes_and_notices_of_the_organiser(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text", [
    "尊敬的用户,我们将对您进行停电,请您及时补交电费.\n单位:城北供电所\n日期:2026年3月4日",
    "# 会议纪要\n\n会议时间：2026年3月4日 10:00\n\n讨论了下一步的安排。",
])
def test_the_letters_own_date_and_the_minutes_of_a_meeting_held_today_are_no_step(text: str) -> None:
    assert seller_dated(text) is None


@pytest.mark.parametrize(("text", "day"), [
    ("I will be available in my office on Monday during our normal class time, 9:35-10:50 AM.", "2026-03-09"),
    ("I will be available tomorrow (Thursday) morning from 9:30am - 11:00am.", "2026-03-05"),
])
def test_an_instructors_office_hours_meet_both_sides(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


def test_a_seller_only_available_names_no_meeting() -> None:
    assert seller_dated("I will be available by phone if anything comes up.") is None


def test_a_notices_title_with_its_date_is_the_organisers_event() -> None:
    text = ("Spring Work Day – March 14\n\nWe need as many hands on deck as possible for our spring workday!\n\n"
            "Please bring garden gloves.")
    assert seller_dated(text) == dt.date(2026, 3, 14)


@pytest.mark.parametrize("text", [
    "Monday Morning Meetings\n\nWe are currently considering restarting Monday morning meetings in April.",
    "2025年底开源爱好者聚会（AA 自助餐）\n\n非常开心能和各位边吃边聊！",
])
def test_a_title_with_a_weekday_only_or_a_past_years_end_is_no_step(text: str) -> None:
    assert seller_dated(text) is None


@pytest.mark.parametrize("text", [
    "This Saturday, I will try to fit a month's worth of work in one day.",
    "Of course we can try to finagle a Thursday night party.",
])
def test_trying_to_is_tentative(text: str) -> None:
    assert dated(text) is None


def test_the_date_is_a_day_in_an_organisers_notice() -> None:
    text = "Hi,\n\n1. The date is Saturday March 14. 10am-5pm. Allow 1 hour for setup.\n2. Bring power strips."
    assert seller_dated(text) == dt.date(2026, 3, 14)


def test_the_bbq_is_still_on_never_fear_and_well_b_there() -> None:
    assert seller_dated("Edit: The BBQ on the 14th is still on, never fear.") == dt.date(2026, 3, 14)
    assert dated("we'll b there" + _quote(GMAIL_MON, "Join the club at 6pm this Saturday, March 7, for a meal and a meeting.")) \
        == dt.date(2026, 3, 7)


def test_join_the_club_on_a_day() -> None:
    text = "Time for our monthly meeting. Join the club at 6pm this Saturday in an out-of-the-way spot for a meal."
    assert seller_dated(text) == dt.date(2026, 3, 7)


@pytest.mark.parametrize(("text", "day"), [
    ("Judy: Next meeting is scheduled for Wed after TPAC.", None),
    ("Let's meet Friday after I land.", "2026-03-06"),
])
def test_a_weekday_after_a_named_event_is_that_events_week(text: str, day: str | None) -> None:
    days = {c.due for c in extract_commitments(text, sent_at=WEDNESDAY, author="seller") if c.due and not c.vague}
    assert days == ({dt.date.fromisoformat(day)} if day else set())


@pytest.mark.parametrize(("text", "day"), [
    ("However the general meeting for March will be held on Saturday 14 and its purpose will be to plan.", "2026-03-14"),
    ("The next meeting will be held on Saturday 7 at the clubrooms.", "2026-03-07"),  # 7 may be a time: the Saturday
    ("Tuesday 4 or 5 pm is OK for me, the meeting will be held then.", "2026-03-10"),
])
def test_a_weekday_and_a_day_of_the_month_without_its_suffix(text: str, day: str) -> None:
    assert seller_dated(text) == dt.date.fromisoformat(day)


def test_future_meetings_are_scheduled_for_days() -> None:
    text = "Future meetings are scheduled for: 14 March, 9 May, 13 June and 4 July. These are all Saturdays."
    assert seller_dated(text) == dt.date(2026, 3, 14)


def test_a_figurative_tomorrow_is_no_day() -> None:
    assert dated("並由衷祈禱，我們能夠度過災殃，一起迎向光明、康健的明天。") is None
    assert dated("我们明天把报价发给您。") == dt.date(2026, 3, 5)


@pytest.mark.parametrize("text", [
    "How about 5pm UTC Mon–Fri?",  # a span of weekdays, no one day
    "Tue/Wed/Thu 14:00 works for me.",  # a choice written with slashes
    "Monday to Friday after 3pm suits us.",
])
def test_a_span_or_slash_choice_of_weekdays_is_no_day(text: str) -> None:
    assert dated(text) is None


def test_doing_ones_best_to_join_is_a_hedge() -> None:
    assert dated("I'll do my best to join the call on Thursday.") is None
    assert vague("I'll do my best to join the call on Thursday.")


@pytest.mark.parametrize(("text", "author"), [
    ("By EOD Friday - Sam will be OOO after that.", "customer"),  # out of office
    ("Just a reminder that your invoice of $1,250.00 is due on Friday, March 6.", "seller"),
    ("Your payment is now past due since March 1; the balance is due on March 9.", "seller"),
    ("Our support agreement is due to expire on 31 March 2026.", "customer"),
    ("Your Pro plan auto-renews on March 20.", "seller"),
    ("我们的服务合同将于3月31日到期。", "customer"),
])
def test_absences_payments_falling_due_and_expiries_are_no_steps(text: str, author: Author) -> None:
    assert dated(text, author) is None


def test_a_replys_subject_is_the_other_messages_unless_the_reply_signs_up() -> None:
    assert dated("Subject: Re: Board meeting on March 11\n\nNoted, thanks.") is None
    assert seller_dated("Re: Organize March 12 Demo\n\n- Reviewed the draft with the team.") is None
    assert dated("主题：Re: [club] 上海 2026年3月14日 聚会\n\nHi，我已在回复中报名。") == dt.date(2026, 3, 14)


def test_the_new_week_named_before_instead_of_the_old_day() -> None:
    text = "The interviews will take place the week of March 16 instead of starting on March 9."
    assert dated(text) != dt.date(2026, 3, 9)


@pytest.mark.parametrize(("text", "author"), [
    ("We meet on the first Saturday of the month from 10 to 12.", "seller"),  # a standing date
    ("[WG] Fwd: Notice: all meetings are virtual through March 31, 2026\n\nFYI.", "seller"),
    ("I am writing to request a 7 day extension on payment for invoice #4721, due March 9.",
     "customer"),  # the invoice's due day is not the new one
])
def test_a_standing_date_a_tagged_forward_and_an_invoices_due_day_name_no_step(
        text: str, author: Author) -> None:
    assert dated(text, author) is None


@pytest.mark.parametrize(("text", "day"), [
    # a window set for the bidders, then the buyer's own bid opening
    (("五、采购文件的领取\n采购文件领取时间：2026年3月9日8:00时起至2026年3月13日16:00时止（北京时间）\n"
     "六、开标时间：2026年3月20日上午9点"), "2026-03-20"),
    ("报名时间：3月9日起至3月13日止。\n培训时间：3月18日全天。", "2026-03-18"),
    # a correction notice's own date, then the corrected opening day
    ("六、更正日期：2026年3月4日\n原开标时间为：本次招标将于2026年3月24日9时30分开标。", "2026-03-24"),
])
def test_a_window_for_the_other_side_and_a_notices_own_date_give_way_to_the_event(text: str, day: str) -> None:
    assert dated(text) == dt.date.fromisoformat(day)


def test_confirming_ones_availability_accepts_the_offered_day() -> None:
    quote = ("\n\n-----Original Message-----\nFrom: Jill Park <jill@hr.example>\nSent: Tuesday, "
             "March 3, 2026 4:55 PM\nSubject: Interview\n\nWe would like to invite you to an "
             "interview on Tuesday, March 10 at 10:00 AM.\n")
    assert dated("Dear Ms. Park,\n\nI am pleased to confirm my availability." + quote) \
        == dt.date(2026, 3, 10)


def test_a_rep_recapping_what_the_customer_agreed_to_is_the_customers_day() -> None:
    text = "We are delighted that you have agreed to come to our office on Thursday, March 12."
    found = extract_commitments(text, sent_at=WEDNESDAY, author="seller")
    assert [(c.actor, c.due) for c in found] == [("customer", dt.date(2026, 3, 12))]


@pytest.mark.parametrize("text", ["We will sign it tmw.", "We will sign it tommorow.", "I'll call tomorow at 10."])
def test_tomorrow_abbreviated_or_misspelt(text: str) -> None:
    assert dated(text) == dt.date(2026, 3, 5)


@pytest.mark.parametrize("text", [
    "计划将下一次线上讨论的时间设置在3月21日到31日之间。",  # some day in a span
    "We will meet between March 16 and March 20.",
    "第一点，我们认为先明确目的，否则会影响效率。",  # "第一点" is no one o'clock
    "时间上大家确定好，以往是中午。",  # what used to be
])
def test_a_span_between_days_an_ordinal_point_and_the_old_habit_are_no_day(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize("text", [
    "1.本周任务完成情况：有整理好会议记录并上传",  # a report on the week
    "1.其余部分由组员分好任务进行代码编写(本周各组员聚在一起写代码两次)",  # twice: no one day
])
def test_a_weeks_progress_report_and_a_count_of_times_are_no_day(text: str) -> None:
    assert dated(text) is None


def test_a_sessions_number_is_no_count_of_times() -> None:
    text = "我校第三届五次教职工代表大会定于2026年3月17日上午9:50在会议室召开。"
    assert dated(text) == dt.date(2026, 3, 17)


@pytest.mark.parametrize("text", [
    "Friday is perhaps too soon, but we can also try Monday at 19:30.",  # an attempt, not a day
    "In future weeks the call will be on Monday after the standup.",  # a standing plan
    "Going forward we will review the numbers on Friday.",
])
def test_trying_a_day_and_a_standing_plan_are_no_day(text: str) -> None:
    assert dated(text) is None


@pytest.mark.parametrize(("text", "author", "actor"), [
    ("The contractor has agreed to the extra work and will move in on Monday, March 9.", "customer", "seller"),
    ("Our vendor will install the units on Friday.", "customer", "seller"),
    ("The client will sign the order on Friday.", "seller", "customer"),
])
def test_a_side_named_by_its_role_acts_for_that_side(text: str, author: str, actor: str) -> None:
    found = extract_commitments(text, sent_at=WEDNESDAY, author=author)  # type: ignore[arg-type]
    assert {c.actor for c in found if c.due is not None} == {actor}


def test_being_on_the_call_accepts_the_quoted_day() -> None:
    assert dated("... and yes I will be on this call." + QUOTE_EN) == dt.date(2026, 3, 5)


@pytest.mark.parametrize("text", ["Yes, it's on, spoke to the landlord yesterday.", "It's on!"])
def test_its_on_confirms_the_quoted_day(text: str) -> None:
    assert dated(text + QUOTE_EN) == dt.date(2026, 3, 5)
