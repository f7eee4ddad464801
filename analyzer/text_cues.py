"""The bilingual cue lexicon that decides whether a clause promises anything, and who acts.

Kept apart from the resolver so the grammar can be read as one list. Each cue is a
pattern of grammar, not a sentence from a test set: modal and future markers,
subject pronouns directly before them, question and request forms, negation,
cancellation, hedges and conditionals. Chinese has no word spaces and rarely marks
the future, so a Chinese clause also counts when a subject pronoun or a strong action
verb meets a day ("我周五前把报价发给您", "月底前做决定").

Speed: one mixed English+Chinese pattern with IGNORECASE and a leading ``\\b`` is
slow because Python's engine then tries every alternative at every position. So each cue is an English half, run on the
lower-cased clause only when it has Latin letters and guarded to start at a word
start, and a Chinese half, run only when the clause has CJK characters.
"""

from __future__ import annotations

import re
import re._compiler as _sre_compiler
import re._constants as _sre
import re._parser as _sre_parse
from typing import Any, NamedTuple

from dealnudge.analyzer.dates import any_of, ascii_bounds, fold

_WORD = r"(?<![a-z0-9])(?=[a-z])"  # an English word starts here
_LATIN = re.compile(r"[a-z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class Clause(NamedTuple):
    """A clause, lower-cased once, with the scripts it contains.

    A named tuple rather than a frozen dataclass: extraction makes a dozen per mail,
    and a frozen dataclass's ``__init__`` costs several times a tuple's."""

    text: str
    low: str
    latin: bool
    cjk: bool

    @classmethod
    def of(cls, text: str) -> Clause:
        # tuple.__new__ directly: the named tuple's own __new__ is one more Python call
        if text.isascii():
            low = text.lower()
            return tuple.__new__(cls, (text, low, _LATIN.search(low) is not None, False))
        low = fold(text)
        return tuple.__new__(cls, (text, low, _LATIN.search(low) is not None, _CJK.search(low) is not None))


def _skipping(pattern: str) -> re.Pattern[str]:
    """``pattern``, behind a look-ahead for the characters it can start with when the
    engine cannot skip ahead by itself (an alternative opens with a look-behind, a group
    or a class): one class test per position instead of every alternative. The same
    matches: the characters come from the parsed pattern and are never too few."""
    compiled = re.compile(pattern)
    parsed = _sre_parse.parse(pattern)
    if _sre_compiler._get_literal_prefix(parsed, 0)[0] or _sre_compiler._get_charset_prefix(parsed, 0) \
            or pattern.startswith("(?=["):
        return compiled  # the engine skips ahead already, or the pattern has its look-ahead
    chars, empty = _opening_chars(parsed)
    if chars is None or empty:
        return compiled
    return re.compile(f"(?=[{''.join(map(re.escape, sorted(chars)))}])(?:{pattern})")


def _opening_chars(items: Any) -> tuple[set[str] | None, bool]:
    """The characters a parsed pattern can start with (None: not known), and whether it
    can match the empty string."""
    found: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            return found | {chr(av)}, False
        if op is _sre.IN:
            for kind, value in av:
                if kind is _sre.LITERAL:
                    found.add(chr(value))
                elif kind is _sre.RANGE and value[1] - value[0] < 64:
                    found.update(map(chr, range(value[0], value[1] + 1)))
                else:
                    return None, False
            return found, False
        if op is _sre.SUBPATTERN or op is _sre.BRANCH or op in _REPEATS:
            parts = [av[3]] if op is _sre.SUBPATTERN else av[1] if op is _sre.BRANCH else [av[2]]
            empty = op in _REPEATS and av[0] == 0
            for part in parts:
                chars, part_empty = _opening_chars(part)
                if chars is None:
                    return None, False
                found |= chars
                empty = empty or part_empty
            if not empty:
                return found, False
        elif op not in _ZERO_WIDTH:
            return None, False
    return found, True


_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT)


def _plain_words(en: str) -> str | None:
    """The alternatives of ``en`` that are plain words, as a pattern of the same form:
    "(?:will|shall|…)\\b" gives "(?:will|shall|can|…)\\b" without "going\\s+to". None
    unless ``en`` is one group of alternatives followed by "\\b", or none is a word."""
    bounded = ascii_bounds(en)
    items = list(_sre_parse.parse(bounded))  # the parser inlines the group: its branch, then "\\b"
    if not bounded.endswith(")" + ascii_bounds("\\b")) or len(items) != 2 or items[0][0] is not _sre.BRANCH:
        return None
    words = ["".join(chr(av) for _, av in alternative) for alternative in items[0][1][1]
             if len(alternative) and all(op is _sre.LITERAL for op, _ in alternative)]
    return f"(?:{'|'.join(map(re.escape, words))})\\b" if words else None


class Cue:
    """A pattern with an English half and a Chinese half, each run only where it can match.

    ``gate`` lists substrings of which every English match contains at least one; a
    clause with none of them skips the regex. The substrings are looked for in one pass,
    as a trie (a few times cheaper than the cue's own pattern, and than one ``in`` test
    per substring once a gate lists more than a handful, or on Chinese text).

    ``likely``: the yes/no test first tries the English half's alternatives that are plain
    words ("will", "can", "cannot"), taken from the pattern itself: a match of them is a
    match of the whole, and the whole tries every alternative at each word before the one
    that matches (for MARKER, about a hundred).
    """

    def __init__(self, en: str | None = None, zh: str | None = None, *, anchored: bool = False,
                 en_inside: str | None = None, gate: tuple[str, ...] = (),
                 zh_gate: tuple[str, ...] = (), likely: bool = False) -> None:
        guard = "" if anchored else _WORD
        inside = f"|{en_inside}" if en_inside else ""  # may start inside a word: "we'll"
        self._en = re.compile(ascii_bounds(f"{guard}(?:{en}){inside}")) if en else None
        words = _plain_words(en) if likely and en else None
        self._likely = re.compile(ascii_bounds(f"{guard}{words}")) if words else None
        self._zh = _skipping(zh) if zh else None
        self._gate = any_of(gate)
        self._zh_gate = any_of(zh_gate)  # the same for the Chinese half

    def may_match_english(self, low: str) -> bool:
        """False only if the English half matches neither ``low`` nor any part of it:
        the gate finds none of its words."""
        return self._en is not None and (self._gate is None or self._gate(low) is not None)

    def may_match_chinese(self, low: str) -> bool:
        """False only if the Chinese half matches neither ``low`` nor any part of it: its
        gate finds none of its words (without a gate, it may)."""
        return self._zh is not None and (self._zh_gate is None or self._zh_gate(low) is not None)

    def search(self, clause: Clause) -> re.Match[str] | None:
        low = clause.low
        if clause.latin:
            en, gate = self._en, self._gate
            if en is not None and (gate is None or gate(low) is not None):
                found = en.search(low)
                if found is not None:
                    return found
        if clause.cjk:
            zh, gate = self._zh, self._zh_gate
            if zh is not None and (gate is None or gate(low) is not None):
                return zh.search(low)
        return None

    def spans(self, clause: Clause) -> list[tuple[int, int]]:
        """Where every match lies in ``clause.low``: the English half's, then the Chinese."""
        found: list[tuple[int, int]] = []
        low = clause.low
        if clause.latin:
            en, gate = self._en, self._gate
            if en is not None and (gate is None or gate(low) is not None):
                found += [m.span() for m in en.finditer(low)]
        if clause.cjk:
            zh, gate = self._zh, self._zh_gate
            if zh is not None and (gate is None or gate(low) is not None):
                found += [m.span() for m in zh.finditer(low)]
        return found

    def __call__(self, clause: Clause) -> bool:
        # the gates tested inline: cues are asked ~80 times per mail
        low = clause.low
        if clause.latin:
            en, gate = self._en, self._gate
            if en is not None and (gate is None or gate(low) is not None) and (
                    (self._likely is not None and self._likely.search(low) is not None)
                    or en.search(low) is not None):
                return True
        if clause.cjk:
            zh, gate = self._zh, self._zh_gate
            return zh is not None and (gate is None or gate(low) is not None) \
                and zh.search(low) is not None
        return False


# Sentence ends: terminal punctuation, line breaks, and a period before white space
# unless it closes an abbreviation ("Mar. 12th", "3 p.m. Friday").
# One leading character class lets the engine skip ahead to candidates: 3x faster than
# the plain alternation "[。！？；!?;]+|\n+|\.(?=\s)", with the same matches.
SENTENCE_END = re.compile(
    r"[。！？；!?;\n.](?:(?<=[。！？；!?;])[。！？；!?;]*|(?<=\n)\n*|(?<=\.)(?=\s))")
