"""Words for the generated sample team: names, companies and the sentences of docs/method.md.

Each situation has several phrasings per language so that the demo (and the
analyzer tests that use it) do not hinge on one sentence shape. Every phrasing that
names a day is built from the actual date, so the text always agrees with the
calendar: "Thursday, March 12" is a Thursday, "下周三" is the next week's Wednesday.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Lang = Literal["en", "zh"]

EN_FIRST = ("Dana", "Michael", "Priya", "James", "Olivia", "Ethan", "Grace", "Daniel", "Hannah",
            "Marcus", "Emily", "Ryan", "Sophie", "Nathan", "Laura", "Kevin", "Rachel", "Owen",
            "Chloe", "Adam", "Isabel", "Victor")
EN_LAST = ("Smith", "Patel", "Johnson", "Nguyen", "Walker", "Brooks", "Turner", "Foster",
           "Hughes", "Reed", "Murphy", "Collins", "Bennett", "Price", "Morgan", "Okafor")
ZH_SURNAMES = (("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
               ("杨", "yang"), ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"),
               ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
               ("郭", "guo"), ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"))
ZH_GIVEN = (("建国", "jianguo"), ("晓明", "xiaoming"), ("丽娟", "lijuan"), ("志强", "zhiqiang"),
            ("海燕", "haiyan"), ("伟", "wei"), ("静", "jing"), ("磊", "lei"), ("芳", "fang"),
            ("涛", "tao"), ("婷", "ting"), ("浩", "hao"), ("雪梅", "xuemei"), ("俊杰", "junjie"),
            ("玉兰", "yulan"), ("国华", "guohua"), ("春生", "chunsheng"), ("思远", "siyuan"))
EN_COMPANIES = (("Initech", "initech"), ("Globex", "globex"), ("Umbrella Foods", "umbrella-foods"),
                ("Stark Logistics", "stark-logistics"), ("Wayne Biotech", "wayne-biotech"),
                ("Hooli Retail", "hooli-retail"), ("Cyberdyne Systems", "cyberdyne"),
                ("Acme Robotics", "acme-robotics"), ("Vandelay Imports", "vandelay"),
                ("Tyrell Energy", "tyrell-energy"), ("Aperture Labs", "aperture-labs"),
                ("Massive Dynamic", "massive-dynamic"), ("Blue Sun Beverages", "bluesun"),
                ("Monarch Shipping", "monarch-shipping"))
ZH_COMPANIES = (("华信物流", "huaxin-logistics"), ("东方精工", "dongfang-precision"),
                ("海天电子", "haitian-electronics"), ("金桥科技", "jinqiao-tech"),
                ("长江制药", "changjiang-pharma"), ("远航船舶", "yuanhang-shipping"),
                ("新锐软件", "xinrui-soft"), ("天宇新材料", "tianyu-materials"),
                ("瑞丰食品", "ruifeng-foods"), ("恒通汽车部件", "hengtong-auto"),
                ("明达纺织", "mingda-textile"), ("中联医疗", "zhonglian-medical"),
                ("博远教育", "boyuan-edu"), ("嘉禾零售", "jiahe-retail"))
ZH_WEEKDAYS = "一二三四五六日"
PRODUCTS = {"en": "the Northwind planning suite", "zh": "Northwind 排产系统"}


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    lang: Lang
    title: str = ""  # how colleagues refer to the person ("王总", "our CFO")


Phrase = Callable[[random.Random, "Say"], str]


@dataclass(frozen=True)
class Say:
    """Everything a sentence may mention."""

    customer: Person
    rep: Person
    company: str
    sent: dt.date
    day: dt.date | None = None  # the day a dated sentence names
    topic: str = ""


def en_day(day: dt.date) -> str:
    return f"{day:%A}, {day:%B} {day.day}"


def zh_day(sent: dt.date, day: dt.date, rng: random.Random) -> str:
    """``3月12日（周四）``, or ``下周三`` / ``本周五`` when that is what the day is."""
    monday = sent - dt.timedelta(days=sent.weekday())
    week = (day - monday).days // 7
    weekday = ZH_WEEKDAYS[day.weekday()]
    if week == 1 and rng.random() < 0.6:
        return f"下周{weekday}"
    if week == 0 and day > sent and rng.random() < 0.5:
        return f"本周{weekday}"
    return f"{day.month}月{day.day}日（周{weekday}）"


def pick(rng: random.Random, options: tuple[str, ...]) -> str:
    return options[rng.randrange(len(options))]


# --- customer sentences ----------------------------------------------------------------

def dated_customer(rng: random.Random, s: Say) -> str:
    assert s.day is not None  # noqa: S101 - narrows a type the lines above established
    if s.customer.lang == "zh":
        day = zh_day(s.sent, s.day, rng)
        return pick(rng, (
            f"我{day}安排我们{s.customer.title or '王总'}一起讨论你们的方案。",
            f"我们{day}下午把技术和采购的同事都叫上，跟你们过一下{s.topic or '试点方案'}。",
            f"{day}我带财务的同事过来，一起把报价确认一下。",
            f"合同我们法务{day}之前会给你们返回修改意见。",
        ))
    day = en_day(s.day)
    return pick(rng, (
        f"I've booked our CFO for a pricing review with you on {day}.",
        f"Legal will return the redlined contract by end of day {day}.",
        f"We'll bring our IT lead to the pilot kickoff on {day}.",
        f"Our steering committee will review the proposal on {day}.",
    ))


def promise_customer(rng: random.Random, s: Say) -> str:
    """A dated deliverable the customer takes on: no meeting will show it was kept."""
    assert s.day is not None  # noqa: S101 - narrows a type the lines above established
    if s.customer.lang == "zh":
        day = zh_day(s.sent, s.day, rng)
        return pick(rng, (
            f"我们{day}前把签好的保密协议发给你们。",
            f"合同我们法务{day}之前会给你们返回修改意见。",
            f"我们IT部门{day}之前把安全问卷填好发给你们。",
        ))
    day = en_day(s.day)
    return pick(rng, (
        f"We'll send you the signed NDA by {day}.",
        f"Legal will return the redlined contract by end of day {day}.",
        f"Our IT team will finish the security questionnaire by {day}.",
    ))


def question_customer(rng: random.Random, s: Say) -> str:
    """A question or request that waits for the rep's answer."""
    if s.customer.lang == "zh":
        return pick(rng, ("能否把数据安全白皮书发给我们？", "麻烦发一下你们和SAP对接的案例。",
                          "你们的系统支持私有化部署吗？", "请把三年期的报价明细发给我们。"))
    return pick(rng, ("Could you send us the security whitepaper before our IT review?",
                      "Does your planning suite support on-premises deployment?",
                      "Can you share a reference customer in our industry?",
                      "Please send the three-year pricing breakdown."))


