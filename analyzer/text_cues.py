"""The bilingual cue lexicon that decides whether a clause promises anything, and who acts.

Kept apart from the resolver so the grammar can be read as one list. Each cue is a
pattern of grammar, not a sentence from a test set: modal and future markers,
subject pronouns directly before them, question and request forms, negation,
cancellation, hedges and conditionals. Chinese has no word spaces and rarely marks
the future, so a Chinese clause also counts when a subject pronoun or a strong action
verb meets a day ("我周五前把报价发给您", "月底前做决定").
"""

from __future__ import annotations

import re

# Sentences end at terminal punctuation or a line break; a period after a known
# abbreviation ("Mar.", "a.m.") or between digits does not end one.
SENTENCE_END = re.compile(
    r"(?<=[。！？；!?;])|\n+|(?<!\b(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.)"
    r"(?<!\bsept\.)(?<![ap]\.m\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\b(?:mr|ms|dr|no|st)\.)"
    r"(?<=\.)(?=\s)",
    re.IGNORECASE,
)
# A new subject after "and"/"but"/a Chinese comma starts a clause of its own.
CLAUSE_BREAK = re.compile(
    r",?\s+(?:and|but|so|then|while)\s+(?=(?:i|we|you|they|let's|our|your|my)\b)"
    r"|[，,、]\s*(?:但是?|不过|可是|然后|并且|同时|而且|另外)?\s*(?=我|您|你|咱|双方|贵司|贵方)"
    r"|[，,]\s*(?:但是?|不过|可是)|,\s+but\s+",
    re.IGNORECASE,
)

EN_MARKER = re.compile(
    r"(?:'ll|’ll)\b|\b(?:will|shall|going\s+to|gonna|plan(?:s|ning)?\s+to|intend(?:s)?\s+to|"
    r"aim(?:s)?\s+to|expect(?:s)?\s+to|(?:'d|would)\s+like\s+to|want(?:s)?\s+to|need(?:s)?\s+to|"
    r"have\s+to|promise[sd]?|commit(?:ted)?\s+to|agreed|(?:have\s+|'ve\s+)?(?:booked|scheduled|"
    r"confirmed|blocked|reserved|arranged|set\s+up|invited|lined\s+up)|see\s+you|let'?s|let\s+us|"
    r"let\s+me|can|works\s+for\s+(?:me|us|both)|(?:am|'m|are|'re|is)\s+\w+ing)\b",
    re.IGNORECASE,
)
ZH_MARKER = re.compile(
    r"会(?![议谈面晤场员务所长客话计])|将(?![军近])|要(?![求是不然紧么点])|准备|打算|计划|安排|负责|"
    r"争取|尽量|可以|能(?![力源否不])|把|给您|给你|发给|签(?!名)|提交|确认|回复|答复|决定|参加|出席|"
    r"拍板|汇报|通知|反馈|敲定|完成|过来|拜访|约(?!定)|见面|碰面|开会|碰一下|面谈|启动|上线|付款|"
    r"下单|审批|带|邀请|落实|定下来|[之以]?前"
)

EN_SUBJECT = re.compile(
    r"\b(?P<s>i|we|you|they|he|she|let's|lets|let\s+us|let\s+me"
    r"|(?:our|your|my)(?:\s+[\w-]+){1,2}|[a-z][\w-]*)"
    r"\s*(?:'ll|’ll|'re|’re|'m|’m|'ve|’ve|'d|\s+(?:will|shall|would|can|could|are|am|is"
    r"|have|has|plan|plans|intend|aim|want|need|agreed|promised|said|mentioned|confirmed|booked"
    r"|scheduled|arranged|check|get|send|sign|bring|review|run|take|think|discuss|circle|touch|"
    r"find|talk|meet|decide))\b",
    re.IGNORECASE,
)
EN_OTHER_RECAP = re.compile(r"\bas\s+(?:agreed|discussed),?\s+you\b|\byou\s+(?:said|mentioned|"
                            r"told\s+me|promised|confirmed|agreed)\b", re.IGNORECASE)
ZH_PRONOUN = re.compile(
    r"(?P<joint>咱们|咱|双方|我们一起|大家一起)|(?<![给跟和与向对帮替请让陪同约等])"
    r"(?P<other>您|你们|你|贵司|贵方|贵公司)|(?P<own>我们|我方|我司|我这边|我|本人)"
)
JOINT = re.compile(
    r"\blet'?s\b(?!\s+me)|\bboth\s+(?:of\s+us|teams|sides)\b|\bsee\s+you\b|"
    r"\bmeet\s+(?:with\s+)?you\b|\bworks\s+for\s+(?:me|us|both)\b|"
    r"咱们|双方|(?:和|跟|与|同)(?:您|你们?|贵司|贵方)(?:一起|见面|开会|碰|聊|通话|面谈|沟通|讨论)|见面|碰面|面谈|碰个头",
    re.IGNORECASE,
)
# "Together" makes a joint step unless one person ("I", "我") arranges it for others.
TOGETHER = re.compile(
    r"\btogether\b(?<!put together)(?<!pull together)|\bjointly\b|一起|共同", re.IGNORECASE)