ABBREVIATION = re.compile(  # checked on the lower-cased six characters before a period
    r"(?:^|[^a-z])(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mr|ms|dr|no|st|"
    r"[ap]\.m|e\.g|i\.e)$")
# A new subject after "and"/"but"/a Chinese comma starts a clause of its own.
# The second look-ahead holds wherever a match can start (at a comma, or at blanks before a
# joining word): the split is tried at every blank otherwise, and costs about twice as much.
CLAUSE_BREAK = re.compile(ascii_bounds(
    r"(?=[,\s，、])(?=[,，、]|\s+(?:and|but|so|then|while)\s)(?:,?\s+(?:and|but|so|then|while)\s+(?=(?:i|we|you|they|let's|our|your|my|if)\b)|\s+but\s+(?=(?:will|can|would|shall)\b)"
    r"|,\s+(?=(?:i|we|you|they|let's)(?:['’](?:ll|d|m|re|ve)|\s+(?:will|shall|can|would|could"
    r"|should|are|am|have|need|plan|want)))"
    r"|[，,、]\s*(?:但是?|不过|可是|然后|并且|同时|而且|另外)?\s*(?=我|您|你|咱|双方|贵司|贵方)"
    r"|[，,]\s*(?:但是?|不过|可是)|,\s+but\s+|\s+but\s+(?=(?:on\s+)?(?:mon|tue|wed|thu|fri|sat|sun|next|this|tomorrow|the\s+\d|\d))|(?<=不行|没空)[，,]|(?<=不行了|没空了)[，,]|(?<=方便|合适)[，,]"
    r"|[，,]\s*(?=[^，,。；;\s]{0,6}(?:请(?!示)|麻烦|烦请|劳烦|还请|务必))|,\s+(?=please\b))"),
    re.IGNORECASE,
)

# Every CLAUSE_BREAK match holds a comma (",", "，", "、") or one of its joining words; a
# sentence with neither is one clause, and the split, an IGNORECASE pattern tried at every
# space, is skipped. IGNORECASE also reads "İ", "ı" and "ſ" as "i" and "s", which str.lower
# does not: a sentence holding one is always split.
_BREAK_MARKS = (",", "，", "、", "\u0130", "\u0131", "\u017f")
_BREAK_WORDS = ("and", "but", "so", "then", "while")


def clauses(sentence: str, low: str) -> list[str]:
    """``CLAUSE_BREAK.split(sentence)``; ``low`` is the sentence lower-cased (``Clause.low``)."""
    if any(map(sentence.__contains__, _BREAK_MARKS)) or any(map(low.__contains__, _BREAK_WORDS)):
        return CLAUSE_BREAK.split(sentence)
    return [sentence]


# "Looking forward to our call on Thursday": a meeting both sides already set ("meeting
# you on May 4" only hopes for one).
_LOOK_FORWARD = (r"look(?:ing)?\s+forward\s+to\s+(?:our|the)\s+(?:[a-z-]+\s+)?(?:call|meeting|demo|"
                 r"session|visit|onsite|workshop|chat|conversation|discussion|review|kick-?off)")
_WORKS = (r"looks?\s+(?:good|great|fine|perfect)(?:\s+(?:to|for)\s+(?:me|us))?\s*[.!]*$|works\s+(?:for\s+(?:me|us|both|everyone|all\s+of\s+us|(?:our|my)\s+[a-z]+)|fine|well|great|"
          r"better|best)|would\s+work\s+(?:(?:better|best|well|fine|great)\s+)?for\s+(?:me|us|both|everyone|(?:our|my)\s+[a-z]+)|(?:is|are|would\s+be)\s+(?:best|better|ideal|perfect|great)\s+for\s+(?:us|me)|^\s*(?:talk|speak|chat)\s+"
          r"(?:to\s+you\s+)?(?:on\s+)?(?:tomorrow|today|tonight|mon|tue|wed|thu|fri|sat|sun|next|this|\d)"
          r"[a-z0-9]*|we['’]re\s+on\s+for|^\s*(?:feel\s+free\s+to\s+|you['’]re\s+(?:welcome|invited)\s+to\s+|come\s+(?:and\s+)?)?join\s+(?:us|the\s+(?:club|group|gang|crew))\b|confirming\s+our\b"
          r"|works\s*(?:[.!]?$|[-–—](?=\s)|,\s*(?:thanks?|thank\s+you|cheers)\b)"  # "Wed at 10 works", "… works, thanks!"
          r"|^\W*(?:but\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day(?:\s+[a-z0-9:]+){0,2}\s+"
          r"(?:does|is\s+(?:open|free))\s*[.!]?$")  # "…, but Friday does"
