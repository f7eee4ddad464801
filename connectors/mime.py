"""Raw RFC 5322 bytes → ``EmailMessage``: the one MIME parser every mail connector shares.

Gmail (``format=raw``), IMAP, Microsoft (MIME export) and local files all hand us
bytes, and real B2B mail between Chinese and Western companies is messy in ways the
standard library does not forgive on its own:

* ``gb2312`` and ``gbk`` labels are routinely used for text that contains GB18030-only
  characters (Foxmail, old Outlook), so both are decoded as ``gb18030``, a superset.
* Charset labels lie: "iso-8859-1" on UTF-8 text, "us-ascii" on GBK, "gb2312" on
  Big5. A label that fails to decode is replaced by the most plausible of UTF-8,
  GB18030 and Big5 (charset-normalizer decides), never by an exception.
* Some clients put raw 8-bit GBK in Subject/From instead of RFC 2047 words; the
  parser keeps such bytes as surrogate escapes, which we turn back into bytes and
  decode like a body.
* ``email.policy.default`` raises on some malformed headers when they are read and
  its header objects cost more than the rest of the parse (more than half of a local
  full sync when measured). So the structure is parsed with ``compat32``, which never raises on a
  header, and headers are read raw (``raw_items``) and decoded here, once.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import datetime as dt
import functools
import hashlib
import re
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from charset_normalizer import from_bytes
from dealnudge.connectors.items import (
    MAX_BODY_TEXT_BYTES,
    MAX_HEADER_BYTES,
    MAX_MESSAGE_BYTES,
    MAX_MIME_DEPTH,
    MAX_MIME_PARTS,
    clean_message,
    clean_text,
)

from dealnudge.records import Address, EmailMessage, Folder

UTC = dt.UTC

# Labels decoded with a superset codec (GB2312 ⊂ GBK ⊂ GB18030; Big5 ⊂ Big5-HKSCS).
_CHARSET_ALIASES: dict[str, str] = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "gb_2312-80": "gb18030", "chinese": "gb18030", "csgb2312": "gb18030",
    "big5": "big5hkscs", "x-big5": "big5hkscs", "cn-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949", "unicode-1-1-utf-7": "utf-7", "utf8": "utf-8",
}
# Labels that never fail to decode, so a wrong one can only be caught by sniffing UTF-8.
_NEVER_FAILING = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252",
                  "cp1252", "iso-8859-15"}
_FALLBACKS = ("utf_8", "gb18030", "big5hkscs")

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_BETWEEN_WORDS = re.compile(r"(=\?[^?\s]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?)")
_BARE_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_MULTIPART_HEADER = re.compile(rb"(?im)^content-type:[ \t]*multipart/")
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
_FOLDING = re.compile(r"\r?\n[ \t]+")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # a raw 8-bit header byte, surrogate-escaped
_WHITESPACE = re.compile(r"\s")  # what str.isspace() calls whitespace

_AUTO_SUBJECT = re.compile(
    r"^\W*(?:re:\s*)?(?:automatic reply|auto[- ]?reply|autoreply|out of (?:the )?office"
    r"|外出|自动回复)|自动回复", re.IGNORECASE)
_AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder")
_AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk"}


class MalformedMessage(ValueError):
    """The bytes are not a usable e-mail (no sender, no date we could recover …)."""


def parse_message(raw: bytes, *, source_id: str, folder: Folder,
                  default_tz: dt.tzinfo = UTC) -> EmailMessage:
    """Parse one RFC 5322 message; raises ``MalformedMessage`` when it is unusable.

    ``thread_id`` is left ``None``: providers that know threads set it themselves.
    """
    if not raw or not raw.strip():
        raise MalformedMessage("empty message")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MalformedMessage(f"message is {len(raw):,} bytes, over the "
                               f"{MAX_MESSAGE_BYTES:,}-byte limit")
    sections = len(_MULTIPART_HEADER.findall(raw))
    if sections > MAX_MIME_PARTS // 4:  # the stdlib parser recurses once per nesting level
        raise MalformedMessage(f"{sections:,} multipart sections, over the "
                               f"{MAX_MIME_PARTS // 4:,} limit")
    try:
        return _parse(raw, source_id, folder, default_tz)
    except RecursionError:  # hostile nesting the depth caps did not catch
        raise MalformedMessage("structure nested too deeply to read") from None


def _parse(raw: bytes, source_id: str, folder: Folder, default_tz: dt.tzinfo) -> EmailMessage:
    msg = BytesParser(_Part, policy=compat32).parsebytes(raw)
    headers = _raw_headers(msg)
    sender = _first_address(headers.get("from", []))
    if sender is None:
        raise MalformedMessage("no From address")
    subject = decode_header_text(_one(headers, "subject"))
    body, attachments = _body_and_attachments(msg)
    return _clean(EmailMessage(
        source_id=source_id,
        message_id=_message_id(_one(headers, "message-id"), source_id),
        sent_at=_sent_at(headers, default_tz),
        sender=sender,
        to=tuple(_addresses(headers.get("to", []))),
        cc=tuple(_addresses(headers.get("cc", []))),
        subject=subject,
        body_text=body,
        folder=folder,
        is_auto_reply=is_auto_reply(headers, subject),
        in_reply_to=_first_id(_one(headers, "in-reply-to")),
        references=tuple(_ids(" ".join(headers.get("references", [])))),
        attachments=tuple(attachments),
    ))


class _Part(Message):
    """A parsed part that finds its headers by name in a dict instead of a scan, and
    works its content type out once: the body choice and text decoding ask for them
    about ten times per part. Both are keyed on the header count and default type, so
    the parser (which adds headers, then asks) always sees the current answer; parts
    are not changed once parsed."""

    _headers: list[tuple[str, str]]  # Message's own attributes, set by its __init__
    _default_type: str
    _index: tuple[tuple[int, str], dict[str, tuple[str, str]], str | None] | None = None

    def _lookup(self) -> tuple[tuple[int, str], dict[str, tuple[str, str]], str | None]:
        key = (len(self._headers), self._default_type)
        index = self._index
        if index is None or index[0] != key:
            first: dict[str, tuple[str, str]] = {}
            for name, value in self._headers:
                first.setdefault(name.lower(), (name, value))
            index = self._index = (key, first, None)
        return index

    def get(self, name: str, failobj: Any = None) -> Any:
        found = self._lookup()[1].get(name.lower())
        if found is None:
            return failobj
        return self.policy.header_fetch_parse(*found)

    def get_content_type(self) -> str:
        key, first, ctype = self._lookup()
        if ctype is None:
            ctype = super().get_content_type()
            self._index = (key, first, ctype)
        return ctype


def _clean(message: EmailMessage) -> EmailMessage:
    """``clean_message``, skipped when no text of the message has a character to clean
    (nearly always): its field-by-field walk cost a tenth of a parse."""
    texts = [message.source_id, message.message_id, message.subject, message.body_text,
             message.folder, message.in_reply_to or "", message.thread_id or "",
             message.web_link or "", *message.references, *message.attachments]
    for address in (message.sender, *message.to, *message.cc):
        texts += (address.email, address.name)
    joined = "".join(texts)
    return message if clean_text(joined) is joined else clean_message(message)


# --- headers -------------------------------------------------------------------------

def _raw_headers(msg: Message) -> dict[str, list[str]]:
    """Header values exactly as written (unfolded), with 8-bit bytes decoded plausibly."""
    out: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        if len(value) > MAX_HEADER_BYTES:
            raise MalformedMessage(f"header {name[:40]!r} is {len(value):,} characters, over "
                                   f"the {MAX_HEADER_BYTES:,} limit")
        text = _unsurrogate(str(value))
        if "\n" in text:
            text = _FOLDING.sub(" ", text)
        text = text.strip()
        out.setdefault(name.lower(), []).append(text)
    return out


def _one(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name)
    return values[0] if values else ""


def _unsurrogate(text: str) -> str:
    """Undo the parser's surrogateescape of raw 8-bit header bytes (GBK subjects …)."""
    if text.isascii() or not _ESCAPED_BYTE.search(text):
        return text
    data = text.encode("utf-8", "surrogateescape")
    return decode_bytes(data, None)


