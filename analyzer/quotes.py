"""Cut a mail body down to the text its author wrote now.

Quoted replies and signatures are never evidence: a quoted seller line such as
"我周五前把合同草稿发给您" that survived would read as a fresh dated commitment. The
off-the-shelf strippers we measured each miss a family (quotequail strips nothing in
Chinese, mail-parser-reply's Chinese patterns never fire, email-reply-extractor keeps
Chinese attribution lines and most signatures), so the markers of each client are
listed here, one place, as measured on real replies:

* Gmail: "On Mon, Mar 2, 2026 at 10:00 AM Dana <d@x.com> wrote:" (often wrapped
  over two lines); Gmail-zh: "Dana <d@x.com> 于2026年3月2日周一 10:00写道：".
* Apple Mail: "On Mar 2, 2026, at 10:00, Dana <d@x.com> wrote:", then ``>`` lines.
* Outlook: "-----Original Message-----", or a header block "From: / Sent: / To: /
  Subject:" (Outlook-zh "发件人: / 发送时间: / 收件人: / 主题:" with ASCII or full-width
  colons), often after a line of underscores; some versions put it on one line.
* Foxmail / QQ Mail: "------------------ 原始邮件 ------------------";
  NetEase: "在 2026-03-02 10:00:00，"王明" <wm@163.com> 写道：".
* Any other attribution line that names an address or a time and ends in "wrote:" /
  "写道：" ("2026年3月2日 10:00，李明 <lm@x.cn> 写道：", Thunderbird, Yahoo).
* ``>`` quote lines anywhere (inline replies keep the new lines between them).
* Signatures: the "-- " delimiter, phone boilerplate ("Sent from my iPhone",
  "发自我的iPhone"), and sign-offs ("Best regards,", "Thanks,", "此致", "敬礼", "祝好",
  "顺祝商祺") when everything after them looks like a signature block.

Everything is a cut point or a dropped line, so stripping twice changes nothing
(a property test holds it to that).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

_CUT = re.compile(
    r"^[ \t]*(?:"
    r"On\s[^\n]{0,300}?(?:\n[^\n]{0,200}?)?\bwrote\s*:[ \t]*$"
    r"|[^\n]{0,200}于[^\n]{0,100}写道\s*[:：][ \t]*$"
    r"|在[^\n]{0,200}?(?:\n[^\n]{0,200}?)?写道\s*[:：][ \t]*$"
    r"|(?=[^\n]*[@0-9])[^\n]{0,400}?(?:(?:写道|wrote|a\s+écrit|escribió|ha\s+scritto|schreef)\s*[:：]"
    r"|schrieb\b[^\n]{0,120}:)[ \t]*$"
    r"|-{2,}\s*Original (?:Message|Appointment)\s*-{2,}"
    r"|-{2,}\s*(?:Forwarded message|转发的邮件|原始邮件|原始郵件)\s*-{2,}"
    r"|-{2,}[ \t]*(?:&nbsp;)?[ \t]*原始邮件"
    r"|Begin forwarded message:"
    r"|_{8,}[ \t]*\n[ \t]*(?:From|发件人)\s*[:：]"
    r"|\*?(?:From|发件人|Von|De)\s*[:：]\*?[^\n]*(?:\n[^\n]*){0,3}?\n?[ \t]*\*?"
    r"(?:Sent|Date|发送时间|时间|日期|Gesendet|Datum|Envoyé|Date)\s*[:：]"
    r"|-- ?$"
    r"|Sent from my \w+|Sent from (?:Outlook|Mail) for \w+|Get Outlook for \w+"
    r"|发自我的\s*\w+|来自(?:网易邮箱大师|QQ邮箱|我的华为|我的手机)"
    r")",
    re.MULTILINE | re.IGNORECASE,
)
_SIGNATURE_LINES = 8  # name, title, company, phones, address: no more
# Where a _CUT match can start. Every alternative but two begins (after blanks) with one
# of these characters, case-folded by the engine itself; the other two lie on one line:
# "…于…写道：", and a line with an address or a digit holding one of _CUT_WORDS
# ("… <a@b.c> wrote:"). A line that passes neither test cannot start a match, so _CUT
# runs only from the lines that do: the long lines of the new text are skipped cheaply.
_CUT_FIRST = re.compile(r"[ \t]*[ob_*fvdsg在发来-]", re.IGNORECASE)
_CUT_WORDS = ("wrote", "écrit", "escribió", "scritto", "schreef", "schrieb")
# The characters IGNORECASE reads as a letter of those words that str.lower does not
# turn into it ("ſ" as "s", "ı" as "i"): a line holding one is always tried.
_CUT_FOLDS = ("\u0130", "\u0131", "\u017f")
_ADDRESS_OR_DIGIT = re.compile(r"[@0-9]")


def _find_cut(body: str) -> re.Match[str] | None:
    """``_CUT.search(body)``, trying only the lines a match can start on."""
    start = 0
    for line in body.split("\n"):
        if _CUT_FIRST.match(line) or _may_name_writer(line):
            found = _CUT.match(body, start)
            if found is not None:
                return found
        start += len(line) + 1
    return None


def _may_name_writer(line: str) -> bool:
    if "写道" in line:
        return True
    if _ADDRESS_OR_DIGIT.search(line) is None:
        return False
    low = line.lower()
    return any(map(low.__contains__, _CUT_WORDS)) or any(map(line.__contains__, _CUT_FOLDS))


_QUOTE_LINE = re.compile(r"^[ \t]*>[^\n]*\n?", re.MULTILINE)
_SIGN_OFF = re.compile(
    r"^[ \t]*(?:best(?: regards| wishes)?|regards|kind regards|warm regards|warmly|cheers|"
    r"thanks|thank you|thanks again|many thanks|thx|sincerely|yours(?: sincerely| truly)?|"
    r"talk soon|br|此致|敬礼|祝好|顺祝商祺|顺颂商祺|顺颂时祺|祝商祺|祝工作顺利|谢谢|多谢|感谢)"
    r"[ \t]*[,，!！.。~]?[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_GREETING = re.compile(
    r"^[ \t]*(?:(?:hi|hello|hey|dear|good (?:morning|afternoon))\b[^\n]{0,40}"
    r"|[^\n]{0,20}(?:您好|你好)[^\n]{0,5}|[^\n.。!！?？]{0,20}[,，:：])[ \t]*$", re.IGNORECASE)
_SIGNATURE_LINE = re.compile(
    r"^(?:[^.。!！?？]{0,60}|.*(?:@|https?://|www\.|\+?\d[\d\s()-]{6,}).*)$"
)


def strip_quoted(text: str) -> str:
    """The new text of a mail body: quoted replies, signatures and sign-offs removed.

    Quote lines go first, so removing them can never join an attribution line that a
    later pass would cut at; sign-offs are cut until none is left to cut. Together
    that makes stripping idempotent in one pass.
    """
    body, cut = _unquoted_and_cut(text)
    if cut is not None:
        body = body[:cut]
    while True:
        shorter = _cut_sign_off(body)
        if shorter == body:
            return body.strip()
        body = shorter


def unquoted_part(text: str) -> str:
    """The body above the quoted messages, signature included."""
    body, cut = _unquoted_and_cut(text)
    return body if cut is None else body[:cut]


def quoted_part(text: str) -> str:
    """The quoted earlier messages of a body: its ``>`` lines and all below the cut.

    Never evidence of a commitment; only read to learn which day a reply accepts.
    """
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    quoted = "".join(m.group() for m in _QUOTE_LINE.finditer(body))
    unquoted, cut = _unquoted_and_cut(text)
    heads = _inline_attributions(text)
    if heads:  # the attribution lines of quotes answered below them: they date the quote
        quoted += "\n" + "\n".join(heads)
    if cut is not None:  # the attribution line too: it dates the quoted message
        quoted += "\n" + unquoted[cut:]
    return quoted


@functools.lru_cache(maxsize=4)
def _unquoted_and_cut(text: str) -> tuple[str, int | None]:
    """The body without its ``>`` lines, and where the quoted messages begin in it.

    strip_quoted, unquoted_part and quoted_part all need it, for the same mail in turn
    (extract_commitments asks all three): it is worked out once.
    """
    body, _ = _without_quote_lines(text)
    cut = _find_cut(body)
    return body, None if cut is None else cut.start()


def _inline_attributions(text: str) -> tuple[str, ...]:
    return _without_quote_lines(text)[1]


@functools.lru_cache(maxsize=4)
def _without_quote_lines(text: str) -> tuple[str, tuple[str, ...]]:
    """The body without its ``>`` lines, and the attribution lines that head them.

    A "wrote:" line directly above ``>`` lines heads a quote of its own: with the quote
    gone, what follows it is the writer's answer (bottom-posting on mailing lists,
    inline replies), not the quoted message, so the line is taken out instead of
    cutting the body there.
    """
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    if ">" not in normal:
        return normal, ()
    heads: list[str] = []
    for head in _heads_quote(normal):
        rest = _QUOTE_LINE.sub("", normal[head.end():]).lstrip()
        if rest and _CUT.match(rest) is None:  # an answer follows, not an older message
            heads.append(head["line"])
    body = _QUOTE_LINE.sub("", normal)
    for line in heads:
        body = body.replace(line + "\n", "", 1)
    return body, tuple(heads)


# An attribution line ("On Mon, 2026-03-02 at 18:44 +0000, Dan wrote:", "… 写道：") with
# ``>`` lines right below it (blank lines between allowed).
_HEADS_QUOTE = re.compile(
    r"^(?P<line>[ \t]*(?=[^\n]*(?:wrote|写道)\s*[:：][ \t]*$)[^\n>][^\n]*)\n(?=(?:[ \t]*\n)*[ \t]*>)",
    re.MULTILINE | re.IGNORECASE)


def _heads_quote(normal: str) -> Iterator[re.Match[str]]:
    """``_HEADS_QUOTE.finditer(normal)``, tried only at the lines that hold "wrote" or
    "写道": a match is one whole line holding one, so no other line can start one, and
    the pattern's look-ahead scan of every line is spared. (No character that
    IGNORECASE reads as a letter of "wrote" lower-cases to anything else.)"""
    start = 0
    for line in normal.split("\n"):
        if "写道" in line or "wrote" in line.lower():
            found = _HEADS_QUOTE.match(normal, start)
            if found is not None:
                yield found
        start += len(line) + 1


def _cut_sign_off(body: str) -> str:
    """Cut at the first sign-off after which only signature-like lines follow.

    A signature block is at most ``_SIGNATURE_LINES`` lines, so only sign-offs among
    the last lines are candidates. A "Thanks!" right after the greeting opens the
    message rather than closing it.
    """
    for m in _SIGN_OFF.finditer(body, _last_lines_start(body, _SIGNATURE_LINES + 1)):
        if not any(not _GREETING.match(line) for line in body[:m.start()].split("\n")
                   if line.strip()):
            continue
        tail = [line.strip() for line in body[m.end():].split("\n") if line.strip()]
        if len(tail) <= _SIGNATURE_LINES and all(_looks_like_signature(line) for line in tail):
            return body[:m.start()]
    return body


def _last_lines_start(body: str, count: int) -> int:
    """Offset where the last ``count`` non-empty lines begin."""
    end = len(body)
    while count > 0 and end > 0:
        start = body.rfind("\n", 0, end - 1) + 1
        if body[start:end].strip():
            count -= 1
        end = start
    return end


def _looks_like_signature(line: str) -> bool:
    return bool(_SIGN_OFF.match(line)) or bool(_SIGNATURE_LINE.match(line))


_SIGNATURE_CUT = re.compile(
    r"^[ \t]*(?:-- ?$|Sent from|Get Outlook|发自我的|来自(?:网易邮箱大师|QQ邮箱|我的华为|我的手机))",
    re.IGNORECASE)


@dataclass(frozen=True)
class Zones:
    """A body split the way ``strip_quoted`` cuts it, for showing why text was left out."""

    new: str  # exactly ``strip_quoted(text)``
    quoted: tuple[str, ...]  # quoted lines and quoted earlier messages
    signature: tuple[str, ...]  # signature blocks and sign-offs


def zones(text: str) -> Zones:
    """The new text, and what ``strip_quoted`` removed as quoted text or signature."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    body, heads = _without_quote_lines(text)
    quoted = [*heads, *(line.strip() for line in _QUOTE_LINE.findall(normal) if line.strip(" \t\n>"))]
    signature: list[str] = []
    cut = _find_cut(body)
    if cut is not None:
        tail = body[cut.start():].strip()
        (signature if _SIGNATURE_CUT.match(cut.group()) else quoted).append(tail)
        body = body[:cut.start()]
    while True:
        shorter = _cut_sign_off(body)
        if shorter == body:
            return Zones(body.strip(), tuple(q for q in quoted if q), tuple(signature))
        signature.insert(0, body[len(shorter):].strip())
        body = shorter