# A day that suits ("Thursday works for us", "Yes, Thursday looks good"): said by the seller,
# the meeting of both sides.
SUITS = Cue(en=_WORKS)
# An organiser's "The date is Saturday April 25" / "Next three meeting dates are: Aug 23, …":
# a promise (MARKER) of the meeting of both sides (MEETING).
_DATE_IS = (r"^\W*(?:the|our)\s+(?:new\s+)?date\s+(?:is|will\s+be)\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d+|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d+)")
_DATES_ARE = (r"(?:meeting|meetup|event)\s+dates?\s+(?:is|are|will\s+be)\s*:?\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d+|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d+)")
MARKER = Cue(
    en=r"(?:will|shall|should|please\s+expect|going\s+to|gonna|on\s+track\s+to|next\s+steps?|"
       r"(?:happy|glad|ready|excited|able)\s+to|plan(?:s|ning)?\s+to|intend(?:s)?\s+to|"
       r"aim(?:s)?\s+to|propos(?:e|es|ing)\s+to\s+(?!you\b)[a-z]+|promise\s+to\s+pay|"
       r"expect(?:s)?\s+to|would\s+like\s+to|want(?:s)?\s+to|need(?:s)?\s+to|have\s+to|"
       r"promise[sd]?|commit(?:ted)?\s+to|agreed|booked|scheduled|confirmed|blocked|reserved|repurposed|decided\s+to|will\s+be\s+held|"
       r"arranged|set\s+up|invited|inviting\s+(?:you|everyone|anyone|all)|lined\s+up|see(?:ing)?\s+you|let['’]?s|let\s+us|let\s+me|can|on\s+(?:my|our)\s+way|"
       + _WORKS + r"|(?:am|are|is)\s+[a-z]+ing|(?:is|are|sounds)\s+(?:fine|good|great|perfect|ok|okay)"
       r"|suits\s+(?:us|me)|it\s+is\s*[.!]*$|^\W*(?:reminder\W*)?(?:(?:our|the|next|team|weekly|a|community|board|project|steering|committee|status|planning)\s+){0,3}"
       r"(?:meeting|call|sync|standup|session|telecon|webinar|workshop|lunch|dinner|meetup|demo|visit|onsite|kick-?off)\s+(?:is\s+|will\s+be\s+|to\s+be\s+)?(?:on|at|"
       r"tomorrow|today|tonight|next|this|(?:mon|tues|wednes|thurs|fri)day|20\d\d-\d\d?-\d\d?)|(?<!our\s)(?<!the\s)(?<!a\s)(?<!your\s)(?<!my\s)planned|slated|penciled|pencilled|accepted|count\s+(?:us|me)\s+in"
       r"|(?:is|are)\s+(?:set|fixed)\s+for|needs?\s+until|^\W*(?:this|it)\s+(?:is|['’]s|will\s+be)\s+due\b|(?:am|are)\s+free\s+to\s+[a-z]+|look(?:ing)?\s+forward\s+to\s+hearing|^\W*to\s+be\s+[a-z]+(?:ed|en)\b(?:\s+out)?|^\s*expect\s+(?:the|our|a|it|them)"
       r"|^\W*(?:so,?\s+)?(?:everyone,?\s+)?(?:please\s+)?(?:remember|don['’]t\s+forget)[,:!]?\s+(?!to\b|that\b)[a-z0-9]+"
       r"|^\s*(?:sending|signing|sharing|returning|submitting|issuing|paying|kicking\s+off|starting"
       r"|holding|hosting|merging|shipping|deploying|releasing|publishing)|^\s*eta\b"
       r"|to\s+follow\b|coming\s+(?:your|you['’]?r)\s+way\b|to\s+be\s+held\s+(?:on|at|this|next)|"
       + _DATES_ARE + r"|"  # "Next three meeting dates are: Aug 23, Sep 20, Oct 18"
       + _DATE_IS + r"|"  # "1. The date is Saturday April 25. 10am-5pm."
       r"(?:bbq|barbecue)\s+(?:[a-z0-9'’-]+\s+){0,4}?is\s+still\s+on\b|"
       r"(?:first|next|annual|spring|summer|autumn|fall|winter|holiday|christmas)\s+(?:[a-z-]+\s+)?(?:event|party|gathering|social|outing|picnic|potluck)s?\s+(?:[a-z'’-]+\s+){0,4}?(?:is|will\s+be)\s+(?:on|at|this|next|tomorrow|tonight|today|(?:mon|tues|wednes|thurs|fri|satur|sun)day)|(?:our|the)\s+next\s+(?:[a-z-]+\s+)?(?:meeting|meetup|call|session|gathering)\s+(?:would|will)\s+be\s+(?:on|at)\b|^\W*(?:the\s+|our\s+|a\s+)?[a-z-]+(?:\s+[a-z-]+)?\s+to\s+be\s+(?:sent|issued|signed|returned|submitted|paid|shared|delivered|placed|released|wired|countersigned|executed)"
       r"|give\s+(?:us|me)\s+until|(?:asked|told|instructed|got)\s+(?!you\b|your\b|them\b)(?:our\s+|my\s+|the\s+)?[a-z]+(?:\s+[a-z]+)?\s+to\s+[a-z]+|(?:forced|obliged|compelled)\s+to|all\s+set\s+for|agreeing\s+to|meet\s+again|" + _LOOK_FORWARD
       + r"|put\s+(?:us|me)\s+down\s+for|anticipate[sd]?|count\s+on|target(?:\s+[a-z-]+)?\s+(?:date|day)"
       r"|(?:goal|plan|aim|target|intention|hope)\s+is\s+to"
       r"|(?:meeting|call|kick-?off|review|window|go-?live|launch|workshop|visit|training|cutover|"
       r"conference|session|demo|walkthrough|inspection|class|lecture|seminar|meetup|hackathon|"
       r"presentation|agm|defen[cs]e|concert|ceremony|party|dinner|picnic|fair|festival|reception)\s+"
       r"(?:date\s+)?(?:is|will\s+be)\b|reminder\s+that\b|confirmed\s+the\s+(?:date|day)\b"
       r"|^\W*it['’]s\s+(?:this|next|on)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\W*$)\b",
    en_inside=r"(?<=you)['’]d\s+(?!(?:like|love|prefer|rather|be)\b)[a-z]+|['’](?:m\s+free\s+to|re\s+free\s+to|ll|d\s+like\s+to|m\s+[a-z]+ing|re\s+[a-z]+ing|d\s+be\s+[a-z]+ing|d\s+(?:get|send|have|bring|sign|"
              r"confirm|share|review|come|meet|decide|make|return|join))\b",
    likely=True,  # "will", "can": most promises
    zh=r"会(?![议谈面晤场员务所长客话计])|将(?![军近])|要(?![求是不然紧么点])|准备|打算|计划|(?:就|那就|先|暂)定(?!金)|"
       r"安排|负责|争取|尽量|可以|能(?![力源否不])|把|给您|给你|发给|签(?!名)|提交|确认|回复|"
       r"答复|决定|参加|出席|拍板|汇报|通知|反馈|敲定|完成|过来|拜访|约(?!定)|见面|碰面|开会|"
       r"碰一下|面谈|启动|上线|付款|下单|审批|报批|报审|送审|打款|汇款|转账|打过去|挂网|公示|回传|盖章|(?:视频|电话|线上)会议?|带|邀请|落实|定下来|之前|以前|前|定于|定在|列入|开工|开标|"
       r"(?<![截提递报交到发])(?<!止|交|名|货)(?:会议?|时间|日期)为(?=\s*[0-9一二三四五六七八九十下本这明后周])|"
       r"(?<=[一二三四五六日天号点半午])(?:吧|没问题|行|见)|(?<=[一二三四五六日天号晚])再?\s*(?:做|弄|写|改|搞|处理|补|看|测|试|发布|合并|merge|release)(?![了过])|准时|(?<=[号日])起|确定|召开|举行|进行|会议通知|定为|北京时间|安排一场|没问题|不见不散|欢迎(?:大家|各位|您)?参加|(?:继续|补充|新一次)(?:的)?会议|是[^，,。]{0,6}会议",
)
EN_SUBJECT = re.compile(ascii_bounds(
    _WORD + r"(?P<s>i|we|you|they|he|she|let['’]s|lets|let\s+us|let\s+me"
    r"|(?:our|your|my)(?:\s+[a-z0-9-]+){1,2}"
    r"|(?!(?:as|so|and|or|but|if|when|then|which|who|that|what)\b)[a-z][a-z0-9-]*)"
    r"\s*(?:['’](?:ll|re|m|ve|d)|\s+(?:will|shall|would|can|could|are|am|is"
    r"|have|has|plan|plans|intend|aim|want|need|agreed|promised|said|mentioned|confirmed|booked"
    r"|scheduled|arranged|check|get|send|sign|bring|review|run|take|think|discuss|circle|touch|"
    r"find|talk|meet|decide|meets|decides|votes|convenes))\b",
))
# "You'll have our answer" / "you will hear from us": the author acts, "you" receives.
YOU_RECEIVE = Cue(en=r"you(?:['’]ll|\s+will|\s+are\s+going\s+to)\s+(?:have|receive|get|see|hear|"
                     r"find)\b(?!(?:\s+[a-z'’-]+){0,3}\s+from\s+your\b)(?![^,.;]{0,40}?(?<![a-z])to\s+(?:us|me)\b)|(?:you|you['’]ll)\s+(?:can|should|may|will)?\s*(?:expect|count\s+on)\b",
                  gate=("you",))
OTHER_RECAP = Cue(en=r"as\s+(?:agreed|discussed)[,:]?\s+you\b|(?:you|your\s+[a-z]+)\s+(?:have\s+|['’]ve\s+)?(?:said|mentioned|told\s+me|"
                     r"promised|confirmed|agreed)\b|as\s+(?:agreed|discussed)[,:]?\s+(?!(?:i|we|our|my)\b)"
                     r"[a-z]+(?:\s+[a-z]+)?\s+(?:will|is\s+going\s+to|to)\b"
                     # "looking forward to hearing from you on Monday": the other side writes
                     r"|(?:hear(?:ing)?|an\s+(?:answer|update|reply)|word)\s+(?:back\s+)?from\s+you\b",
                  gate=("you", "agreed", "discussed"))
# A pronoun right after a verb or preposition is its object ("给您", "通知您", "答复您").
ZH_PRONOUN = re.compile(
    r"(?P<joint>咱们|咱|双方|我们一起|大家一起)|(?<![给跟和与向对帮替请让陪同约等知诉复系找问醒谢告到见发寄交])"
    r"(?P<other>您|你们|你|贵司|贵方|贵公司|贵院|贵校|贵单位|贵行|贵局|贵中心)(?!的|好)|(?P<own>我们|我方|我司|我这边|我|本人)"
)
JOINT = Cue(
    en=r"let['’]?s\b(?!\s+me)|both\s+(?:of\s+us|teams|sides)\b|see(?:ing)?\s+you\b|"
       r"meet\s+(?:with\s+)?you\b|see\s+(?:everyone|y['’]all|you\s+all|all\s+of\s+you)\b|"
       r"(?:agreed|plan(?:ned)?)\s+to\s+meet\b|meet\s+again\b|reconvene\b|regroup\b|"
       r"(?:confirm(?:ing)?|re)\s+our\s+(?:meeting|call|appointment|session|visit)\b|"
       + _LOOK_FORWARD + r"\b|"
       + _WORKS,
    zh=r"咱们|双方|(?:和|跟|与|同)(?:您|你们?|贵司|贵方)(?:一起|见面|开会|碰|聊|通话|面谈|沟通|讨论)"
       r"|见面|碰面|面谈|碰个头|碰一[下次]|约好|说好|商定|约定(?!的)|(?<=[一二三四五六日天午周点号])见|(?:您|你们)[^，。,]{0,8}过来(?:吧|一趟|看看)",
    gate=("let", "both", "see", "meet", "works", "our ", "forward", "best", "better", "ideal", "reconvene", "regroup",
          "talk", "speak", "chat", "on for", "join", "does", "open", "free"),
)
# "Together" makes a joint step unless one person ("I", "我", "您") brings others along.
TOGETHER = Cue(en=r"(?<!put )(?<!pull )(?:together|jointly)\b", zh=r"一起|共同",
               gate=("together", "jointly"))
SINGULAR = re.compile(ascii_bounds(r"\s*(?:i\b|[我您你](?!们))"))  # .match() at the subject