def decode_header_text(value: str) -> str:
    """Decode RFC 2047 encoded words (any charset, B or Q) in an unfolded header."""
    value = _BETWEEN_WORDS.sub(r"\1", value)  # whitespace between encoded words is dropped
    return _ENCODED_WORD.sub(_decode_word, value).strip()


def _decode_word(match: re.Match[str]) -> str:
    charset = match.group(1).split("*", 1)[0]  # RFC 2231 language suffix: utf-8*en
    text = match.group(3)
    try:
        if match.group(2).lower() == "b":
            data = base64.b64decode(text + "=" * (-len(text) % 4))
        else:
            data = binascii.a2b_qp(text.replace("_", " ").encode("ascii", "replace"))
    except (binascii.Error, ValueError):
        return match.group(0)
    return decode_bytes(data, charset)


def _addresses(values: list[str]) -> list[Address]:
    if sum(map(len, values)) <= _CACHED_ADDRESS_CHARS:  # the same few lists recur in a mailbox
        return list(_cached_addresses(tuple(values)))
    return _read_addresses(values)


# Address lists repeat (the same customers, the same colleagues), and reading one with
# ``getaddresses`` costs a fifth of a parse: short ones are remembered. Addresses are
# immutable, so messages may share them.
_CACHED_ADDRESS_CHARS = 1024


