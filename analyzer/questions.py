"""Does a customer's mail ask the rep something? A focused bilingual detector.

An unanswered question or request is the cheapest way to lose a customer, so the
rule that watches for them needs to know which mails expect an answer. Only the
author's own text counts: quoted earlier messages and signatures are cut first
(``analyzer.quotes``), because a quoted "Could you sign by March 20?" was the rep's
question, not the customer's. Out-of-office texts are full of requests ("please
contact my colleague") that are not meant for a reply, so they never count.

A sentence asks when it ends in a question mark ("?" or the full-width "？"), when
it opens a request in English ("could you", "can you", "please send", "let me know")
or in Chinese (请…, 麻烦, 能否, 可否, 是否, 能不能, a final 吗, a final 呢 after a
question word), and it is not one of the formulas that ask for nothing: "please
find attached", "请查收", "let me know if you have any questions", "how are you?".
"""

from __future__ import annotations

import re

from dealnudge.analyzer.quotes import strip_quoted

EVIDENCE_LIMIT = 300
_AUTO_WINDOW = 300  # an auto-reply says so near the top

_SENTENCE = re.compile(r"[^.!?。！？\n]*(?:[.!?。！？]+|\n|$)")
_QUESTION_MARK = re.compile(r"[?？][\s\"'”’)）]*$")
_EN_REQUEST = re.compile(
    r"\b(?:could|can|would|will) you\b|\bcan we\b|\bcould we\b|\bwould it be possible\b"
    r"|\bplease (?:send|share|confirm|provide|advise|check|call|give|forward|update|clarify"
    r"|explain|quote|let|reply|respond|get back|tell|review|sign|arrange|prepare|schedule"
    r"|book|resend|fix|help)\b"
    r"|\b(?:let|keep) (?:me|us) know\b|\bkindly\b|\bi(?:'d| would) (?:like|need) (?:to know|you)\b"
    r"|\bi (?:was|am) wondering\b|\bdo you (?:have|know|support|offer)\b|\bis there any\b"
    r"|\bwe need (?:you|your|the|a)\b|\b(?:looking forward to|waiting for) your (?:reply|answer"
    r"|quote|response|feedback|proposal)\b"
    r"|\b(?:we|i)(?:'d| would) (?:like|love) (?:you to|to (?:see|get|have|receive|know|schedule"
    r"|set up|arrange|discuss))\b",
    re.IGNORECASE)
_ZH_REQUEST = re.compile(
    r"请(?!查收|见附件|参阅|知悉|放心|多指教|多关照|惠存|忽略)|麻烦|能否|可否|是否|能不能|可不可以"
    r"|有没有|是不是|行不行|好不好|帮忙|帮我|盼复|望回复|尽快回复|希望(?:贵司|你们|您)"
    r"|希望(?:能|可以)?(?:尽快)?(?:收到|得到|看到)"
    r"|[吗嘛][\s\"”」）)]*$")
_ZH_QUESTION_WORD = re.compile(r"什么|怎么|如何|哪|多少|几|谁|为什么|何时")
_ZH_FINAL_NE = re.compile(r"呢[\s\"”」）)]*$")
_ZH_WHETHER_STATEMENT = re.compile(r"(?:考虑|评估|决定|讨论|研究|判断|确定)[^，,。]{0,4}是否")
_NOT_ASKING = re.compile(
    r"\bplease (?:find|see) (?:attached|the attached|enclosed|below)\b"
    r"|\b(?:let me know|feel free to (?:ask|reach out|contact)[^.?!]*) if you (?:have|need)\b"
    r"|\bhow are you\b|\bhope (?:you are|you're|all is) well\b|\bhow was your (?:weekend|trip)\b"
    r"|你好吗|最近好吗|近来可好",
    re.IGNORECASE)
_AUTO_REPLY = re.compile(
    r"\bout of (?:the )?office\b|\bautomatic reply\b|\bauto-?reply\b|\bi am (?:currently )?away\b"
    r"|\bi'm (?:currently )?away\b|\bon (?:annual |parental )?leave\b|\blimited access to (?:e-?mail|my e-?mail)\b"
    r"|自动回复|不在办公室|休假|外出期间|出差期间.{0,10}(?:回复|邮件)",
    re.IGNORECASE)


def is_auto_reply_text(body: str) -> bool:
    """An out-of-office text, judged by what its top says."""
    return bool(_AUTO_REPLY.search(body[:_AUTO_WINDOW]))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def asks(sentence: str) -> bool:
    """One sentence: a question or a request of the reader."""
    if _NOT_ASKING.search(sentence):
        return False
    if _QUESTION_MARK.search(sentence) or _EN_REQUEST.search(sentence):
        return True
    if _ZH_REQUEST.search(sentence) and not _ZH_WHETHER_STATEMENT.search(sentence):
        return True
    return bool(_ZH_FINAL_NE.search(sentence) and _ZH_QUESTION_WORD.search(sentence))


def find_question(body: str) -> str | None:
    """The first question or request in the author's own text, or None."""
    own = strip_quoted(body)
    if not own or is_auto_reply_text(own):
        return None
    for sentence in sentences(own):
        if asks(sentence):
            return sentence if len(sentence) <= EVIDENCE_LIMIT else sentence[:EVIDENCE_LIMIT - 1] + "…"
    return None