QUESTION = Cue(
    en=r"^\s*(?:could|can|would|will|shall|should|do|does|did|is|are|may)\s+"
       r"(?:you|we|i|it|there|the|your|this|that|they)\b",
    # every alternative opens with a character, so the engine skips to the candidates
    # (~5x faster than with the look-behind in front of "是否")
    zh=r"请问|能否|可否|是否(?<!讨论是否|决定是否|确认是否|评估是否|考虑是否|研究是否|商量是否|判断是否|知道是否"
       r"|看看是否)|能不能|可不可以|行不行|好不好|方便吗|有没有|吗\s*[。.]?\s*$|呢\s*[。.]?\s*$|怎么样",
    anchored=True,
)
REQUEST = Cue(
    en=r"^\s*(?:please|pls|kindly)\b(?!\s+(?:note|be\s+(?:aware|advised|informed)|find|see|expect|accept\s+(?:this|our|my)))"
       r"|(?<![a-z])(?:let\s+(?:me|us)\s+know\b|i\s+need\s+you\s+to\b|(?:i|we)(?:['’]ll|\s+will|\s+would)?\s+"
       r"need\s+(?:your|you\s+to)\b|(?:i|we)(?:['’]d|\s+would)"
       r"\s+appreciate\b|please\s+(?!note|find|see|be\s+(?:aware|advised|informed)|expect|accept\s+(?:this|our|my))[a-z]+"
       # "we request delivery by 20 March": the other side's date
       r"|(?:request|require)s?\s+(?:that\s+)?(?:the\s+)?(?:delivery|shipment|dispatch|installation|goods|your)\b)",
    zh=r"(?:提交|递交|报名|截止|交货|到货)(?:时间|日期|期限)(?:为|是)"
       # "采购文件领取时间：7月8日起至7月12日止": a window set for the bidders
       r"|(?:领取|获取|发售|购买|报名|递交|提交)(?:采购|招标|投标|响应)?(?:文件)?(?:时间|日期|期限)\s*[:：]|(?:^|[，,：:\s])(?:请(?!放心|知悉|查收|注意|问|示)|麻烦|烦请|劳烦|还请|务必)|(?:希望|需要|要求)(?:您|你们?|贵司|贵方|贵公司)|收到(?:您|你们?|贵司|贵方|贵公司)(?:的|发)"
       r"|(?<![邀申提宴聘回我们您你])请(?!放心|知悉|查收|注意|问|假|示|教|客|柬)",
    anchored=True,
    gate=("please", "pls", "kindly", "know", "need", "appreciate", "request", "require"),
)
# Asking the other side to act, mid-sentence ("…, can you take lead on rescheduling them?").
ASKS_OTHER = Cue(
    en=r"(?:can|could|would)\s+you\s+(?:please\s+)?(?:take\s+(?:the\s+)?lead|handle|look\s+into|arrange|"
       r"organi[sz]e|set\s+up|book|sort\s+out|take\s+care\s+of)\b"
       r"|(?:asked|told|requested|reminded)\s+(?:you|your\s+[a-z]+)\s+to\b",  # "we've asked your team to send"
    gate=("can you", "could you", "would you", "asked you", "told you", "requested you",
          "reminded you"),
)
NEGATION = Cue(
    en=r"(?:won['’]?t|will\s+not|can['’]?t|cannot|can\s+not|couldn['’]t|could\s+not|unable\s+to"
       r"|not\s+able\s+to|not\s+be\s+able|not\s+going\s+to|aren['’]t\s+going|isn['’]t\s+going|"
       r"don['’]t(?!\s+(?:worry|hesitate|forget))|do\s+not(?!\s+(?:hesitate|forget))|doesn['’]t|does\s+not|"
       r"no\s+longer|not\s+planning|never(?!\s+(?:fear|mind))|not\s+ready|not\s+in\s+a\s+position|not\s+interested|"
       r"wasn['’]t|weren['’]t|was\s+not|didn['’]t|did\s+not"
       # "I'll miss this week", "have to, unfortunately, miss the event tomorrow", "I have a conflict"
       r"|(?:i|we)(?:['’]ll|\s+will|\s+(?:have|need)\s+to|['’]m\s+going\s+to|\s+am\s+going\s+to)?[,\s]+(?:[a-z]+,\s+){0,2}(?:miss|skip)"
       r"|(?:have|having|['’]ve\s+got|['’]m\s+going\s+to\s+have|am\s+going\s+to\s+have)\s+a\s+conflict"
       r")\b",
    zh=r"(?<!会)不会|(?<!能)不能|无法|没法|没办法|来不了|去不了|参加不了|赶不上|不参加|不考虑|暂不|暂时不|不打算|"
       r"不准备|不太可能|没有时间|没时间|不需要|不用了|不方便|定不下来|定不了|不(?:太|大|是很|怎么)(?:方便|合适|行|可以)|不合适|做不到|不来了?|不去了?|不签|不行(?!吗)",
    gate=("n't", "n’t", "not", "never", "unable", "cannot", "longer", "wont", "cant", "wasn",
          "weren", "didn", "miss", "skip", "conflict"),
)
CANCEL = Cue(
    en=r"(?:cancel[a-z]*|call(?:ing|ed)?\s+off|declin[a-z]+|pass\s+on\s+this|"
       r"no\s+(?:meeting|meetup|meet|call|session|class|event|practice|lecture)s?\s+(?:this|next|on|today|tomorrow|tonight)|"
       r"put\s+(?:[a-z]+\s+)?on\s+hold|on\s+hold|withdraw[a-z]*|pull(?:ing)?\s+out)\b",
    zh=r"取消|推掉|作废|谢绝|婉拒|暂停|搁置|先放一放|叫停",
    gate=("cancel", "call", "declin", "pass on", "hold", "withdraw", "pull", "no "),
)
# Gratitude looks back ("谢谢您今天的介绍", "thanks for Tuesday"): it promises nothing.
GRATITUDE = Cue(en=r"^\s*(?:thanks?\s+(?:you\s+)?(?:again\s+)?for)\b", zh=r"^\s*(?:谢谢|感谢|多谢)",
                anchored=True)
# A day given as an approximation ("around March 15", "in a week or so", "10号前后") names
# no day the customer can be held to: a vague step. A clock time may be approximate on
# an exact day ("around 2pm on Thursday"), so only a day or a span follows the word.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_APPROXIMATE_DAY = (
    r"(?:around|about|approximately|approx\.?|roughly|circa|towards?)\s+(?:the\s+)?(?:" + _MONTH
    + r"\s+\d+|\d{1,2}(?:st|nd|rd|th)\b|\d{1,2}\s+" + _MONTH + r"|\d{1,2}[/.]\d{1,2}\b(?!\s*(?:am|pm|a\.m|p\.m|h\b|uhr))"
    r"|(?:the\s+)?(?:end|middle|start|beginning)\s+of|mid-?\s*[a-z]|early\s+next|next\s+week"
    r"|(?<!about\s)(?<!about\sthe\s)(?:mon|tues|wednes|thurs|fri)day)|(?:day|week|month)s?\s+or\s+so"
    r"|(?:mon|tues|wednes|thurs|fri)day-?ish|(?:a\s+)?couple\s+(?:of\s+)?(?:days|weeks)")
