"""Action-item lists: who owns each item comes from the list's shape, not its grammar.

Recaps and minutes write steps as verbless items under a heading ("Your action
items:", "Actions") or after an owner ("- Teresa: share the intake forms by 3/6",
"1. 客户方（财务部 李科）：7月3日前提供数据"), and name joint events as labels ("Next
meeting: Wednesday 3/18", "Pre-proposal conference: 2026-10-06"). The sentence
reader sees no subject and no future marker there, so this pass reads those lines
first and hands the rest of the body on.

Owners: a heading or owner naming the other side ("your", "you", "贵司", "您") is the
other side; first person ("my", "our", "(us)", "我方") the author's; the two sides'
role words are absolute (客户方/甲方 the customer, 供应商/乙方 the seller, 双方/both
joint). A person's name in a *seller's* recap is the customer's (the rep lists the
customer's people and marks their own); in a customer's mail a bare name stays
undecided and the line is left to the sentence reader. Labels of events ("meeting",
"kick-off", "会议", "开标") are joint in a seller's mail and the customer's own
events in the customer's; deadlines imposed on vendors ("Questions due:") are not
customer steps.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from dealnudge.analyzer.dates import best_day, find_times, fold
from dealnudge.analyzer.text_locale import Order

Side = Literal["customer", "seller", "joint"]
Author = Literal["customer", "seller"]

_BULLET = re.compile(r"^\s*(?:[-*•·▪●–]|\d{1,2}[.)、]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,2}、)\s*")
_BRACKET = re.compile(r"^\s*[【\[]\s*[^】\]]{1,12}[】\]]\s*")  # "【贵院】信息科 周工：…"
_BRACKET_OWNER = re.compile(r"^\s*[【\[]\s*(?P<owner>[^】\]]{1,12})[】\]]\s*(?:[^:：]{0,12}[:：])?\s*(?P<rest>\S.*)$")
_OWNER = re.compile(r"^(?P<owner>[^:：;；,，.。]{1,40}?)\s*[:：]\s*(?P<rest>\S.*)$")
_OTHER = re.compile(r"(?<![a-z])(?:your|you)(?![a-z])|贵司|贵方|贵[院校行局]|贵单位|贵中心|您|你们|你方")
_OWN = re.compile(r"(?<![a-z])(?:my|our|i|we|us|me)(?![a-z])|我方|我司|我们|^我")
_JOINT = re.compile(r"(?<![a-z])(?:both|joint|all|everyone)(?![a-z])|双方|共同|各方")
_CUSTOMER_ROLE = re.compile(r"客户方?|甲方|采购方|买方|业主方?|(?<![a-z])(?:customer|client|buyer)(?![a-z])")
_SELLER_ROLE = re.compile(r"供应商方?|乙方|卖方|厂商|厂家|(?<![a-z])(?:vendor|supplier|seller)(?![a-z])")
_HEADING = re.compile(
    r"(?:action\s+items?|next\s+steps?|to-?dos?|tasks|follow[-\s]ups?|homework|actions|"
    r"待办|行动项|后续事项|工作安排|决议事项|时间节点|分工)")
_EVENT_LABEL = re.compile(
    r"(?:meeting|call|kick-?off|conference|review|workshop|session|visit|demo|training|"
    r"go-?live|cutover|maintenance|会议|会|开标|开工|启动|评审|培训|上线|演练|验收|拜访|参观)\s*$"
    r"|(?:下次|下一次|下轮|next|follow-?up|后续)[^:：]{0,12}(?:时间|日期|date|time)\s*$"
    r"|(?P<held>会议|开会|讨论|培训|评审|开标|验收|启动会|meeting|call|kick-?off)\s*(?:时间|日期|date|time)\s*$"
    r"|^\s*(?P<bare>时间|日期|time|date|when)\s*$"
    # "复查时间", "竞价开始时间", "活动日期": an activity's time; not a delivery, a sign-up, a
    # deadline or a window set for the other side ("交货时间", "报名时间", "投标截止时间",
    # "采购文件领取时间"), nor the notice's own date ("本次变更日期", "更正日期")
    r"|^\s*(?!.*(?:交货|送货|发货|到货|供货|报名|投标|提交|递交|截止|结束|发布|下发|发出|签发|成立|生效"
    r"|停运|停止|恢复|放假|休假|营业|上班|停业|暂停|接单|领取|获取|发售|购买|变更|更正))"
    r"(?P<activity>[\u4e00-\u9fff]{2,6}?)(?:开始)?(?:时间|日期)\s*$")
_DEADLINE_LABEL = re.compile(r"(?:due|deadline|closing|submission|截止|递交|提交)")
# A bare deadline label: in the customer's own mail, the customer's own day (a label that
# names what is due, "Proposals due:", is a deadline set for the other side).
_OWN_DEADLINE = re.compile(r"(?:[-*•]\s*)?(?:[^\x00-\x7f]{1,8}\s*)?(?:ddl|due|due\s+date|deadline)")  # "推后一天 DDL"
# A heading that only says when something is due, with the day on the next line.
_DUE_HEADING = re.compile(r"^[#*\s]*(?:deadline|due(?:\s+date)?|date\s+due(?:\s+by)?|ddl|截止(?:日期|时间)?)\s*[:：]?\s*\**\s*$")
_MINUTES = re.compile(r"(?i)纪要|总结|回顾|记录|minutes|recap|summary|notes|was\s+held|已召开|召开了|举行了")
_DONE = re.compile(r"(?<![a-z])(?:done|completed|finished)(?![a-z])|已完成|已提供|已提交|完成情况|进展情况")


@dataclass(frozen=True)
class Item:
    """A step read from a list line: who, which day (None: undated), the line."""

    actor: Side
    due: dt.date | None
    text: str


@dataclass
class _Reading:
    today: dt.date
    author: Author
    order: Order | None
    signature: Callable[[], str]  # the end of the author's own text, read only if needed
    minutes: bool = True  # the text may be minutes of a meeting held (not a notice of one to come)

    @cached_property
    def own(self) -> frozenset[str]:
        """Words of the author's signature: their own people and company."""
        return _own_words(self.signature())


