"""Property tests: the MIME parser never crashes on junk and never garbles honest input."""

from __future__ import annotations

import pytest
from dealnudge.connectors.mime import MalformedMessage, decode_bytes, parse_message
from hypothesis import given, settings
from hypothesis import strategies as st

HEADERS = st.sampled_from([b"From: ", b"To: ", b"Subject: ", b"Date: ", b"Content-Type: ",
                           b"Content-Transfer-Encoding: ", b"Message-ID: ", b"References: "])
LINE = st.tuples(HEADERS, st.binary(max_size=60)).map(lambda t: t[0] + t[1] + b"\r\n")


@settings(max_examples=150, deadline=None)
@given(st.lists(LINE, max_size=8), st.binary(max_size=300))
def test_junk_either_parses_or_is_malformed(headers: list[bytes], body: bytes) -> None:
    raw = b"".join(headers) + b"\r\n" + body
    try:
        msg = parse_message(raw, source_id="junk", folder="inbox")
    except MalformedMessage:
        return
    assert msg.sent_at.tzinfo is not None and "@" in msg.sender.email
    assert msg.sender.email == msg.sender.email.lower()


def _frequent(codec: str, leads: range, trails: range) -> list[str]:
    chars = []
    for lead in leads:
        for trail in trails:
            try:
                chars.append(bytes([lead, trail]).decode(codec))
            except UnicodeDecodeError:
                continue
    return chars


# Everyday text: ASCII plus each codec's level-1 (frequent) hanzi and punctuation.
GB_TEXT = st.text(alphabet=st.sampled_from(
    _frequent("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)) + list("，。！？：；abc 12\n")))
BIG5_TEXT = st.text(alphabet=st.sampled_from(
    _frequent("big5", range(0xA4, 0xC6), range(0x40, 0xFF)) + list("，。！？：；abc 12\n")))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["utf-8", "iso-2022-jp", "latin-1"]))
def test_correctly_labelled_text_round_trips(text: str, charset: str) -> None:
    try:
        data = text.encode(charset)
    except UnicodeEncodeError:
        return
    assert decode_bytes(data, charset) == text or (charset == "latin-1" and not data.isascii())


@settings(max_examples=150, deadline=None)
@given(st.one_of(GB_TEXT.map(lambda t: (t, "gb2312")), BIG5_TEXT.map(lambda t: (t, "big5"))))
def test_correctly_labelled_chinese_keeps_its_label(case: tuple[str, str]) -> None:
    text, charset = case
    assert decode_bytes(text.encode(charset), charset) == text


SENTENCES = [
    "我们月底前做决定，到时候通知你。合同法务下周三之前会返回修改意见。",
    "感谢今天抽时间交流试点方案，会议纪要和资料见附件，请查收。",
    "王经理您好，附件是我们的报价单，请查收。我们内部评估一下，回头再联系。",
    "我們下週三安排王總一起討論你們的方案，謝謝！",
    "報價單已經收到了，我們內部評估之後再跟您聯繫。",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_prose_under_the_other_chinese_label_is_recovered(text: str) -> None:
    real, label = ("big5", "gb2312") if "們" in text or "價" in text else ("gb2312", "big5")
    assert decode_bytes(text.encode(real), label) == text
    assert decode_bytes(text.encode(real), real) == text