HEDGE = Cue(
    en=r"(?:maybe|perhaps|possibly|probably|(?:most\s+|more\s+than\s+)?likely|i\s+guess|i['’]m\s+guessing|(?:can|could|will|['’]ll)\s+try\s+to|(?:can|could)\s+(?:also\s+)?try(?!\s+to)|do\s+(?:my|our)\s+best\s+to|might|could|(?:i|we)\s+think\s+(?:i|we)\s+(?:can|could|should|will)|(?<!of\s)(?<!in\s)(?<!early\s)(?<!mid\s)(?<!late\s)"
       r"(?<!end\s)may(?!\s+\d|\s+(?:at|and|or|to|through)\b|\s*[,.;)])|hopefully|tentatively|"
       r"not\s+sure|haven['’]t\s+decided|hop(?:e|ing)\s+to(?!\s+see\s+(?:you|everyone|all|many))|"
       # "we will hold two events at the end of the month": some day near it; "by the end of" is a deadline
       r"(?:at|in|towards?)\s+the\s+end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:month|year|quarter)|" + _APPROXIMATE_DAY + r")\b",
    zh=r"(?:可能|也许|或许|大概|估计)(?!在?(?:[0-9一二三四五六七八九十几]|上午|下午|中午|晚上|早上))"
       r"|(?:大约|大概|约)(?=[0-9一二三四五六七八九十]{1,2}月[0-9一二三四五六七八九十]{1,3}[日号])"
       r"|说不定|不确定|还没定|初定|暂定|[前后上下]半(?:周|个?月)|(?<=[号日天])左右|(?<=[号日底初中旬末一二三四五六])(?:左右|前后)",
    gate=("may", "might", "could", "perhaps", "possibl", "probabl", "likely", "think", "guess", "try", "best to", "hope", "tentative",
          "not sure", "decided", "hoping", "couple", "around", "about", "approx", "roughly", "circa", "or so",
          "ish", "toward", "the end of"),
)
CONDITIONAL = Cue(
    en=r"(?:if|unless|provided\s+that|assuming|as\s+long\s+as|once|depending\s+on|pending|otherwise)\b",
    zh=r"如果|假如|要是|倘若|如若|若(?!干)|只要|万一|除非|一旦|视情况|看情况|取决于|"
       r"等[^，,。]{0,10}(?:批|同意|通过|确认|定)了?(?:以后|之后|再)|"
       # "发票收到后，我们30天内付款": counted from an event the mail does not date
       r"(?:收到|接到|签订|签署|到货|验收|开具|开票|交付|上线)[^，,。]{0,8}(?:以后|之后|后)(?:[，,]|$)",
    gate=("if", "unless", "provided", "assuming", "as long", "once", "depending",
          "pending", "otherwise"),
)
# Verb phrases that are next steps without a day on their own ("touch base", "回头再联系").
VAGUE_STEP = Cue(
    en=r"(?:(?:find|set\s+up|schedule|pick)\s+(?:a|some)\s+time|get\s+back\s+to\s+(?:you|u)|"
       r"come\s+back\s+to\s+you|touch\s+base|circle\s+back|follow\s+up\s+(?:later|again)|"
       r"reconnect|revisit|keep\s+(?:you\s+)?posted|keep\s+in\s+touch|stay\s+in\s+touch|"
       r"check\s+(?:with|in\s+with)\s+(?:my|our|the)\s+[a-z0-9-]+|"
       r"discuss\s+(?:it\s+|this\s+)?internally|think\s+(?:it\s+over|about\s+it)|mull\s+it\s+over|"
       r"run\s+(?:it|this|that)\s+by|sleep\s+on\s+it|talk\s+(?:to|with)\s+(?:my|our)\s+[a-z0-9-]+|"
       r"review\s+(?:it\s+|this\s+)?internally|let\s+you\s+know|look\s+into\s+it)\b",
    zh=r"找个?时间|回头再?(?:联系|说|聊|约)|再联系|内部(?:再)?(?:评估|讨论|商量|研究|沟通)|评估一下|"
       r"研究一下|考虑一下|商量一下|讨论一下|再看看|看看再说|有空再(?:说|聊|约)|改天再?(?:聊|约|说)|"
       r"以后再说|之后再说|再说吧|后再(?:说|定|议|联系|约|谈)|请示一下|(?:跟|和|向)(?:领导|老板|上级|[\u4e00-\u9fff]总)"
       r"(?:汇报|商量|请示|确认)",
    gate=("time", "back", "base", "follow", "reconnect", "revisit", "posted", "touch",
          "check", "internally", "think", "mull", "run ", "sleep", "talk", "let you know",
          "look into"),
    zh_gate=("时间", "回头", "再", "内部", "一下", "看看", "改天", "汇报", "商量", "请示", "确认"),
)
AUTO_REPLY = Cue(
    en=r"(?:out\s+of\s+(?:the\s+)?office|ooo|automatic\s+reply|auto[-\s]?reply|autoreply|"
       r"on\s+(?:annual\s+|parental\s+|sick\s+)?leave|away\s+from\s+(?:the|my)\s+(?:office|desk)|"
       r"limited\s+access\s+to\s+e-?mail|personal\s+day)\b",
    zh=r"自动回复|休[\u4e00-\u9fff]?假|产假|病假|婚假|事假|年假|不在办公室|外出",
    gate=("office", "ooo", "reply", "leave", "away", "access", "personal"),
)
# A stretch that looks back at what already happened ("今天聊得很好", "great call today",
# "we met today"): a day named inside it dates the past event, never the next step.
RETROSPECTIVE = Cue(
    # "that's what I did this morning", "the movers came right on time this morning"
    en=r"(?:did|came|went|arrived|showed\s+up|called|finished|loaded|got\s+back)(?![a-z])[^.;!?]{0,40}?"
       r"(?<![a-z])this\s+morning\b|"
       r"(?:great|good|nice|productive|fruitful|excellent|wonderful|lovely|helpful|useful|"
       r"fantastic|terrific|awesome|pleasure)\s+(?:to\s+)?(?:meeting|meet|call|chat(?:ting)?|"
       r"talk(?:ing)?|speaking|session|demo|discussion|conversation|workshop|visit|"
       r"presentation|see(?:ing)?|speak|connect(?:ing)?|catch(?:ing)?\s+up|catch-up)\b|"
       r"was\s+(?:(?:really|very|so|super|truly|extremely)\s+)?"
       r"(?:great|good|nice|lovely|a\s+pleasure|helpful|useful|productive)"
       r"(?:\s+to\s+(?:meet|see|talk|speak|chat|catch|connect)|\s+(?:meeting|seeing|talking|"
       r"speaking|chatting)|\s*(?=[,;:.!—–-]|$)|\s+(?=and\b|but\b))|"
       r"(?<!as\s)(?<!like\s)(?:we|i)\s+(?:met|spoke|talked|chatted|enjoyed)\b|"
       r"had\s+(?:a|an|our)\s+(?:[a-z]+\s+)?(?:meeting|call|chat|session|demo|discussion|"
       r"conversation|workshop|visit)\b|"
       r"(?:enjoyed|appreciated)\b|as\s+(?:agreed|discussed)\s+(?:on|in|during|at|over)\b|"
       r"(?:discussed|talked|spoke)\s+(?:this|yesterday|earlier|today|last)\b|"
       r"^\W*during\s+(?:this|last|today['’]s|yesterday['’]s)\s+(?:week['’]s\s+)?(?:call|meeting|session)\b|"
       r"(?:has|have|was|were)\s+(?:already\s+)?(?:been\s+)?(?:sent|paid|signed|approved|"
       r"transferred|completed|submitted|processed|received|wired|settled)\b|"
       # "We received your proposal on Monday": a weekday after a finished action is behind us
       r"(?<!be\s)(?<!it\s)(?<!them\s)(?<!have\s)(?<!get\s)(?<!the\s)(?<!a\s)(?<!our\s)(?<!your\s)(?<!my\s)"
       r"(?:received|got|sent|signed|paid|submitted|returned|shared|reviewed|approved|finished|completed|spoke|"
       r"met|talked)\s+(?:(?!(?:we|i|you|they|he|she|will|would|could|can|should|and|but|to)\s)[a-z0-9'’-]+\s+)"
       r"{0,3}?on\s+"
       r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
       # a payment already made arriving: "should be in your account within two working days"
       r"(?:should|will|would)\s+(?:be\s+in|arrive\s+in|reach|show\s+(?:up\s+)?in|clear\s+(?:in|into))\s+"
       r"your\s+(?:bank\s+)?account\b",
    zh=r"(?=[聊谈见开讲交沟介演讨合高会拜面已预才做弄写改搞测处补完进dmcwsp])"  # every first character below: 3x faster
       r"(?:(?:聊|谈|见|开|讲|交流|沟通|介绍|演示|讨论|合作)得(?:很|非常|挺|特别|蛮|十分|相当|比较|还)?"
       r"(?:好|愉快|顺利|开心|充分|不错|成功|投机|有收获|清楚|明白)"
       r"|已经?(?![^，,。；;]{0,14}?(?:安排|约|定|列入|订|报名|排|邀请|议程|日程|日历))"
       r"[^，,。；;]{0,8}?了|已(?:于|在|经)?[^，,。；;]{0,10}?(?:汇出|汇款|付款|支付|转账|发出|寄出|签署|签订|"
       r"签字|提交|完成|发送|收到)"
       r"|高兴(?:今天|昨天|刚才|上午|下午)?(?:见到|认识|和|跟|与)|见到(?:您|你们?)(?:很|非常|特别)?(?:高兴|开心)"
       r"|(?:(?<![我您你他她们将也都还])会|会议|交流|沟通|讨论|演示|介绍|见面|拜访|面谈|聊天|"
       r"demo|meeting|call|workshop|session|presentation)\s*(?:很|非常|挺|特别|十分)"
       r"(?:好|愉快|顺利|成功|有收获|有帮助|充分|开心|高兴|精彩|圆满)"
       r"|(?:聊|谈|见|开|讨论|沟通|交流|演示|介绍|做|弄|写|改|搞|测|处理|补)了(?![^，,。]{0,4}(?:再|以后|之后|后))"
       # what was sent arriving: "已经盖章寄出，预计周五到"
       r"|预计[^，,。；;]{0,8}?(?:送达|到达|到账|寄到|能到|可到|就到|到)(?=[，,。；;！!]|$)"
       r"|才[^，,。；;！!？?]{0,6}的(?=[，,。；;！!~\s]|$)"  # "我是下午才报名的": done already
       r"|(?:完成|进展)情况)",  # "本周任务完成情况：…": a report on the week, not a plan
    gate=("great", "good", "nice", "productive", "ful", "excellent", "lovely", "fantastic",
          "terrific", "awesome", "pleasure", "was ", "met", "spoke", "talked", "chatted", "had ",
          "enjoyed", "appreciated", "sent", "paid", "signed", "approved", "transferred",
          "completed", "submitted", "processed", "received", "wired", "settled", "as ", "discussed",
          "account", "during",
          "talked", "spoke", "this morning"),
    zh_gate=("得", "高兴", "开心", "很", "非常", "挺", "特别", "十分", "了", "已", "预计", "才", "情况"),
)
# Where one look-back stretch ends and the next step may begin.
STRETCH_BREAK = re.compile(ascii_bounds(
    r"(?=[,，、:：;；—–\s然但不回到])"
    r"(?:[,，](?!\s*(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))|[、:：;；—–]|\s-\s|\s(?:and|but|so|then|while|because)\s|然后|但是?|不过|回头|到时|因为)"))
