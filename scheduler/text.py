"""Outsider text made safe to show on one line: shared by the digest and its links.

Meeting titles, names and evidence are written by people outside the team. Control
and format characters (CR/LF, bidirectional marks, zero-width joiners) become spaces
before such text is shown or placed in a link, so a title can neither break a line
of the e-mail nor reorder what the rep reads around it.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean(value: str | None, limit: int = 300) -> str:
    """Outsider text on one line: control characters (CR/LF included) become spaces."""
    if not value:
        return ""
    chars = (" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in value)
    line = _SPACES.sub(" ", "".join(chars)).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"