def read_lists(body: str, today: dt.date, author: Author, order: Order | None,
               signature: Callable[[], str] = str) -> tuple[list[Item], str]:
    """Steps from list lines, tables and event labels, and the body without those lines.

    ``signature`` is the author's signature block: a list owner named there ("Ana",
    "云策软件") is the author's side, whoever wrote the mail.
    """
    reading = _Reading(today, author, order, signature, _MINUTES.search(body) is not None)
    items: list[Item] = []
    kept: list[str] = []
    owner: Side | None = None
    columns: int | None = None  # the owner column of a table being read
    when_next = False  # the line before was a "时间" / "Date" heading
    due_next = False  # … a "Deadline" heading in the customer's own mail
    for line in body.split("\n"):
        low = fold(line).strip()
        cells = _cells(low)
        if cells is not None:
            columns = _owner_column(cells) if columns is None else columns
            item = _table_row(cells, columns, line, reading)
            if item is not None and item.actor != "seller":
                items.append(item)
            kept.append("" if columns is not None else line)
            continue
        columns = None
        if when_next and low:
            when_next = False  # the day's own line, not a paragraph under a "时间安排" heading
            due = best_day(find_times(low, today, None, order), today) if len(low) <= _DAY_LINE_CHARS else None
            if due is not None and due != today:
                items.append(Item("joint" if author == "seller" else "customer", due, line.strip()))
                kept.append("")
                continue
        if due_next and low:
            due_next = False  # "### Deadline" over "18.03.2026 - Wednesday - 23.59": the customer's day
            due = best_day(find_times(low, today, None, order), today) if len(low) <= _DAY_LINE_CHARS else None
            if due is not None:
                items.append(Item("customer", due, line.strip()))
                kept.append("")
                continue
        if _WHEN_HEADING.match(low):
            when_next = True
            kept.append("")
            continue
        if author == "customer" and _DUE_HEADING.match(low):
            due_next = True
            kept.append("")
            continue
        heading = _heading_owner(low, author) or _side_heading(low, reading)
        if heading is not None:
            owner = heading if heading != "none" else None
            kept.append("")
            continue
        if not low:
            kept.append(line)
            continue
        item = _read_line(line, low, reading, owner)
        if item is None:
            if not _BULLET.match(low):
                owner = None  # a paragraph ends the list
            kept.append(line)
        else:
            if item.actor != "seller":
                items.append(item)
            kept.append("")
    return items, "\n".join(kept)