# Perfective scheduling of a future event: the customer has already acted, the event is
# ahead ("I have put the proposal on our committee agenda for March 12").
SCHEDULED = Cue(
    en=r"(?:put|added|placed|slotted|got|listed)\s+(?:[a-z0-9'’-]+\s+){0,6}?(?:on|onto|to|in|into)\s+"
       r"(?:[a-z0-9'’-]+\s+){0,4}?(?:agenda|calendar|schedule|docket|diary)s?\b|"
       r"(?:pencil+ed|slotted)\s+(?:[a-z0-9'’-]+\s+){0,4}?in\b|"
       r"(?:put|placed)\s+(?:a\s+)?hold\s+on\b|"
       r"sent\s+(?:you\s+|out\s+|over\s+)?(?:an?|the|our)\s+(?:calendar\s+|meeting\s+)?"
       r"(?:invite|invitation)\b|"
       # "Date locked in for the 29th Oct", "The date is set for May 4": a fixed day
       r"locked\s+in\b|(?:date|day|time)\s+(?:is\s+|has\s+been\s+)?(?:now\s+)?(?:set|fixed|confirmed|agreed)"
       r"\s+(?:for|as|to|on)\b",
    gate=("agenda", "calendar", "schedule", "docket", "diary", "pencil", "slotted", "hold", "listed",
          "invit", "locked", "set", "fixed", "confirmed", "agreed"),
)
# Present tense with a day is a decision on the calendar ("Our board decides by the end of
# this month", "Legal returns the contract Friday"), the English twin of "月底前做决定".
PRESENT_ACTION = Cue(
    en=r"(?:i|we|they|he|she|(?:our|the|my|their|your)(?:\s+[a-z0-9-]+){1,2}|legal|procurement|"
       r"finance|management|uat|pilot|poc|trial|training|onboarding|rollout|go-live|implementation|testing)\s+(?:decides?|signs?|approves?|confirms?|replies|reply|responds?|"
       r"returns?|sends?|submits?|delivers?|finali[sz]es?|completes?|finish(?:es)?|"
       r"starts?|begins?|launch(?:es)?|go(?:es)?\s+live|"
       r"chooses?|picks?|votes?|announces?|issues?|places?|commits?|reverts?|"
       r"reviews?|discuss(?:es)?|evaluates?|considers?|meets?|takes?\s+(?:it|this)\s+up|"
       r"goes\s+(?:to|before|out)|go\s+out|"
       r"kicks?\s+off|gets?\s+back|makes?\s+(?:a|the|its|our|their)\s+(?:final\s+)?"
       r"(?:decision|call|choice))\b",
    gate=("decide", "sign", "approve", "confirm", "repl", "respond", "return", "send", "start",
          "begin", "launch", "live",
          "submit", "deliver", "finali", "complete", "finish", "choose", "pick", "vote",
          "announce", "issue", "place", "commit", "revert", "kick", "get", "make", "review",
          "discuss", "evaluate", "consider", "meet", "take", "goes"),
)
# A routine or a cadence, not a next step: "we usually sign by the 5th", "our board meets
# every Monday", "我们一般24小时内回复", "我们每周一开例会".
ROUTINE = Cue(
    en=r"(?:usually|normally|typically|generally|always|routinely|every|"
       r"(?:mon|tues|wednes|thurs|fri|satur|sun)days|from\s+now\s+on|in\s+future\s+(?:weeks|months)|going\s+forward"
       # "on the first Saturday of the month": a standing date, not a day
       r"|(?:first|second|third|fourth|last|1st|2nd|3rd|4th)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day"
       r"\s+of\s+(?:the|each|every)\s+month)\b",
    zh=r"通常|一般(?!般)|一向|向来|总是|往往|以往|往常|平时|(?:[两几多])次(?![日会方性])|每(?:周|个?星期|个?礼拜|天|个?月|年|季度|双周|两周|隔周)|(?<![的次])例会",
    gate=("usual", "normal", "typical", "general", "always", "routine", "every", "days",
          "now on", "month", "future", "going forward"),
    zh_gate=("通常", "一般", "一向", "向来", "总是", "往往", "以往", "往常", "平时", "次", "每", "例会"),
)
# In the present tense a span is a service level, not a promise ("we reply within 24
# hours"), and "each" a routine ("we review each vendor by March").
# A calendar period starting or ending is no one's action ("our fiscal year starts April 1").
REPEATED = Cue(en=r"(?:each|within)\b|(?:fiscal|financial|budget|school|academic|calendar|tax)\s+year\b"
                  r"|(?:quarter|semester|term)\s+(?:starts|begins|ends)\b",
               gate=("each", "within", "year", "quarter", "semester", "term"))
