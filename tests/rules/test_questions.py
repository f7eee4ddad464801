"""The question / request detector behind unanswered_customer, in both languages."""

from __future__ import annotations

import pytest
from dealnudge.analyzer.questions import find_question

ASKS = [
    "Could you send us the security whitepaper before our IT review?",
    "Can you share a reference customer in our industry?",
    "Please send the three-year pricing breakdown.",
    "Let me know when you can do a call.",
    "Any update on the pilot?",
    "How about Tuesday?",
    "We'd like to see a demo of the scheduling module.",
    "Waiting for your feedback on the draft.",
    "能否把数据安全白皮书发给我们？",
    "麻烦发一下你们和SAP对接的案例。",
    "你们的系统支持私有化部署吗",
    "请把三年期的报价明细发给我们。",
    "报价什么时候能发过来呢",
    "不知道你们是否支持私有化部署。",
    "希望能尽快收到报价。",
    "可否下周安排一次技术交流？",
]
QUIET = [
    "Thanks, we are reviewing it.",
    "Please find attached the signed NDA.",
    "Let me know if you have any questions.",
    "Hope you are well. We will get back to you next week.",
    "I'd like to thank you for the meeting.",
    "Let me check with my boss.",
    "Sounds good, talk soon!",
    "收到，谢谢！",
    "附件是合同，请查收。",
    "我们还在考虑是否采购。",
    "好的，我们内部评估一下。",
    "我们会尽快安排。",
    "我们下周三安排王总一起讨论。",
]


@pytest.mark.parametrize("sentence", ASKS)
def test_questions_and_requests_are_found(sentence: str) -> None:
    assert find_question(f"Hi,\n\n{sentence}\n\nThanks,\nDana") == sentence


@pytest.mark.parametrize("sentence", QUIET)
def test_statements_and_formulas_ask_nothing(sentence: str) -> None:
    assert find_question(f"Hi,\n\n{sentence}\n\nDana") is None


def test_the_first_asking_sentence_is_the_evidence() -> None:
    body = "Thanks for the call. We reviewed the deck. Could you send the SOW? And the price list?"
    assert find_question(body) == "Could you send the SOW?"


def test_quoted_text_signatures_and_auto_replies_ask_nothing() -> None:
    quoted = ("Noted, thanks.\n\n------------------ 原始邮件 ------------------\n"
              "发件人: \"李伟\"<li.wei@northwind.example>;\n发送时间: 2026年3月2日\n"
              "主题: 报价\n\n能否本周五前签字？")
    assert find_question(quoted) is None
    assert find_question("Thanks!\n\nOn Mon, Mar 2, 2026 at 10:00 AM Sarah "
                         "<s@northwind.example> wrote:\n> Could you sign by March 20?\n") is None
    assert find_question("I am out of the office until March 12 with limited access to "
                         "e-mail. Could you contact ops@acme.example instead?") is None
    assert find_question("自动回复：您好，我3月12日前休假，请联系我的同事。") is None


def test_long_evidence_is_bounded() -> None:
    found = find_question("Could you " + "really " * 80 + "send it?")
    assert found is not None and len(found) <= 300
