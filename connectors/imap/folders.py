"""Which server folder each mail stream reads: Inbox, the sent folder, configured extras.

The sent folder is found by its RFC 6154 ``\\Sent`` flag in ``LIST`` where the server
has SPECIAL-USE (Dovecot, Fastmail, Exchange 2013+, Tencent Exmail), else by the
names clients use. Chinese providers and Foxmail/Outlook in Chinese create
``已发送`` / ``已发送邮件`` / ``已发邮件`` without any flag; on the wire these are
modified UTF-7 (``&XfJT0ZAB-``), which IMAPClient decodes for us.

Without the flag a name is not enough: Courier-IMAP keeps ``INBOX.Sent`` beside
``INBOX.Sent Items`` when a client switched its habit, and reading the empty one
makes every meeting look un-followed-up. So when several folders are named like a
sent folder, each is asked cheaply (``STATUS`` for its size, then ``UID SEARCH FROM``
the rep) and the one holding the rep's own mail wins; more than one folder holding
mail is warned about, and ``source.sent_folder`` settles it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
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


def _sent_rank(name: str, delimiter: bytes | None) -> int | None:
    """How sent-like a name is (lower is more), or None; Courier's ``INBOX.Sent Items``
    counts even when the server's delimiter is not the dot."""
    leaves = {_norm(_leaf(name, delimiter))}
    head, dot, rest = name.partition(".")
    if dot and head.upper() == "INBOX":
        leaves.add(_norm(rest))
    ranks = [SENT_NAMES.index(leaf) for leaf in leaves if leaf in SENT_NAMES]
    return min(ranks) if ranks else None


def sent_candidates(listing: Sequence[ListEntry]) -> list[str]:
    """Selectable folders named like a sent folder, most usual name first."""
    ranked: list[tuple[int, str]] = []
    for flags, delimiter, name in listing:
        if any(f.lower() == b"\\noselect" for f in flags):
            continue
        rank = _sent_rank(name, delimiter)
        if rank is not None:
            ranked.append((rank, name))
    return [name for _, name in sorted(ranked)]


def find_sent(listing: Sequence[ListEntry]) -> str | None:
    """The sent folder's server name: ``\\Sent`` first, then the most usual name."""
    return choose_sent(listing, probe=None).folder


@dataclass(frozen=True)
class FolderUse:
    """What a candidate holds: all messages, and those From the rep (or an alias)."""

    messages: int
    from_rep: int


Probe = Callable[[str], FolderUse]


@dataclass(frozen=True)
class SentChoice:
    folder: str | None
    reason: str  # a plain sentence for logs and ``check --online``
    ambiguous: bool = False  # more than one candidate holds messages


def choose_sent(listing: Sequence[ListEntry], probe: Probe | None,
                configured: str | None = None) -> SentChoice:
    """``sent_folder`` if set; else ``\\Sent`` (RFC 6154); else, among sent-like names, the
    one holding the rep's own mail (``probe``: a STATUS and a ``SEARCH FROM``)."""
    if configured:
        found = find_named(listing, configured)
        if found is None:
            return SentChoice(None, f"the configured sent_folder {configured!r} does not exist")
        return SentChoice(found, f"{found!r} as configured (sent_folder)")
    for flags, _, name in listing:
        if any(f.lower() == b"\\sent" for f in flags):
            return SentChoice(name, f"{name!r}, flagged \\Sent by the server")
    names = sent_candidates(listing)
    if len(names) <= 1 or probe is None:
        if not names:
            return SentChoice(None, "no folder is flagged \\Sent or named like a sent folder")
        return SentChoice(names[0], f"{names[0]!r}, named like a sent folder")
    return _by_content(names, probe)


def _by_content(names: list[str], probe: Probe) -> SentChoice:
    uses = {name: probe(name) for name in names}
    best = max(names, key=lambda n: (uses[n].from_rep, uses[n].messages, -names.index(n)))
    holding = [n for n in names if uses[n].messages]
    summary = ", ".join(f"{n!r} ({uses[n].messages} messages, {uses[n].from_rep} from the rep)"
                        for n in names)
    reason = f"{best!r}, the sent-like folder holding the most of the rep's own mail ({summary})"
    if len(holding) > 1:
        return SentChoice(best, reason + "; set sent_folder to choose another", ambiguous=True)
    return SentChoice(best, reason)


def same_name(a: str, b: str) -> bool:
    return a == b or _norm(a) == _norm(b)


def find_named(listing: Sequence[ListEntry], wanted: str) -> str | None:
    """A configured folder by exact, then case/width-insensitive name."""
    names = [name for _, _, name in listing]
    if wanted in names:
        return wanted
    for name in names:
        if _norm(name) == _norm(wanted):
            return name
    return None