# One person on the author's side brings a third party to meet the other side: the
# author's side acts ("我约了我们CFO周四和你们开会", "we'll bring our CTO to meet you").
BRINGS_OTHERS = Cue(
    en=r"(?:bring(?:ing)?|booked|invited|asked|arranged\s+for|get(?:ting)?|got)\s+(?:our|my)"
       r"(?:\s+[a-z0-9-]+){1,2}\s+(?:to|for|along)\b",
    zh=r"(?:约|安排|请|邀请|叫|带|拉)(?:了|上)?(?:我们|我方|我司|公司)?的?(?:[a-z]{2,5}(?![a-z])|"
       r"(?:(?![您你])[\u4e00-\u9fff]){0,4}?(?:总|经理|老板|领导|同事|团队|负责人|主管|总监|专家|工程师|法务|"
       r"财务|采购))",
    gate=("bring", "booked", "invited", "asked", "arranged", "get", "got"),
)
# Waiting for the other side's date is acknowledging it, not a step ("we'll wait for your
# delivery on 2 June", "等你们下周三的安装通知").
AWAIT_OTHER = Cue(
    en=r"(?:wait(?:ing)?\s+for|await(?:ing)?)\s+(?:your|the)\b|(?:keep\s+an\s+eye\s+out|look(?:ing)?\s+out)"
       r"\s+for\b|look(?:ing)?\s+forward\s+to\s+(?:receiving|getting|your)\b",
    zh=r"等(?:待|着)?(?:你们|您|你(?!们)|贵司|贵方)(?!过来|来|到)",
    gate=("wait", "eye", "look"),
    zh_gate=("等",),
)
# Waiting for the other side *at a place* is hosting their visit ("下周一上午十点，我们在三楼会议室等您",
# "we'll be waiting for you at reception at 10"): the author's side receives them, a meeting.
HOSTING = Cue(
    en=r"(?:wait(?:ing)?\s+for|meet)\s+you\s+(?:at|in)\s+(?:the\s+|our\s+)?(?:reception|lobby|office|front\s+desk|gate|entrance)\b",
    zh=r"在[^，,。；;！!]{0,10}(?:等|恭候)(?:着)?(?:您|你们?|各位|大家)",
    gate=("you at", "you in"),
    zh_gate=("等", "恭候"),
)
# A span counted from an event is a term, not a day ("within 30 days of receipt",
# "收到发票后30天内付款", "合同签订之日起15个工作日内").
RELATIVE_TERM = Cue(
    en=r"(?:days?|weeks?|months?)\s+(?:of|after|from|following)\s+(?:the\s+|our\s+|your\s+)?"
       r"(?:receipt|receiving|delivery|invoice|invoicing|signing|signature|acceptance|"
       r"installation|completion|shipment|the\s+date)\b",
    zh=r"(?:后|之日起|起)\s*[0-9一二三四五六七八九十两]+\s*个?(?:工作日|天|日|周|个月)",
    gate=("of", "after", "from", "following"),
    zh_gate=("后", "起"),
)
# Moving a meeting to a new day: the step is the new day, even asked as a question
# ("Could we do Tuesday 26 May instead?", "改到下周一下午两点可以吗？").
RESCHEDULE = Cue(
    en=r"(?:instead|move[ds]?|moving|reschedul[a-z]*|postpon[a-z]*|(?:push|shift|bump|switch)(?:ed|ing)?"
       r"\s+(?:(?:it|this|that|our|the|my|your|today['’]s|tomorrow['’]s|[a-z]+day['’]s)\s+)?"
       r"(?:[a-z-]+\s+)?(?:back\s+|out\s+)?to|(?:changed|moved|shifted)\s+from)\b",  # "has to be changed from X to Y"
    zh=r"(?:改|调整?|换|挪|推迟|延期|延后|延|推|顺延|改期|修正|更正|变更|修改)(?:到|至|为|成|在)"
       r"|(?<![修更])改(?=(?:下|这|本)?(?:周|星期|礼拜)[一二三四五六日天]|明天|后天|下周|\d{1,2}[号日])",  # "改周四可以吗"
    gate=("instead", "mov", "reschedul", "postpon", "push", "shift", "bump", "switch", "changed from"),
    zh_gate=("改", "调", "换", "挪", "推", "延", "修正", "更正", "变更", "修改"),
)
# A stretch about being away or closed ("our office will be closed from 16 to 18 Feb",
# "我们老板这周和下周都在国外"): its days say when nobody acts, never a step.
AWAY = Cue(
    en=r"(?:will\s+be|is|are|am|i['’]m|we['’]re|be)\s+(?:closed|away|out\s+of\s+(?:the\s+)?office|on\s+"
       r"(?:leave|holiday|vacation|annual\s+leave)|unavailable|travell?ing|abroad|off|gone|"
       r"out(?!\s+(?:to|for|there|with|of\s+(?:stock|scope))(?![a-z]))|elsewhere)\b|have\s+to\s+be\s+elsewhere\b|"
       r"(?:going|heading|be)\s+out\s+of\s+town\b|"
       r"personal\s+day\b|closed\s+(?:for|on|from)\b|reopen[a-z]*\b|(?<![a-z])ooo\b|"
       r"(?:am|are|is|i['’]m|we['’]re)\s+(?:really\s+|very\s+|pretty\s+|quite\s+|a\s+bit\s+)?(?:busy|swamped|slammed|tied\s+up)\b",
    zh=r"在国外|出差|休假|放假|不在(?!乎|于|话下|意|少数|此列|范围|其中|这里)|请假|在外地|(?:临时)?有事|没空|(?:比较|很|太|非常|特别|有点|有些)忙|事(?:情|儿)?(?:比较|很|太|非常|特别)多",
    gate=("closed", "away", "office", "leave", "holiday", "vacation", "unavailable", "travel", "out", "ooo",
          "abroad", "personal", " off", "reopen", "busy", "swamped", "slammed", "tied up", "gone", "elsewhere", "town"),
    zh_gate=("国外", "出差", "休假", "放假", "不在", "请假", "外地", "有事", "没空", "忙", "事情", "事儿", "事比", "事很", "事太", "事非", "事特"),
)
# Postponed without a new day: the named day is the old one ("原计划于明天举行的会议将不得不延期",
# "the kickoff on Tuesday is postponed").
POSTPONED = Cue(
    en=r"(?:postponed|delayed|pushed\s+back|put\s+off|called\s+off|originally|(?:was|were)\s+supposed\s+to"
       r"|had\s+(?:planned|intended|hoped)\s+to)\b",
    zh=r"延期|推迟|改期|延后|原本|原先|本来|原计划(?!于)",  # "原本预计今日缴交": the old plan's day
    gate=("postpone", "delay", "pushed", "put off", "called off", "originally", "supposed", "had "),
    zh_gate=("延", "推迟", "改期", "原本", "原先", "本来", "原计划"),
)
# A meeting of both sides, whoever arranges it ("We will have our telecon tomorrow",
# "本周日召开全体大会", "our first meeting will be this Friday"): a joint step.
MEETING = Cue(
    en=r"(?:have|hold|host|arrange|schedule|set\s+up|organi[sz]e|want\s+to\s+have)\s+(?:a|an|the|our|"
       r"another|this|next)?\s*(?:[a-z-]+\s+){0,2}?(?:meeting|call|telecon|conference|session|lunch|"
       r"workshop|webinar|discussion|sync|standup|get-together|demo|onsite|on-site|visit|kick-?off)\b"
       r"|(?:invite|invitation)\s+for\b|(?:meeting|call|telecon|conference|demo|onsite|on-site|visit|"
       r"kick-?off|session|lunch|discussion|sync|standup|webinar|workshop|class|lecture|seminar|meetup|hackathon|agm|practice|rehearsal|game|match)"
       r"\s+(?:is|will\s+be|to\s+be|starts?|on|at|scheduled|booked|set|confirmed|tomorrow|"
       r"today|tonight|next|this)\b"
       # "I am hereby inviting anyone and everyone to our house, Friday, May 1st"
       r"|(?:hereby\s+)?inviting\s+(?:you|everyone|anyone|all|y['’]all)\b"
       # "The first event for the garden club is on June 11th at 11am"
       r"|(?:bbq|barbecue|event|party|gathering|social|outing|picnic|potluck)s?\s+(?:[a-z0-9'’-]+\s+){0,4}?(?:is\s+still\s+on\b|(?:is|will\s+be)\s+"
       r"(?:on|at|this|next|tomorrow|tonight|today|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b)"
       # "Tonight at 6 pm … will be the first meeting of the group"
       r"|will\s+be\s+(?:the|our|a)\s+(?:[a-z-]+\s+){0,2}?(?:meeting|meetup|session|social|gathering|workshop)\b"
       # an instructor's office hours: "I will be available in my office on Monday", "I'll be available three more times … to meet in person"
       r"|(?:i|we)(?:['’]ll|\s+will)\s+be\s+available\b(?=[^.;]*(?:office|to\s+meet|in\s+person|for\s+(?:questions|office\s+hours)|(?:mon|tues|wednes|thurs|fri)day\s+morning|(?:\d|\d\d)(?::\d\d)?\s*(?:am|pm)?\s*[-–]\s*\d))"
       # "Future meetings are scheduled for: 4 April, 9 May, …"
       r"|(?:future|next|upcoming)\s+(?:meetings|sessions|meetups)\s+(?:are|will\s+be)\s+(?:scheduled|held|on)\b"
       # "We'll resume with the December 3rd meeting", "pick back up on 28 May"
       r"|(?:resume|reconvene|pick\s+(?:it\s+)?back\s+up)\s+(?:with|on|at)\b"
       # "the meeting after that will switch to the new schedule, on Friday October 16"
       r"|(?:meeting|call|session)s?\s+(?:[a-z]+\s+){0,3}?will\s+(?:switch|move|happen|resume)\b"
       # "The annual general meeting will take place on …", "the Business Meeting should be moved to …"
       r"|(?:meeting|meetup|agm|conference|session|workshop|kick-?off)\s+(?:will|shall|should|is\s+to|has\s+to|had\s+to|must)\s+"
       r"(?:now\s+)?(?:take\s+place|be\s+(?:moved|postponed|rescheduled|changed|held))\b"
       r"|(?<!to\s)meet(?:ing)?\s+(?:at|on|"
       r"tomorrow|today|next|this)\b|meet\s+(?:with\s+)?(?:you|everyone|all)\b"
       # "Confirmed for January 6", "It's scheduled as Tuesday 4 pm", "I'll be on zoom at 2",
       # "Moving the June 4th meeting to June 11th": the meeting both sides attend
       r"|^\W*(?:(?:it['’]s|it\s+is|that['’]s|this\s+is|we['’]re)\s+)?(?:confirmed|booked|scheduled|all\s+set)"
       r"\s+(?:for|on|as)\b|schedul(?:e|ed|ing)\s+(?:this|it)\s+for\b"
       # an organiser's notice: "will be held Tuesday", "at our next meeting, Monday", "rooms
       # reserved … for the installfest", "a location and date locked in for Saturday"
       r"|(?:will\s+(?:now\s+|still\s+)?be|is\s+being|is|are|to\s+be)\s+held\b|(?:our|the)\s+next\s+(?:[a-z-]+\s+)?(?:meeting|meetup|meet|call|session|event|gathering)\b"
       r"|(?:rooms?|space|venue|hall)\s+(?:reserved|booked)\b|(?:reserved|booked)\s+(?:a\s+|the\s+|some\s+)?(?:rooms?|space|venue|hall)\b"
       r"|locked\s+in\s+for\b|confirmed\s+the\s+(?:date|day|venue)\b|reminder\s+that\b"
       r"|^\W*it['’]s\s+(?:this|next|on)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\W*$"  # "It's THIS SATURDAY."
       r"|(?:at|for)\s+(?:our|the)\s+(?:[a-z0-9.]+\s+){0,3}?(?:meeting|meetup|session|event|agm)\b"
       r"|(?:in|at|during)\s+[`'\"*]+(?:meeting|call|session)\s+#?\d"  # "in `Meeting #3` on `16 February`"
       r"|(?:meeting|event|defen[cs]e|party|launch|kick-?off|class|session|concert|ceremony)\s+date\s+(?:is|will\s+be)\b"
       r"|^\W*(?:so,?\s+)?(?:everyone,?\s+)?(?:please\s+)?(?:remember|don['’]t\s+forget)[,:!]?\s+(?!to\b|that\b)|^\W*(?:the\s+|our\s+|new\s+)?(?:meeting\s+)?date\s+(?:is\s+|has\s+been\s+)?"
       r"(?:locked\s+in|set|fixed|confirmed|moved|changed|rescheduled)\b|(?:be|hop|jump|get)\s+on\s+(?:zoom|teams|skype|webex|the\s+(?:call|line|bridge))\b"
       r"|(?:mov|postpon|reschedul|push|shift|bump)[a-z]*\s+(?:[a-z0-9'’-]+\s+){0,4}?(?:meeting|call|sync|session|"
       r"demo|review|workshop|standup|check-?in)\b|" + _DATE_IS + "|" + _DATES_ARE,
    zh=r"召开|举行|直播|(?<!不再)举办(?![^。；;]*(?:诚邀|邀请您|敬请|莅临))|(?:比赛|决赛|复赛|初赛|大会|会议|活动|典礼|仪式|年会|晚会|聚会)定于|开会|碰头|见面|北京时间|(?<=[点分半])[^，,。；;！!]{0,10}(?:大会|会议|座谈会|研讨会|分享会|读书会|聚会|培训|讲座)(?=[，,。；;！!\s]|$)|(?:继续|补充|新一次|下一次|下次)(?:的)?会议?|是[^，,。]{0,6}会议|(?:视频|电话|线上|腾讯|钉钉|飞书)会议?|安排一场|线上分享|分享会|沙龙|欢迎(?:大家|各位|您)?参加|不见不散|例会|(?:到|去|来)(?:贵司|贵公司|你们公司|我司|我们公司)|(?:讨论|会议|线上)时间|(?:会议|大会|讨论|座谈会?|例会|站会)(?:通知|定|于|在|将)|(?:会|会议|讨论|例会|评审会?|活动|聚会)[^，。]{0,6}(?:改|调整?|推迟|延期|顺延|挪)",
    gate=("meeting", "meet", "call", "telecon", "conference", "session", "lunch", "workshop", "event", "party",
          "resume", "reconvene", "back up", "available",
          "gathering", "social", "outing", "picnic", "potluck", "bbq", "barbecue",
          "webinar", "discussion", "sync", "standup", "together", "demo", "onsite", "on-site",
          "visit", "kick", "invit", "confirmed", "booked", "scheduled", "all set", "zoom", "teams",
          "skype", "webex", "on the call", "on the line", "on the bridge", "mov", "postpon", "reschedul", "push", "shift", "bump",
          "date", "class", "lecture", "seminar", "hackathon", "schedul", "agm", "remember", "forget", "held", "next", "reserved", "locked", "practice",
          "rehearsal", "game", "match", "confirmed", "reminder", "at our", "at the", "for our",
          "for the", " date", "it's", "it’s"),
    zh_gate=("改", "调", "推迟", "延", "挪", "召开", "举行", "直播", "举办", "定于", "开会", "碰头", "见面", "时间", "会", "讨论", "一场", "司", "分享", "沙龙", "视频", "会议",
             "参加", "不见不散"),
)
# A question that proposes a joint step ("shall we try for Feb 16?", "how about meeting
# at 2pm?"): the proposal counts like "let's".
# "Would you like to meet on Friday at 9?": a day offered to both, not a request for work.
_OFFER_TO_MEET = r"would\s+you\s+like\s+to\s+(?:meet|talk|chat|catch\s+up|hop\s+on|join\s+(?:a|the)\s+call)"
OFFER_TO_MEET = Cue(en=_OFFER_TO_MEET, gate=("would you like",))
PROPOSAL = Cue(
    en=r"(?:shall\s+we|how\s+about|what\s+about|how\s+does|why\s+don['’]t\s+we|(?:i|we)(?:['’]d|\s+would)?\s+(?:suggest|propose)\s+(?:for\s+)?(?:this|the|our|a|next)\s+(?:meeting|call|session)|can\s+we\s+(?:meet|do|try|"
       r"schedule|say)|could\s+we\s+(?:meet|do|try|say)|" + _OFFER_TO_MEET + r")\b"
       # a day alone, asked: "This Thursday at 3:30?", "For instance, Wednesday 23/9?"
       r"|^(?:for\s+(?:instance|example)|say|maybe|perhaps)[,\s]+(?:(?:this|next|coming)\s+)?"
       r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\b[^?.!]{0,25}\?\s*$",
    # "我们定在6月13日发布吧？": a day suggested for both, asked
    zh=r"(?:我们|咱们)[^，,。？?]{0,20}(?:定在|定于|安排在|放在)[^，,。？?]{0,20}吧\s*[?？]\s*$",
    gate=("shall", "about", "don", "can we", "could we", "how does", "would you like", "suggest", "propose", "?"),
    zh_gate=("吧",),
)
# An event the writer's side holds ("we are holding a social evening on Friday 24th July",
# "an event scheduled for the evening of Friday September 11"): an organiser's
# notice of it is the meeting of both sides.
_EVENTS = (r"(?:event|evening|party|lunch|dinner|social|hackathon|meetup|workshop|session|gathering|picnic"
           r"|fair|festival|tournament|celebration|reception|outing|concert|night|day|webinar|open\s+house|potluck|ride|hike)s?")