@functools.lru_cache(maxsize=2048)
def _cached_addresses(values: tuple[str, ...]) -> tuple[Address, ...]:
    return tuple(_read_addresses(list(values)))


def _read_addresses(values: list[str]) -> list[Address]:
    found: list[Address] = []
    try:
        pairs = getaddresses(values)
    except RecursionError:  # thousands of nested "(" comments: read the bare addresses
        pairs = [("", a) for a in _BARE_ADDRESS.findall(" ".join(values))]
    for name, addr in pairs:
        addr = addr.strip().strip("<>").lower()
        if "@" not in addr or _WHITESPACE.search(addr):
            continue
        found.append(Address(email=addr, name=decode_header_text(name).strip().strip('"')))
    return found


def _first_address(values: list[str]) -> Address | None:
    found = _addresses(values)
    return found[0] if found else None


def _ids(value: str) -> list[str]:
    bracketed = _ANGLE_ID.findall(value)
    if bracketed:
        return bracketed
    return [v for v in re.split(r"[\s,]+", value) if v]


def _first_id(value: str) -> str | None:
    ids = _ids(value)
    return ids[0] if ids else None


def _message_id(value: str, source_id: str) -> str:
    found = _first_id(value)
    if found:
        return found
    digest = hashlib.sha256(source_id.encode("utf-8")).hexdigest()[:32]
    return f"{digest}@synthesized.dealnudge.invalid"


def _sent_at(headers: dict[str, list[str]], default_tz: dt.tzinfo) -> dt.datetime:
    candidates = headers.get("date", []) + [r.rsplit(";", 1)[-1] for r in headers.get("received", [])[:1]]
    for text in candidates:
        parsed = _parse_date(text, default_tz)
        if parsed is not None:
            return parsed
    raise MalformedMessage("no readable Date header (nor a Received header to fall back on)")


def _parse_date(text: str, default_tz: dt.tzinfo) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:  # "-0000" means UTC with no local zone; no zone at all: assume ours
        zone = UTC if re.search(r"-0000\b", text) else default_tz
        parsed = parsed.replace(tzinfo=zone)
    if not 1990 <= parsed.year <= 2200:
        return None
    return parsed