def deadline_customer(rng: random.Random, s: Say) -> str:
    if s.customer.lang == "zh":
        return pick(rng, ("我们月底前做决定，到时候通知你。", "这个月底之前我们给你们最终答复。"))
    return pick(rng, ("We will make the decision by the end of the month and let you know.",
                      "Our board will decide by the end of this month and let you know."))


def vague_customer(rng: random.Random, s: Say) -> str:
    if s.customer.lang == "zh":
        return pick(rng, ("我们内部评估一下。", "回头再联系。", "咱们找个时间试用一下吧。",
                          "我再跟领导沟通一下，回头再联系。", "方案我们先内部评估一下，有消息再说。"))
    return pick(rng, ("We'll get back to you.", "Let me check with my boss.", "Maybe in Q3.",
                      "Let's find some time to try it.",
                      "We need to discuss internally; we'll get back to you."))


def praise_customer(rng: random.Random, s: Say) -> str:
    if s.customer.lang == "zh":
        return pick(rng, ("你们的产品很不错，演示效果很好！", "谢谢，今天的交流很有收获。",
                          "请把报价单发给我，谢谢。", "资料收到了，谢谢。"))
    return pick(rng, ("Great demo, the team loved it!", "Thanks, that was really helpful.",
                      "Please send me the pricing sheet.", "Got the deck, thanks a lot."))


# --- rep sentences -----------------------------------------------------------------------

def rep_recap(rng: random.Random, s: Say) -> str:
    if s.rep.lang == "zh":
        return pick(rng, (f"感谢今天抽时间交流{s.topic}，会议纪要和资料见附件。",
                          f"谢谢各位今天的时间，我把今天讨论的{s.topic}要点整理如下。",
                          "今天的演示资料已附上，请查收。"))
    return pick(rng, (f"Thanks for your time today. Attached are the notes and slides on {s.topic}.",
                      f"Great talking with you and the team about {s.topic}. A short recap below.",
                      "Thank you for the meeting; the deck and notes are attached."))