def _heading_owner(low: str, author: Author) -> Side | Literal["none"] | None:
    """The owner a list heading names, "none" for a neutral heading, None if no heading."""
    if not low.endswith((":", "：")) and not (len(low) <= 20 and _HEADING.fullmatch(low)):
        return None
    if not _HEADING.search(low):
        return None
    return _side(low, author) or "none"


# A heading that only names a side ("Your team:", "Acme side:", "我方：", "For you:"): the
# items below it are that side's, like those under "Your action items:".
_SIDE_HEADING = re.compile(
    r"^(?:for\s+|from\s+)?(?P<who>you|us|we|me|(?:your|our|my)\s+(?:team|side|end|folks|company|people)"
    r"|[a-z0-9&.'’-]+(?:\s+[a-z0-9&.'’-]+)?\s+(?:team|side)|贵司|贵方|您|你们|我方|我司|我们|客户方?|甲方|乙方"
    r"|供应商方?|双方|both(?:\s+(?:teams|sides))?)\s*(?:[(（][^)）]{0,20}[)）])?\s*[:：]$")


def _side_heading(low: str, reading: _Reading) -> Side | None:
    found = _SIDE_HEADING.match(low) if low.endswith((":", "：")) and len(low) <= 40 else None
    return None if found is None else _owner_side(found["who"], reading)


_SIGNATURE_LINES = 6


def _signature_block(text: str) -> str:
    """The short lines that close the author's text: name, title, company, phone."""
    block: list[str] = []
    for line in reversed(text.rstrip().split("\n")):
        stripped = line.strip()
        if len(block) == _SIGNATURE_LINES or "|" in stripped or len(stripped) > 40 or \
                _BULLET.match(stripped) or \
                stripped.endswith(("。", ".", "!", "！", "?", "？", ":", "：", "；", ";")):
            break
        block.append(stripped)
    return "\n".join(block)


def _own_words(text: str) -> frozenset[str]:
    low = fold(_signature_block(text))
    words = set(re.findall(r"[a-z][a-z'’-]{1,}", low)) - _COMMON_WORDS
    words |= {w for w in re.findall(r"[\u4e00-\u9fff]{2,}", low) if w not in _ROLE_WORDS}
    return frozenset(words)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COMMON_WORDS = _words(
    "best regards kind thanks thank you cheers sincerely warm the and of for at inc ltd llc co "
    "team manager director head lead sales account executive office tel phone mobile email "
    "www com sent from my iphone")
_ROLE_WORDS = frozenset({"此致", "敬礼", "祝好", "谢谢", "电话", "手机", "地址", "邮箱", "顺祝商祺"})


def _cells(low: str) -> list[str] | None:
    """The cells of a pipe table row, or None when the line is not one."""
    if low.count("|") < 2:
        return None
    cells = [cell.strip() for cell in low.strip().strip("|").split("|")]
    return cells if len(cells) >= 3 or (len(cells) >= 2 and low.count("|") >= 3) else None


_OWNER_HEADER = re.compile(r"owner|who|assignee|responsible|负责|责任|执行|译者|认领人?")


def _owner_column(cells: list[str]) -> int | None:
    return next((i for i, cell in enumerate(cells) if _OWNER_HEADER.search(cell)), None)