def is_auto_reply(headers: dict[str, list[str]], subject: str) -> bool:
    """Out-of-office and other machine replies (RFC 3834 and the de-facto headers)."""
    auto = _one(headers, "auto-submitted").split(";", 1)[0].strip().lower()
    if auto and auto != "no":
        return True
    if any(name in headers for name in _AUTO_HEADERS):
        return True
    if _one(headers, "precedence").strip().lower() in _AUTO_PRECEDENCE:
        return True
    return bool(_AUTO_SUBJECT.search(subject))


# --- bodies --------------------------------------------------------------------------

def decode_bytes(data: bytes, declared: str | None) -> str:
    """Bytes → text under a charset label that may be missing, unknown or wrong."""
    label = (declared or "").strip().strip('"').lower()
    codec = _usable_codec(_CHARSET_ALIASES.get(label, label))
    if codec in _NEVER_FAILING and not data.isascii():
        sniffed = _strict(data, "utf_8")
        if sniffed is not None:
            return sniffed
    text = _strict(data, codec) if codec else None
    if text is None:
        return _guess(data)
    # GB labelled Big5 (and back) decodes into nonsense; only those two labels are checked
    if codec in _CJK_SCORE and not text.isascii() and sum(1 for c in text if not c.isascii()) >= 4:
        other = "big5hkscs" if codec == "gb18030" else "gb18030"
        if _cjk_score(data, other) - _cjk_score(data, codec) >= 0.25:
            return data.decode(other)
    return text


# Python codecs that are no text charset a mail client would write, or that turn bytes
# into something else than their text ("undefined" always raises; the escapes decode).
_NOT_CHARSETS = {"undefined", "unicode_escape", "raw_unicode_escape", "idna", "punycode",
                 "mbcs", "oem", "palmos", "charmap"}


def _usable_codec(label: str) -> str:
    """The codec for a charset label, or "" when the label names no real text charset."""
    if not label or len(label) > 40 or not label.isascii() or not label.isprintable():
        return ""
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError, TypeError):
        return ""
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in _NOT_CHARSETS:
        return ""
    return label


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError, TypeError):
        return None


def _in_ranges(code: int, ranges: tuple[tuple[int, int, int], ...]) -> bool:
    lead, trail = code >> 8, code & 0xFF
    return any(lo <= lead <= hi and trail >= min_trail for lo, hi, min_trail in ranges)


# (lead from, lead to, lowest trail byte) of each codec's frequent characters:
# GB2312 punctuation rows and level-1 hanzi; Big5 punctuation and level-1 hanzi.
_CJK_SCORE: dict[str, tuple[tuple[int, int, int], ...]] = {
    "gb18030": ((0xA1, 0xA3, 0xA1), (0xB0, 0xD7, 0xA1)),
    "big5hkscs": ((0xA1, 0xA3, 0x40), (0xA4, 0xC5, 0x40), (0xC6, 0xC6, 0x40)),
}


def _cjk_score(data: bytes, codec: str) -> float:
    """Share of the non-ASCII characters that are frequent characters of ``codec``."""
    text = _strict(data, codec)
    if text is None:
        return -1.0
    wide = [c for c in text if not c.isascii()]
    if not wide:
        return 1.0
    good = 0
    for char in wide:
        encoded = char.encode(codec, "replace")
        if len(encoded) == 2 and _in_ranges(int.from_bytes(encoded, "big"), _CJK_SCORE[codec]):
            good += 1
    return good / len(wide)


def _guess(data: bytes) -> str:
    utf8 = _strict(data, "utf_8")
    if utf8 is not None:
        return utf8
    scored = sorted(((_cjk_score(data, c), -i, c) for i, c in enumerate(_FALLBACKS[1:])),
                    reverse=True)  # ties go to GB18030, the mainland default
    if scored[0][0] > 0:
        return data.decode(scored[0][2])
    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", "replace")