def rep_promise(rng: random.Random, s: Say) -> str:
    """The rep's own homework: never a customer commitment."""
    day = s.day or s.sent + dt.timedelta(days=3)
    if s.rep.lang == "zh":
        return pick(rng, (f"我{zh_day(s.sent, day, rng)}前把报价发给您。",
                          "我这边尽快把技术方案整理好发给您。",
                          f"我{zh_day(s.sent, day, rng)}把试用账号开通好。"))
    return pick(rng, (f"I'll send you the quote by {en_day(day)}.",
                      "I will put together the technical proposal and send it over.",
                      f"I'll set up your trial account by {en_day(day)}."))


def rep_recap_of_customer(rng: random.Random, s: Say) -> str:
    """A recap that writes down the customer's promise (weaker, but it counts)."""
    assert s.day is not None  # noqa: S101 - narrows a type the lines above established
    if s.rep.lang == "zh":
        return f"按照今天说好的，您{zh_day(s.sent, s.day, rng)}带财务的同事一起参加评审会。"
    return f"As agreed, you'll bring {s.customer.title or 'your finance lead'} to the review on {en_day(s.day)}."


def rep_chaser(rng: random.Random, s: Say) -> str:
    if s.rep.lang == "zh":
        return pick(rng, ("跟进一下上次的方案，您这边有什么反馈吗？", "想了解一下项目的最新进展。",
                          "附件是更新后的报价，请查收。", "上次的资料不知道您看了没有？有问题随时找我。"))
    return pick(rng, ("Just checking in on the proposal: any thoughts?",
                      "Following up on my last note. Happy to answer any questions.",
                      "Attached is the updated quote for your review.",
                      "Could you sign by the end of the month?"))


def rep_agenda(rng: random.Random, s: Say) -> str:
    if s.rep.lang == "zh":
        return pick(rng, (f"附上明天会议的议程：1. 需求回顾 2. {s.topic}演示 3. 下一步安排。",
                          "明天见！我先把议程发给大家。"))
    return pick(rng, (f"Ahead of our call, here is the agenda: 1. goals 2. {s.topic} demo 3. next steps.",
                      "Looking forward to tomorrow. Agenda attached."))


def signature(person: Person, company: str) -> str:
    lines = "\n".join(line for line in (person.name, company) if line)
    return f"\n\n{lines}\n" if person.lang == "zh" else f"\n\n--\n{lines}\n"


def greeting(to: Person, lang: Lang) -> str:
    if lang == "zh":
        return f"{to.name}您好，\n\n"
    return f"Hi {to.name.split()[0]},\n\n"


def ooo_text(person: Person, back: dt.date) -> tuple[str, str]:
    if person.lang == "zh":
        return "自动回复: ", f"您好，我{back.month}月{back.day}日前休假，期间邮件回复可能不及时。"
    return "Automatic reply: ", f"I am out of the office until {en_day(back)} with limited access to e-mail."


TOPICS = {"en": ("the pilot plan", "pricing", "the integration", "the rollout timeline",
                 "security review"),
          "zh": ("试点方案", "报价", "系统对接", "上线计划", "数据安全")}
MEETING_TITLES = {"en": ("Discovery call: {c}", "{c} / Northwind: {t}", "Demo for {c}",
                         "{c} pricing review", "Pilot kickoff with {c}"),
                  "zh": ("{c}需求沟通", "{c}方案演示", "{c}—{t}讨论", "{c}报价评审", "{c}试点启动会")}


def inquiry(rng: random.Random, s: Say) -> str:
    if s.customer.lang == "zh":
        return pick(rng, ("我们最近在看排产方面的系统，想约个时间了解一下你们的产品。",
                          "朋友推荐了你们的方案，方便的话约个时间聊聊？"))
    return pick(rng, ("We're evaluating planning tools for our plants. Could we set up a call?",
                      "A colleague recommended Northwind. Do you have time for an intro call?"))


def reschedule(rng: random.Random, s: Say) -> str:
    if s.customer.lang == "zh":
        return pick(rng, ("不好意思，这周临时有事，会议先取消吧。", "抱歉，会议得往后推一推。"))
    return pick(rng, ("Sorry, something came up and we have to cancel this week's meeting.",
                      "Apologies, we need to push our meeting; things are hectic here."))
