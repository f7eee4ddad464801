"""Which server folder each mail stream reads: Inbox, the sent folder, configured extras.

The sent folder is found by its RFC 6154 ``\\Sent`` flag in ``LIST`` where the server
has SPECIAL-USE (Dovecot, Fastmail, Exchange 2013+, Tencent Exmail), else by the
names clients use. Chinese providers and Foxmail/Outlook in Chinese create
``已发送`` / ``已发送邮件`` / ``已发邮件`` without any flag; on the wire these are
modified UTF-7 (``&XfJT0ZAB-``), which IMAPClient decodes for us.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from dealnudge.records import Folder

Role = Literal["inbox", "sent", "extra"]

SENT_NAMES: tuple[str, ...] = (
    "sent", "sent messages", "sent items", "sent mail", "sent-mail", "sentmail",
    "已发送", "已发送邮件", "已发邮件", "已寄出邮件", "寄件備份", "寄件备份", "已傳送郵件",
    "gesendet", "gesendete elemente", "envoyés", "éléments envoyés",
)


@dataclass(frozen=True)
class FolderSpec:
    """One mail stream: its role, the stream/record label and the configured name."""

    role: Role
    label: str  # stream suffix and record-key prefix: "inbox", "sent", or the folder name
    configured: str | None = None  # extra folders: the name the admin wrote

    @property
    def stream_name(self) -> str:
        return f"mail:{self.label}"

    @property
    def record_folder(self) -> Folder:
        return "inbox" if self.role == "inbox" else "sent" if self.role == "sent" else "other"


ListEntry = tuple[tuple[bytes, ...], bytes | None, str]


def _norm(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _leaf(name: str, delimiter: bytes | None) -> str:
    sep = delimiter.decode() if delimiter else None
    return name.rsplit(sep, 1)[-1] if sep else name


def find_sent(listing: list[ListEntry]) -> str | None:
    """The sent folder's server name: ``\\Sent`` first, then well-known names."""
    for flags, _, name in listing:
        if any(f.lower() == b"\\sent" for f in flags):
            return name
    ranked: list[tuple[int, str]] = []
    for flags, delimiter, name in listing:
        if any(f.lower() == b"\\noselect" for f in flags):
            continue
        leaf = _norm(_leaf(name, delimiter))
        if leaf in SENT_NAMES:
            ranked.append((SENT_NAMES.index(leaf), name))
    return min(ranked)[1] if ranked else None


def find_named(listing: list[ListEntry], wanted: str) -> str | None:
    """A configured folder by exact, then case/width-insensitive name."""
    names = [name for _, _, name in listing]
    if wanted in names:
        return wanted
    for name in names:
        if _norm(name) == _norm(wanted):
            return name
    return None
