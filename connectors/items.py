"""One bad item never stops a stream: the shared rules for skipping it, and the size caps.

Every connector reads items one at a time (a message, an event, a file, a feed
object). Whatever goes wrong with one of them is caught at that item and becomes a
line in ``SyncPage.skipped`` ("<item id>: <reason>"); the round goes on and the
pipeline logs each line once and counts them in the stream's sync health.

Expected failures (the parsers' ``MalformedMessage`` / ``MalformedCalendar`` and the
mapping errors a provider's odd data causes) read as plain reasons. Any other
exception type is a defect on our side: its reason starts with ``bug:`` and its
traceback goes to the debug log, but the item is still only skipped.

Text that reaches the store is cleaned here too: PostgreSQL refuses NUL characters
in text and both databases refuse lone surrogates, so one such character in a
subject would otherwise fail the whole page.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import TypeVar

from dealnudge.records import Address, CalendarEvent, EmailMessage, Participant

log = logging.getLogger(__name__)

# Size caps (documented in docs/admin-guide.md). An item over a cap is skipped with a
# reason, and its bytes are never read whole: files are checked by size first.
MAX_MESSAGE_BYTES = 32 * 1024 * 1024  # one e-mail, attachments included
MAX_HEADER_BYTES = 64 * 1024  # one header field, unfolded
MAX_BODY_TEXT_BYTES = 2 * 1024 * 1024  # the text part we analyse; the rest is cut off
MAX_MIME_DEPTH = 64  # multipart nesting; deeper parts are ignored
MAX_MIME_PARTS = 2000  # parts looked at per message
MAX_CALENDAR_BYTES = 128 * 1024 * 1024  # one .ics file, feed or CalDAV object

_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
T = TypeVar("T")


class TooLarge(ValueError):
    """An item over one of the size caps; skipped without being read."""


def check_size(size: int, cap: int, what: str) -> None:
    if size > cap:
        raise TooLarge(f"{what} is {size:,} bytes, over the {cap:,}-byte limit; skipped")


def skip_reason(item: str, err: BaseException, expected: tuple[type[BaseException], ...] = ()) -> str:
    """The ``skipped`` line for one item; unexpected exception types are marked as bugs."""
    if isinstance(err, (TooLarge, *expected)):
        return f"{item}: {err}"
    log.debug("unexpected failure on %s", item, exc_info=err)
    text = str(err).splitlines()[0][:300] if str(err) else ""
    return f"{item}: bug: {type(err).__name__}" + (f" {text}" if text else "")


def clean_text(text: str) -> str:
    """Text any database accepts: no NUL, no lone surrogate (replaced by U+FFFD)."""
    if not _BAD_CHARS.search(text):
        return text
    return _BAD_CHARS.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _clean_fields(record: T) -> T:
    changes: dict[str, object] = {}
    for f in dataclasses.fields(record):  # type: ignore[arg-type]
        value = getattr(record, f.name)
        cleaned: object
        if isinstance(value, str):
            cleaned = clean_text(value)
        elif isinstance(value, tuple) and value and isinstance(value[0], str):
            cleaned = tuple(clean_text(v) for v in value)
        elif isinstance(value, tuple) and value and isinstance(value[0], (Address, Participant)):
            cleaned = tuple(_clean_fields(v) for v in value)
        elif isinstance(value, Address):
            cleaned = _clean_fields(value)
        else:
            continue
        if cleaned != value:
            changes[f.name] = cleaned
    return dataclasses.replace(record, **changes) if changes else record  # type: ignore[type-var]


def clean_message(message: EmailMessage) -> EmailMessage:
    return _clean_fields(message)


def clean_event(event: CalendarEvent) -> CalendarEvent:
    return _clean_fields(event)