def _table_row(cells: list[str], column: int | None, line: str, reading: _Reading
               ) -> Item | None:
    if column is None or column >= len(cells) or set("".join(cells)) <= set("-: "):
        return None
    side = _owner_side(cells[column], reading)
    if side is None and reading.author == "customer" and _HANDLE.fullmatch(cells[column].strip()):
        side = "customer"  # a claim row the customer fills in with their own handle ("@lin-yu")
    if side is None or _OWNER_HEADER.search(cells[column]):
        return None
    rest = " ".join(cell for i, cell in enumerate(cells) if i != column)
    if _DONE.search(rest):
        return None
    due = best_day(find_times(rest, reading.today, None, reading.order), reading.today)
    if due == reading.today and not _RANGE.search(rest):
        return None  # a timeline's row for the sent day is this mail itself ("6月24日 | 通知下发")
    if due is not None and _SPAN_ONLY.search(rest):
        due = None  # "签字盖章 | 5天内 | 双方": counted from a start the table does not give
    return Item(side, due, line.strip())


_HANDLE = re.compile(r"@[\w.-]+")
# "2026.05.19 - 2026.05.23": a window that starts on the sent day, not the sent day's own row
_RANGE = re.compile(r"\d\s*[-~～至到]\s*20\d\d[./-]\d")


def _owner_side(owner: str, reading: _Reading) -> Side | None:
    """The side of a named owner: role words first, then the author's own signature."""
    side = _side(owner, reading.author)
    if side is not None:
        return side
    words = set(re.findall(r"[a-z][a-z'’-]{1,}", owner))
    if words & reading.own or any(w in owner for w in reading.own if not w.isascii()):
        return reading.author
    if reading.author == "seller" and _is_name(owner):
        return "customer"  # the rep lists the customer's people and marks their own
    if reading.author == "customer" and _DEPARTMENT.search(owner):
        return "customer"  # "IT组", "财务部", "Finance team": the writer's own departments
    return None


_DEPARTMENT = re.compile(r"^[\w\s]{0,8}?(?:组|部|科|处|团队|中心|办公室|小组)$"
                         r"|^(?:[a-z]+\s+)?(?:team|department|dept|group|office)$")


_NAMED_OWNER = re.compile(
    r"^(?!(?:I|We|You|They|He|She|It|This|That|There|Our|Your|My)\s)"  # a pronoun is the sentence's own subject
    r"(?P<owner>[A-Z][\w.&'’()-]*(?:\s+[A-Z(][\w.&'’()-]*){0,3})\s+(?:to\s+(?=[a-z])|will\s+(?=[a-z])|[–—-]\s+)"
    r"(?P<rest>\S.*)$")
# A minutes item opening with a side's role word and going straight on to its step.
_ZH_ROLE_OWNER = re.compile(
    r"(?P<owner>(?:甲方|乙方|客户方?|供应商方?|我方|我司|贵方|贵司|双方|采购方|卖方|买方|业主方?)(?:负责人)?)"
    r"(?P<rest>(?:于|在|将|负责|需|应|要|下|本|这|明天|后天|\d|[一二三四五六七八九十]+月|周[一二三四五六日]|[\u4e00-\u9fff]{2,4}(?=于|在|将|下|本|这|明天|后天|\d)).*)$")
_VERBS = _words(
    "send share provide confirm review schedule set book get ask introduce prepare sign return "
    "submit follow reach reply forward deliver talk speak move add invite make check update "
    "please next")


