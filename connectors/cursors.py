"""The one cursor codec every connector uses.

A connector's cursor is a small JSON object of its own design (a Gmail history id, a
Graph delta link, an IMAP folder's UID map …). This module is the only place that
turns it into the text the store keeps, and back:

* compact JSON, or — when that is long (an IMAP UID map, a folder of files) —
  ``z1:`` followed by URL-safe base64 of the zlib-compressed JSON;
* text that does not decode to a JSON object raises ``CursorExpired``, the same signal
  as a cursor the provider no longer accepts: the pipeline logs it and runs one full
  resync of that stream. A format change is announced by bumping the connector's
  ``cursor_version``, which makes the store ignore older cursors altogether.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping

from dealnudge.connectors.base import CursorExpired

COMPRESS_OVER = 2048  # characters of JSON
_ZIPPED = "z1:"


def encode_cursor(state: Mapping[str, object]) -> str:
    text = json.dumps(dict(state), ensure_ascii=False, separators=(",", ":"))
    if len(text) <= COMPRESS_OVER:
        return text
    packed = zlib.compress(text.encode("utf-8"))
    return _ZIPPED + base64.urlsafe_b64encode(packed).decode("ascii")


def decode_cursor(text: str, what: str) -> dict[str, object]:
    """The state ``encode_cursor`` wrote; ``what`` names the cursor in the error."""
    try:
        if text.startswith(_ZIPPED):
            text = zlib.decompress(base64.urlsafe_b64decode(text[len(_ZIPPED):])).decode("utf-8")
        state = json.loads(text)
    except (ValueError, zlib.error, binascii.Error, UnicodeDecodeError) as err:
        raise CursorExpired(f"the saved {what} cursor cannot be read "
                            f"({type(err).__name__})") from None
    if not isinstance(state, dict):
        raise CursorExpired(f"the saved {what} cursor cannot be read (not an object)")
    return state
