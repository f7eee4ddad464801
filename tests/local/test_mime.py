"""MIME parsing quirks, one small fixture file each (tests/fixtures/local/mail)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dealnudge.connectors.items import clean_message
from dealnudge.connectors.mime import (
    MalformedMessage,
    _clean,
    decode_bytes,
    html_to_text,
    parse_message,
)

from dealnudge.records import Address, EmailMessage

MAIL = Path(__file__).parent.parent / "fixtures" / "local" / "mail"


def parse(name: str, **kw: object) -> EmailMessage:
    return parse_message((MAIL / name).read_bytes(), source_id=name, folder="inbox", **kw)  # type: ignore[arg-type]


def test_gbk_body_labelled_gb2312_with_gb18030_only_character() -> None:
    msg = parse("gbk_body.eml")
    assert "我下周三安排我们王总一起讨论你们的方案。" in msg.body_text
    assert "𠀀 扩展字符" in msg.body_text  # outside GBK: only GB18030 decodes it
    assert msg.subject == "关于试用计划"
    assert msg.sender.email == "wang.jianguo@acme-tech.cn" and msg.sender.name == "王建国"
    assert [(a.email, a.name) for a in msg.cc] == [("zhao@acme-tech.cn", "赵敏"), ("bob@acme-tech.cn", "")]
    assert msg.to[0].name == "Li Wei"


def test_ids_have_no_angle_brackets_and_date_keeps_offset() -> None:
    msg = parse("gbk_body.eml")
    assert msg.message_id == "20260303101500.abc@acme-tech.cn"
    assert msg.in_reply_to == "prev-1@northwind.example"
    assert msg.references == ("root-1@northwind.example", "prev-1@northwind.example")
    assert msg.sent_at == dt.datetime(2026, 3, 3, 2, 15, tzinfo=dt.UTC)
    assert msg.sent_at.utcoffset() == dt.timedelta(hours=8)


def test_raw_8bit_gbk_headers() -> None:
    msg = parse("raw8bit_header.eml")
    assert msg.subject == "回复：报价单"
    assert msg.sender == msg.sender.__class__("zhang.wei@163.com", "张伟")
    assert msg.body_text == "我们内部评估一下。"


def test_big5_body_mislabelled_as_gb2312() -> None:
    msg = parse("big5_mislabelled.eml")
    assert msg.body_text == "我們下週三安排王總一起討論你們的方案。謝謝！"
    assert msg.subject == "會議確認"


def test_iso_2022_jp() -> None:
    msg = parse("iso2022jp.eml")
    assert msg.body_text == "来週の火曜日に部長と一緒に伺います。"
    assert msg.subject == "来週の会議" and msg.sender.name == "山田太郎"


def test_latin1_quoted_printable() -> None:
    msg = parse("latin1_qp.eml")
    assert msg.body_text == "Grüße, we'll get back to you. Café crème."
    assert msg.sender.name == "René Müller" and msg.sender.email == "rene.muller@example.de"
    assert msg.subject == "Réunion prévue"


def test_utf8_text_labelled_latin1_is_sniffed() -> None:
    assert parse("utf8_labelled_latin1.eml").body_text == "Let's meet at the café — 下周三见。"


def test_html_only_body_is_readable_text() -> None:
    body = parse("html_only.eml").body_text
    assert "alert" not in body and "color:red" not in body and "ignored title" not in body
    lines = body.splitlines()
    assert lines[0] == "Hi Li,"
    assert ("I've booked our CFO for a pricing review with you on Thursday, March 12. See you & thanks!"
            in lines)
    assert "Dana" in lines and "VP Ops" in lines
    assert "On Mon, Mar 2, 2026 at 9:00 AM Li Wei <li.wei@northwind.example> wrote:" in lines
    assert "> Could you sign by March 20?" in lines  # quoted text stays recognisably quoted


def test_alternative_prefers_plain_and_attachments_are_named_not_read() -> None:
    msg = parse("alternative_attachment.eml")
    assert msg.body_text == "Plain version: quote attached."
    assert msg.attachments == ("quote.pdf", "报价单.txt")


@pytest.mark.parametrize("name", sorted(p.name for p in (MAIL / "auto").glob("*.eml")
                                        if p.name != "not_auto_submitted_no.eml"))
def test_auto_replies_are_flagged(name: str) -> None:
    assert parse(f"auto/{name}").is_auto_reply


def test_auto_submitted_no_is_a_person() -> None:
    assert not parse("auto/not_auto_submitted_no.eml").is_auto_reply
    assert not parse("gbk_body.eml").is_auto_reply


def test_missing_from_or_date_is_malformed() -> None:
    with pytest.raises(MalformedMessage, match="From"):
        parse("bad/no_from.eml")
    with pytest.raises(MalformedMessage, match="Date"):
        parse("bad/no_date.eml")
    with pytest.raises(MalformedMessage):
        parse_message(b"", source_id="x", folder="inbox")


def test_first_received_header_replaces_a_missing_date_and_message_id_is_synthesised() -> None:
    msg = parse("received_date.eml")
    assert msg.sent_at == dt.datetime(2026, 3, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    again = parse("received_date.eml")
    assert msg.message_id == again.message_id and "@" in msg.message_id
    other = parse_message((MAIL / "received_date.eml").read_bytes(), source_id="other", folder="inbox")
    assert other.message_id != msg.message_id


def test_date_without_zone_uses_default_tz() -> None:
    raw = b"From: a@b.example\r\nDate: Thu, 5 Mar 2026 10:00:00\r\n\r\nhi\r\n"
    msg = parse_message(raw, source_id="x", folder="sent", default_tz=ZoneInfo("Asia/Shanghai"))
    assert msg.sent_at == dt.datetime(2026, 3, 5, 2, 0, tzinfo=dt.UTC)
    assert msg.folder == "sent"


def test_undecodable_bytes_never_raise() -> None:
    junk = bytes(range(0x80, 0x100)) * 3
    for label in (None, "utf-8", "x-unknown-8bit", "gb2312", "big5", "us-ascii"):
        assert isinstance(decode_bytes(junk, label), str)


def test_broken_headers_do_not_crash() -> None:
    raw = (b"From: =?utf-8?B?broken?= <a@b.example>, ,,\r\nTo: <<>>, @@, \"unterminated\r\n"
           b"Subject: =?x-bogus?Q?hi?=\r\nDate: Thu, 5 Mar 2026 10:00:00 +0000\r\n"
           b"Content-Type: text/plain; charset=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@notbase64\r\n")
    msg = parse_message(raw, source_id="x", folder="inbox")
    assert msg.sender.email == "a@b.example"
    assert isinstance(msg.body_text, str)


def test_html_to_text_handles_pre_and_tables() -> None:
    text = html_to_text("<table><tr><td>A</td><td>B</td></tr></table><pre>x\n  y</pre>&lt;ok&gt;")
    assert text.splitlines() == ["A B", "x", "  y", "<ok>"]


def _dirty(kind: object) -> object | None:
    """A value of the annotated type holding a character no database accepts."""
    text = str(kind)
    if text.startswith("tuple[") and "Address" in text:
        return (Address("p@x.example", "name\ud800"),)
    if "Address" in text:
        return Address("p@x.example", "na\x00me")
    if "tuple[str" in text:
        return ("ok", "id\x00")
    if "str" in text or "Folder" in text:
        return "text\x00\ud800"
    return None


_HINTS = typing.get_type_hints(EmailMessage)
_TEXT_FIELDS = [f.name for f in dataclasses.fields(EmailMessage) if _dirty(_HINTS[f.name]) is not None]


def test_every_text_field_is_covered_by_the_next_test() -> None:
    assert {"subject", "body_text", "to", "cc", "sender", "references", "attachments",
            "web_link"} <= set(_TEXT_FIELDS)


@pytest.mark.parametrize("name", _TEXT_FIELDS)
def test_the_cleaning_shortcut_sees_every_text_field(name: str) -> None:
    """The parser skips ``clean_message`` when no text needs it: a field it forgot to
    look at (a text field added later) would let a NUL or a lone surrogate through."""
    base = EmailMessage(source_id="s", message_id="m",
                        sent_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
                        sender=Address("a@x.example"))
    changes: dict[str, Any] = {name: _dirty(_HINTS[name])}
    dirty = dataclasses.replace(base, **changes)
    assert _clean(dirty) == clean_message(dirty) != dirty
    assert _clean(base) is base