def _read_line(line: str, low: str, reading: _Reading, owner: Side | None) -> Item | None:
    bullet = _BULLET.match(low) or _BRACKET.match(low)
    text = low[bullet.end():] if bullet else low
    labelled = _OWNER.match(text) if not bullet or bullet.re is _BULLET else _BRACKET_OWNER.match(low)
    if labelled is not None and find_times(labelled["owner"], reading.today, None,
                                           reading.order):
        labelled = None  # "3月17日前: …" is a day, not an owner
    if labelled is not None and reading.author == "customer" and _OWN_DEADLINE.fullmatch(labelled["owner"].strip()):
        # "DDL: 8/11 23:00", "Due: May 15th" on the customer's own claim or checklist
        due = best_day(find_times(labelled["rest"], reading.today, None, reading.order), reading.today)
        return Item("customer", due, line.strip()) if due is not None else None
    if labelled is not None and _DEADLINE_LABEL.search(labelled["owner"]) \
            and not _EVENT_LABEL.search(_unspaced(labelled["owner"])):
        return Item("seller", None, line.strip())  # "截止: 周五前": a deadline set, not a step
    if labelled is not None and (not bullet or _EVENT_LABEL.search(_unspaced(labelled["owner"]))) \
            and not _side_line(labelled["owner"], bullet, reading.author):
        return _event_label(line, labelled, reading.today, reading.author, reading.order, reading.minutes)
    named = _NAMED_OWNER.match(line.strip()[bullet.end():].strip()) if bullet else None
    if named is not None and named["owner"].split()[0].lower() in _VERBS:
        named = None
    if bullet and named is None and labelled is None:
        named = _ZH_ROLE_OWNER.match(text)  # "1. 甲方于3月20日前完成需求确认", "1、客户方负责人张三下周五前反馈"
    if labelled is not None:
        side, rest = _owner_side(labelled["owner"], reading), labelled["rest"]
    elif named is not None:
        side, rest = _owner_side(fold(named["owner"]), reading), fold(named["rest"])
    else:
        side, rest = (owner if bullet else None), text
    if side is None or _DONE.search(rest) or _NOT_A_STEP.search(rest):
        return None
    due = best_day(find_times(rest, reading.today, None, reading.order), reading.today)
    if due == reading.today and _DATED_STAMP.search(rest):
        return None  # "日期: 2026年1月12日" under the sign-off: the letter's own date
    return Item(side, due, line.strip())


# Not a step of the owner's: a request to the reader ("请于2月28日前完成下单"), a closure
# ("4月24日放假一天").
_NOT_A_STEP = re.compile(r"^\W*请|放假|休假|停业|停运|暂停|(?<![a-z])(?:closed|holiday)(?![a-z])")
_DATED_STAMP = re.compile(r"20\d\d\s*年|20\d\d-\d")
_DAY_LINE_CHARS = 40


def _side_line(owner: str, bullet: re.Match[str] | None, author: Author) -> bool:
    """An unbulleted line led by a side ("You: intro to procurement by Friday", "我方：…"):
    an owner line like a bulleted one, however the recap lays its items out."""
    words = owner.lower().split()
    if not owner.isascii() and _ZH_CLAUSE.search(owner):
        return False  # "我们需要改期：…" is a sentence, not an owner
    return bullet is None and len(owner) <= (20 if owner.isascii() else 10) and 0 < len(words) <= 2 \
        and words[0] not in _NOT_OWNERS and not _EVENT_LABEL.search(owner) \
        and _side(owner, author) is not None


_ZH_CLAUSE = re.compile(r"[需要想会将能可把已在是有做改看]")  # a verb: the words before the colon say something
_NOT_OWNERS = _words("for to in on at as by re fyi note ps cc from about regarding per with")


def _unspaced(label: str) -> str:
    """"时 间" as "时间": notices space out their two-character labels; "时间【周末】" as
    "时间": some annotate them in brackets."""
    if "【" in label:
        label = _ANNOTATION.sub("", label)
    return _CJK_GAP.sub("", label) if " " in label else label


_ANNOTATION = re.compile(r"【[^】]{0,8}】")


_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
# A heading that only says "when" ("一、时间", "# 时间", "**Date**"): the next line holds the day.
_WHEN_HEADING = re.compile(
    r"^[#*\s]*(?:[一二三四五六七八九十]{1,2}[、.]|\d{1,2}[.、)]|[（(][一二三四五六七八九十\d]{1,2}[)）])?\s*"
    r"(?:会议|活动|聚会|培训|开会|讨论)?(?:时\s*间|日\s*期)(?:[、和及与]?地\s*点)?(?:安排)?\s*[:：]?\s*\**\s*$"
    r"|^[#*\s]*(?:time|date|when|(?:the\s+|new\s+)?(?:schedule|date)\s+is\s+now"
    r"|next\s+(?:scheduled\s+)?(?:meeting|call|session)(?:\s+date)?)\s*:?\s*\**\s*$")


