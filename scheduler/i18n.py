"""Every word a nudge e-mail says, in English and Simplified Chinese.

Templates hold layout only; the sentences live here so both languages stay side by
side and a missing translation is a KeyError in tests, not a silent English line.
Chinese counts use measure words (封 for e-mails, 场 for meetings, 个 for deals)
and full-width punctuation, as a Chinese reader expects in a subject line.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

Language = Literal["en", "zh"]
Move = Literal["ask_blocker", "smaller_step", "disqualify"]

_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

TEXT: dict[Language, dict[str, str]] = {
    "en": {
        "greeting": "Good morning {name},",
        "intro": "Here is what is open in your deals today ({day}).",
        "follow_ups": "Follow-ups owed",
        "follow_up_item": "No follow-up e-mail sent yet after this meeting.",
        "follow_up_hint": "Send a short recap with the agreed next step today.",
        "next_steps": "Meetings without a dated customer next step",
        "no_next_step_item": "No customer next step with a date was found.",
        "vague_item": "Only a vague next step was found:",
        "next_step_hint": "Ask the customer for a concrete step with a day.",
        "stalled": "Stalled deals",
        "stalled_item": "No customer action for {days} days (last: {last}); "
                        "{touches} seller touches since.",
        "stalled_item_no_date": "No recent customer action; {touches} seller touches since.",
        "last_action": " (Last customer action: {evidence}.)",
        "move_ask_blocker": "Stop sending more of the same: ask them directly what is "
                            "holding them back.",
        "move_smaller_step": "Ask for a smaller concrete step with a date "
                             "(e.g. a technical call instead of a trial).",
        "move_disqualify": "Consider disqualifying this deal and moving on to a better "
                           "prospect.",
        "slipped": "Customer promises that slipped",
        "slipped_item": "Promised for {due} ({late} days ago); the customer has not acted since:",
        "slipped_hint": "Ask what happened and for a new date.",
        "reschedules": "Meetings called off or moved again and again",
        "reschedules_item": "{count} meetings called off or moved in the last {days} days.",
        "reschedules_hint": "Pin down the next date now, and ask what changed on their side.",
        "single": "Deals known through one person",
        "single_item": "{count} meetings recently, always only with {person}.",
        "single_hint": "Ask your contact to bring in the decision maker, finance or the "
                       "technical evaluators.",
        "unanswered": "Customers waiting for your answer",
        "unanswered_item": "Asked on {when}, not answered yet:",
        "unanswered_hint": "Answer today.",
        "with": "with",
        "nothing": "Nothing is open today. Well done.",
        "mute_footer": "Too many of these? Ask your dealnudge admin to add a mute: entry "
                       "under your name in the YAML (e.g. mute: [{{until: 2026-12-31}}] or "
                       "mute: [{{account: example.com, until: 2026-12-31}}]).",
        "sent_by": "Sent automatically by dealnudge; replies are not read.",
        "subject_empty": "No open items today",
        "rollup_subject": "Weekly roll-up: {total} open items across {reps} reps",
        "rollup_intro": "Open items per rep for the week of {day}.",
        "rollup_rep": "Rep",
        "rollup_oldest": "Oldest open items",
        "rollup_since": "open since {day}",
        "open_meeting": "Open the meeting",
        "open_thread": "Open the thread",
        "draft_recap": "Draft the recap",
        "draft_reply": "Draft the reply",
        "untitled": "our meeting",
        "recap_subject": "Recap: {title}",
        "recap_body": "Hello,\n\nthank you for your time at \u201c{title}\u201d ({day}). "
                      "A short recap:\n\n- What we discussed: \n- What you told us matters "
                      "most: \n- What we will do: \n\nWhich day will you take the next step "
                      "we agreed on, so that we can both put it in our calendars?",
        "reply_body": "Hello,\n\nthank you for your message.\n\n",
    },
    "zh": {
        "greeting": "{name}，早上好：",
        "intro": "以下是今天（{day}）你的商机中待处理的事项。",
        "follow_ups": "待发的跟进邮件",
        "follow_up_item": "这次会议后还没有发跟进邮件。",
        "follow_up_hint": "今天就发一封简短的会议纪要，写明约定的下一步。",
        "next_steps": "没有明确客户下一步（带日期）的会议",
        "no_next_step_item": "没有找到带日期的客户下一步。",
        "vague_item": "只找到含糊的下一步：",
        "next_step_hint": "请客户约定一个有具体日期的行动。",
        "stalled": "停滞的商机",
        "stalled_item": "客户已 {days} 天没有行动（最近一次：{last}），此后你方已跟进 {touches} 次。",
        "stalled_item_no_date": "客户近期没有行动，此后你方已跟进 {touches} 次。",
        "last_action": "（客户最近一次行动：{evidence}）",
        "move_ask_blocker": "别再重复发同样的内容：直接问客户是什么让他们犹豫。",
        "move_smaller_step": "请客户先做一个更小、有日期的具体步骤（例如先做技术交流，而不是试用）。",
        "move_disqualify": "考虑放弃这个商机，把时间投入到更有希望的客户上。",
        "slipped": "客户没有兑现的承诺",
        "slipped_item": "约定在 {due}（已过去 {late} 天），此后客户没有任何行动：",
        "slipped_hint": "问问客户发生了什么，并请他们给一个新的日期。",
        "reschedules": "一再取消或改期的会议",
        "reschedules_item": "最近 {days} 天内有 {count} 场会议被取消或改期。",
        "reschedules_hint": "现在就把下一次的日期定下来，并问清楚对方有什么变化。",
        "single": "只通过一个人推进的商机",
        "single_item": "最近 {count} 场会议，始终只有 {person} 一个人参与。",
        "single_hint": "请你的联系人把决策人、财务或技术评估的同事拉进来。",
        "unanswered": "等你回复的客户",
        "unanswered_item": "{when} 提出，还没有回复：",
        "unanswered_hint": "今天就回复。",
        "with": "与",
        "nothing": "今天没有待处理的事项，做得好。",
        "mute_footer": "不想再收到？请 dealnudge 管理员在 YAML 中你的名下添加 mute: 条目"
                       "（例如 mute: [{{until: 2026-12-31}}] 或 "
                       "mute: [{{account: example.com, until: 2026-12-31}}]）。",
        "sent_by": "由 dealnudge 自动发送，回复不会被阅读。",
        "subject_empty": "今天没有待处理事项",
        "rollup_subject": "每周汇总：{reps} 位销售共 {total} 项待处理",
        "rollup_intro": "{day} 这一周每位销售的待处理事项。",
        "rollup_rep": "销售",
        "rollup_oldest": "最早的待处理事项",
        "rollup_since": "自 {day} 起",
        "open_meeting": "打开会议",
        "open_thread": "打开邮件",
        "draft_recap": "起草会议纪要",
        "draft_reply": "起草回复",
        "untitled": "我们的会议",
        "recap_subject": "会议纪要：{title}",
        "recap_body": "您好：\n\n感谢您参加{day}的「{title}」。会议纪要如下：\n\n- 讨论内容：\n"
                      "- 您最关心的：\n- 我方将要做的：\n\n我们约定的下一步，您方计划在哪一天完成？"
                      "请确认一个具体日期，我们双方都记到日历上。",
        "reply_body": "您好：\n\n感谢您的来信。\n\n",
    },
}

KIND_LABELS: dict[Language, dict[str, str]] = {
    "en": {"missing_follow_up": "follow-up owed", "no_next_step": "no next step",
           "vague_next_step": "vague next step", "stalled_deal": "stalled deal",
           "slipped_commitment": "slipped promise", "repeated_reschedules": "reschedules",
           "single_threaded": "single thread", "unanswered_customer": "unanswered mail"},
    "zh": {"missing_follow_up": "待发跟进", "no_next_step": "无下一步",
           "vague_next_step": "下一步含糊", "stalled_deal": "停滞商机",
           "slipped_commitment": "承诺未兑现", "repeated_reschedules": "反复改期",
           "single_threaded": "单线联系", "unanswered_customer": "待回复邮件"},
}


def text(language: Language, key: str, **values: object) -> str:
    return TEXT[language][key].format(**values)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def subject(language: Language, follow_ups: int, next_steps: int, stalled: int,
            signals: int = 0) -> str:
    """'2 follow-ups owed, 1 stalled deal' / '2 封跟进邮件待发，1 个停滞商机'; ``signals``
    counts the other deal signals (slipped promises, reschedules, single threads, unanswered
    mail) as one "more" item, so the subject stays short on a phone."""
    if language == "zh":
        parts = [f"{follow_ups} 封跟进邮件待发" if follow_ups else "",
                 f"{next_steps} 场会议缺少明确下一步" if next_steps else "",
                 f"{stalled} 个停滞商机" if stalled else "",
                 f"另有 {signals} 项商机信号" if signals else ""]
        joined = "，".join(p for p in parts if p)
    else:
        parts = [_plural(follow_ups, "follow-up owed", "follow-ups owed") if follow_ups else "",
                 _plural(next_steps, "meeting without a next step",
                         "meetings without a next step") if next_steps else "",
                 _plural(stalled, "stalled deal", "stalled deals") if stalled else "",
                 _plural(signals, "other deal signal", "other deal signals") if signals else ""]
        joined = ", ".join(p for p in parts if p)
    return joined or text(language, "subject_empty")


def format_day(language: Language, day: dt.date) -> str:
    if language == "zh":
        return f"{day.month}月{day.day}日 {_WEEKDAYS_ZH[day.weekday()]}"
    return f"{_WEEKDAYS_EN[day.weekday()]} {day.day} {_MONTHS_EN[day.month - 1]}"


def format_moment(language: Language, moment: dt.datetime) -> str:
    """A meeting's start as the rep reads it: day and 24-hour time, already in their zone."""
    return f"{format_day(language, moment.date())} {moment:%H:%M}"