SINGULAR_SELF = re.compile(r"^\s*(?:i\b|我(?!们))", re.IGNORECASE)
QUESTION = re.compile(
    r"[?？]\s*$|^\s*(?:could|can|would|will|shall|should|do|does|did|is|are|may)\s+"
    r"(?:you|we|i|it|there|the|your|this|that|they)\b|请问|能否|可否|是否|"
    r"能不能|可不可以|行不行|好不好|方便吗|有没有|吗\s*[。.]?\s*$|呢\s*[。.]?\s*$|怎么样",
    re.IGNORECASE,
)
REQUEST = re.compile(
    r"^\s*(?:please|pls|kindly)\b(?!\s+(?:note|be\s+aware|find|see))|\blet\s+(?:me|us)\s+know\b"
    r"|\b(?:i|we)(?:'d|\s+would)\s+appreciate\b|\bi\s+need\s+you\s+to\b|\bplease\s+(?!note|find|"
    r"see|be\s+aware)\w+|(?:^|[，,：:\s])(?:请(?!放心|知悉|查收|注意|问)|麻烦|烦请|劳烦|还请|务必)|"
    r"希望(?:您|你们?|贵司)",
    re.IGNORECASE,
)
NEGATION = re.compile(
    r"\b(?:won't|wont|will\s+not|can't|cant|cannot|can\s+not|couldn't|could\s+not|unable\s+to"
    r"|not\s+able\s+to|not\s+be\s+able|not\s+going\s+to|aren't\s+going|isn't\s+going|"
    r"don't(?!\s+(?:worry|hesitate))|do\s+not(?!\s+hesitate)|doesn't|does\s+not|no\s+longer|"
    r"not\s+planning|never|not\s+ready|"
    r"not\s+in\s+a\s+position|not\s+interested)\b|[’']t\s+make\s+it|不会|不能|无法|没法|没办法|"
    r"来不了|去不了|参加不了|赶不上|不参加|不考虑|暂不|暂时不|不打算|不准备|不太可能|没有时间|没时间|"
    r"不需要|不用了|不方便|做不到|不来了?|不去了?|不签",
    re.IGNORECASE,
)
CANCEL = re.compile(
    r"\b(?:cancel\w*|call(?:ing|ed)?\s+off|declin\w+|pass\s+on\s+this|put\s+(?:\w+\s+)?on\s+hold|"
    r"on\s+hold|withdraw\w*|pull(?:ing)?\s+out)\b|取消|推掉|作废|谢绝|婉拒|暂停|搁置|先放一放|叫停",
    re.IGNORECASE,
)
# Gratitude looks back ("谢谢您今天的介绍", "thanks for Tuesday"): it promises nothing.
GRATITUDE = re.compile(r"^\s*(?:谢谢|感谢|多谢|thanks?\s+(?:you\s+)?(?:again\s+)?for\b)", re.IGNORECASE)
HEDGE = re.compile(
    r"\b(?:maybe|perhaps|possibly|probably|might|could|may(?!\s+\d)|hopefully|tentatively|"
    r"not\s+sure|haven't\s+decided|hope\s+to)\b|可能|也许|或许|大概|说不定|不确定|还没定",
    re.IGNORECASE,
)
CONDITIONAL = re.compile(
    r"\b(?:if|unless|provided\s+that|assuming|as\s+long\s+as|once|depending\s+on|pending)\b|"
    r"如果|假如|要是|倘若|如若|若(?!干)|只要|万一|除非|一旦|视情况|看情况|取决于|"
    r"等[^，,。]{0,10}(?:批|同意|通过|确认|定)了?(?:以后|之后|再)",
    re.IGNORECASE,
)
# Verb phrases that are next steps without a day on their own ("touch base", "回头再联系").
VAGUE_STEP = re.compile(
    r"\b(?:(?:find|set\s+up|schedule|pick)\s+(?:a|some)\s+time|get\s+back\s+to\s+(?:you|u)|"
    r"come\s+back\s+to\s+you|touch\s+base|circle\s+back|follow\s+up\s+(?:later|again)|reconnect|"
    r"revisit|keep\s+(?:you\s+)?posted|keep\s+in\s+touch|stay\s+in\s+touch|"
    r"check\s+(?:with|in\s+with)\s+(?:my|our|the)\s+[\w-]+|discuss\s+(?:it\s+|this\s+)?internally|"
    r"think\s+(?:it\s+over|about\s+it)|mull\s+it\s+over|run\s+it\s+by|sleep\s+on\s+it|"
    r"talk\s+(?:to|with)\s+(?:my|our)\s+[\w-]+|review\s+(?:it\s+|this\s+)?internally|"
    r"let\s+you\s+know|look\s+into\s+it)\b|找个?时间|回头再?(?:联系|说|聊|约)|再联系|"
    r"内部(?:再)?(?:评估|讨论|商量|研究|沟通)|评估一下|研究一下|考虑一下|商量一下|讨论一下|"
    r"再看看|看看再说|有空再(?:说|聊|约)|改天再?(?:聊|约|说)|以后再说|之后再说|再说吧|请示一下|"
    r"(?:跟|和|向)(?:领导|老板|上级|[\u4e00-\u9fff]总)(?:汇报|商量|请示|确认)",
    re.IGNORECASE,
)
AUTO_REPLY = re.compile(
    r"\b(?:out\s+of\s+(?:the\s+)?office|ooo|automatic\s+reply|auto[-\s]?reply|autoreply|"
    r"on\s+(?:annual\s+|parental\s+|sick\s+)?leave|away\s+from\s+(?:the|my)\s+(?:office|desk)|"
    r"limited\s+access\s+to\s+e-?mail)\b|自动回复|休假|不在办公室|外出|年假",
    re.IGNORECASE,
)
HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