def _event_label(line: str, labelled: re.Match[str], today: dt.date, author: Author,
                 order: Order | None, minutes: bool = True) -> Item | None:
    label = _unspaced(labelled["owner"])
    event = _EVENT_LABEL.search(label)
    if _DEADLINE_LABEL.search(label) or event is None:
        return None
    rest = labelled["rest"]
    if _COUNTED_TERM.search(rest) or _EVERY.search(rest):
        return None  # "付款时间：收到本通知后10个工作日内": a term counted from an event
    moved = _MOVED_TO.search(rest)
    if moved is not None:  # "“开标时间：4月22日”更正为：4月29日": the new day
        rest = rest[moved.end():]
    due = best_day(find_times(rest, today, None, order), today)
    stamp = event["bare"] in ("日期", "date")  # "日期：<today>", "Date: 23 July 2026": the letter's own date
    if due is None or ((event["held"] or event["bare"]) and due == today and (minutes or stamp)):
        return None  # "会议时间：<today>" heads the minutes of a meeting just held (not a notice for later today)
    return Item("joint" if author == "seller" else "customer", due, line.strip())


_SPAN_ONLY = re.compile(r"^(?!.*(?:\d{1,2}\s*月|\d{1,2}/\d{1,2}|\d{4}-\d)).*(?:[0-9一二三四五六七八九十两]+\s*个?"
                        r"(?:工作日|天|日|周|星期|个月|小时)(?:之?内|以内)|within\s+\d+\s+(?:business\s+)?days?)")
_COUNTED_TERM = re.compile(r"(?:后|之日起|起)\s*[0-9一二三四五六七八九十两]+\s*个?(?:工作日|天|日|周|个月)"
                           r"|(?:days?|weeks?)\s+(?:of|after|from|following)\s+(?:the\s+|your\s+)?"
                           r"(?:receipt|delivery|invoice|signing|acceptance)")
_EVERY = re.compile(r"(?<![a-z])(?:every|bi-?weekly|fortnightly)(?![a-z])|每|双周")  # "Date: Every 2 weeks, Wednesday"
_MOVED_TO = re.compile(r"(?:改|调整|推迟|延期|顺延|修正|更正|变更|修改)(?:到|至|为|成)|(?:moved|changed|postponed|rescheduled)\s+to")


def _side(owner: str, author: Author) -> Side | None:
    other: Side = "seller" if author == "customer" else "customer"
    if _JOINT.search(owner):
        return "joint"
    if _CUSTOMER_ROLE.search(owner):
        return "customer"
    if _SELLER_ROLE.search(owner):
        return "seller"
    if re.search(r"[(（]\s*(?:us|we|我方|我司)\s*[)）]", owner):
        return author
    if _OTHER.search(owner):
        return other
    if _OWN.search(owner):
        return author
    return None


def _is_name(owner: str) -> bool:
    """A person or team named as the owner: a few words, no verb-like length."""
    return len(owner.split()) <= 4 and len(owner) <= 30 and not _STEP_NUMBER.match(owner) \
        and not _LABEL_NOUN.search(owner)


# A Chinese label, not a person ("备货建议", "停运时间", "联系方式").
_LABEL_NOUN = re.compile(r"(?:建议|说明|时间|日期|地点|要求|方式|范围|事项|内容|原因|区域|安排|须知|备注|附件|落款|标题|编号|单位|人员|参会人|出席人|与会人)$")


_STEP_NUMBER = re.compile(r"\s*(?:step|phase|stage|part|item|no\.?|第)\s*[0-9一二三四五六七八九十]")  # "step3:": no person
