"""The one cursor codec, and the one policy for a cursor nobody can read: it expires."""

from __future__ import annotations

import pytest
from dealnudge.connectors.base import CursorExpired, ErrorKind
from dealnudge.connectors.cursors import COMPRESS_OVER, decode_cursor, encode_cursor
from dealnudge.connectors.google.gmail import MailCursor
from dealnudge.connectors.imap.cursor import FolderCursor
from dealnudge.connectors.microsoft.connector import Cursor as GraphCursor


def test_short_state_is_plain_json_and_round_trips() -> None:
    state = {"h": "12345", "page": None, "名": "已发送"}
    text = encode_cursor(state)
    assert text.startswith("{") and "已发送" in text
    assert decode_cursor(text, "test") == state


def test_long_state_is_compressed_and_round_trips() -> None:
    state = {"files": {f"cur/{i:05d}.eml": [f"{i:08x}"] for i in range(500)}}
    text = encode_cursor(state)
    assert text.startswith("z1:") and len(text) < COMPRESS_OVER * 4
    assert decode_cursor(text, "test") == state


@pytest.mark.parametrize("garbage", ["", "not json", "[1, 2]", "z1:!!!", "z1:eJzLSM3JyQcABiwCFQ==",
                                     '"just a string"'])
def test_unreadable_text_is_an_expired_cursor(garbage: str) -> None:
    with pytest.raises(CursorExpired) as caught:
        decode_cursor(garbage, "Gmail")
    assert caught.value.kind is ErrorKind.EXPIRED
    assert "Gmail" in str(caught.value)


@pytest.mark.parametrize("load", [MailCursor.decode, GraphCursor.load, FolderCursor.loads])
@pytest.mark.parametrize("text", ["{broken", '{"unrelated": 1}'])
def test_every_connector_treats_an_unreadable_cursor_as_expired(load: object, text: str) -> None:
    assert callable(load)
    with pytest.raises(CursorExpired):
        load(text)