# A club's own activity with "we" ("we are planning to ride Sunday", "we should be able to get a
# ride in on Saturday"): an organiser's notice of it is the meeting of both sides.
GROUP_ACTIVITY = Cue(
    en=r"we(?:['’]re|\s+are|['’]ll|\s+will|\s+should|\s+can|\s+plan|\s+are\s+planning)?\s+(?:[a-z]+\s+){0,3}?"
       r"(?:ride|hike|walk|play|practi[cs]e|gather|get\s+together|get\s+a\s+(?:ride|hike|walk|game)\s+in)\b",
    gate=("ride", "hike", "walk", "play", "practi", "gather", "together"),
)
HOSTED_EVENT = Cue(
    en=r"(?:we|i)(?:['’]re|['’]m|\s+are|\s+am|\s+will\s+be)\s+(?:holding|hosting|organi[sz]ing|throwing|running)\s+"
       r"(?:(?!on\b|at\b|in\b)[a-z0-9'’`-]+\s+){0,4}?" + _EVENTS
       + r"\b|" + _EVENTS + r"\s+(?:(?:is|are|has\s+been|have\s+been)\s+)?(?:scheduled|planned|set)\s+for\b"
       # "There will still be an On-Site event here … on Nov 13-14"
       r"|there\s+will\s+(?:still\s+|also\s+)?be\s+(?:an?\s+|the\s+|our\s+)?(?:[a-z'’-]+\s+){0,3}?" + _EVENTS + r"\b",
    gate=("holding", "hosting", "organi", "throwing", "running", "scheduled", "planned", "set for", "there will"),
)
# An invitation to one's own meeting is no request for work ("请到我司参加评审",
# "please join us for the kickoff on March 9"): the meeting is a step of both sides.
INVITED = Cue(
    en=r"please\s+(?:(?:feel\s+(?:free|welcome)|be\s+sure)\s+to\s+)?(?:join|attend|come|participate)\b",
    zh=r"请(?:您|贵司|贵方|各位|大家)?(?:(?!确认|提供|提交|回复|告知|反馈|报送|填写|上报)[^，,。；;？?]){0,14}?"
       r"(?:参加|出席|参会|莅临)",
    gate=("please",),
    zh_gate=("参加", "出席", "参会", "莅临"),
)
# Someone of the other side said it ("张经理说下周三带技术团队过来", "王总提到…"): reported
# speech names the other side's step.
OTHER_SAID = Cue(
    zh=r"^[^，,。]{0,4}?[\u4e00-\u9fff]{1,2}(?:总|经理|工|主任|老师|科长|处长)(?:说|提到|表示|答应|确认|讲)",
    zh_gate=("说", "提到", "表示", "答应", "确认", "讲"),
)