def _walk(msg: Message) -> list[Message]:
    """Every part, depth first, at most ``MAX_MIME_DEPTH`` deep and ``MAX_MIME_PARTS`` many."""
    found: list[Message] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack and len(found) < MAX_MIME_PARTS:
        part, depth = stack.pop()
        found.append(part)
        if part.is_multipart() and depth < MAX_MIME_DEPTH:
            children = [p for p in part.get_payload() if isinstance(p, Message)]
            stack.extend((child, depth + 1) for child in reversed(children))
    return found


def _body_and_attachments(msg: Message) -> tuple[str, list[str]]:
    body_part = _choose_body(msg, 0)
    attachments: list[str] = []
    for part in _walk(msg):
        if part.is_multipart() or part is body_part:
            continue
        name = _filename(part)
        if name or _is_attachment(part):
            attachments.append(name or part.get_content_type())
    return (_part_text(body_part) if body_part is not None else ""), attachments


def _choose_body(part: Message, depth: int) -> Message | None:
    """The readable body: text/plain preferred in multipart/alternative, attachments never."""
    if depth > MAX_MIME_DEPTH:
        return None
    if not part.is_multipart():
        readable = part.get_content_type() in ("text/plain", "text/html")
        return part if readable and not _is_attachment(part) else None
    children = [p for p in part.get_payload() if isinstance(p, Message)]
    if part.get_content_subtype() == "alternative":
        for wanted in ("text/plain", "text/html"):
            for child in children:
                if child.get_content_type() == wanted and not _is_attachment(child):
                    return child
    for child in children:
        if not _is_attachment(child) or child.is_multipart():
            found = _choose_body(child, depth + 1)
            if found is not None:
                return found
    return None


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a bad parameter must not lose the message
        return "attachment"
    return decode_header_text(_unsurrogate(name)) if name else ""


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("content-disposition", "")).split(";", 1)[0].strip().lower()
    if disposition == "attachment":
        return True
    return part.get_content_maintype() not in ("text", "multipart")


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    payload = payload[:MAX_BODY_TEXT_BYTES]
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001 - unreadable parameter: sniff instead
        charset = None
    text = decode_bytes(payload, charset)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_subtype() == "html":
        return html_to_text(text)
    return text.strip("\n")


# --- HTML-only bodies ----------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
               "ul", "ol", "pre", "hr", "blockquote", "section", "article", "header",
               "footer", "dd", "dt", "address", "center", "form"}
_SKIP_TAGS = {"script", "style", "head", "title", "noscript", "template"}


class _TextExtractor(HTMLParser):
    """Readable text from HTML: block elements break lines, blockquotes become "> "."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._skip = 0
        self._quote = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, opening=True)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.newline(force=tag == "br")

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag, opening=False)

    def _tag(self, tag: str, *, opening: bool) -> None:
        step = 1 if opening else -1
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip + step)
            return
        if tag in _BLOCK_TAGS:
            self.newline(force=tag == "br")
        if tag == "blockquote":
            self._quote = max(0, self._quote + step)
        elif tag == "pre":
            self._pre = max(0, self._pre + step)
        elif tag in ("td", "th") and opening and self._line:
            self._line.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre:
            for i, chunk in enumerate(data.split("\n")):
                if i:
                    self.newline(force=True)
                self._line.append(chunk)
            return
        self._line.append(re.sub(r"\s+", " ", data))

    def newline(self, *, force: bool = False) -> None:
        text = "".join(self._line).strip(" ") if not self._pre else "".join(self._line)
        self._line = []
        if text or force:
            self.lines.append("> " * self._quote + text if text else ">" * self._quote)


def html_to_text(html: str) -> str:
    """HTML → plain text a person (and the commitment extractor) can read."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; this guards pathological input
        return re.sub(r"<[^>]+>", " ", html)
    parser.newline()
    text = "\n".join(line.rstrip() for line in parser.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
