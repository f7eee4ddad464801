"""The per-folder IMAP cursor: what one round must remember to make the next one cheap.

A folder is identified by its ``UIDVALIDITY``; within it, UIDs only grow, so
"everything above ``last_uid``" is the incremental query. ``uidnext``, ``exists``
and ``highestmodseq`` are the folder's state seen at the start of the last round:
when all three (or, without CONDSTORE, the first two) are unchanged the folder is
unchanged and the round costs one ``EXAMINE``.

IMAP offers no way to ask "what was the Message-ID of the UID that vanished", so
the cursor keeps a compact map UID → the record's key (12 hex digits) for the
messages it reported. That map is how expunged messages become ``deleted_ids``.
It costs about 13 bytes per message (a 90-day window of a busy rep: a few
thousand messages, tens of kilobytes). It is stored as UID ranges plus one string
of fixed-width keys, because JSON objects with 20,000 keys are slow and large.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dealnudge.connectors.base import CursorExpired
from dealnudge.connectors.cursors import decode_cursor, encode_cursor

KEY_WIDTH = 12  # hex digits of the Message-ID digest kept per UID


@dataclass
class FolderCursor:
    folder: str  # the server's folder name when the cursor was written
    uidvalidity: int
    last_uid: int = 0  # highest UID whose message is stored
    uidnext: int | None = None  # None also when the server does not report UIDNEXT
    exists: int | None = None  # None until the first round completed (mid-backfill cursor)
    highestmodseq: int | None = None
    since: str | None = None  # the window start (ISO date) the folder was read with
    keys: dict[int, str] = field(default_factory=dict)  # UID → record key digest

    @property
    def complete(self) -> bool:
        return self.exists is not None

    def dumps(self) -> str:
        uids = sorted(self.keys)
        return encode_cursor({
            "folder": self.folder, "uidvalidity": self.uidvalidity, "last_uid": self.last_uid,
            "uidnext": self.uidnext, "exists": self.exists, "highestmodseq": self.highestmodseq,
            "since": self.since, "uids": uid_set(uids),
            "keys": "".join(self.keys[u] for u in uids),
        })

    @classmethod
    def loads(cls, text: str) -> FolderCursor:
        raw = decode_cursor(text, "IMAP")
        try:
            uids = parse_uid_set(str(raw["uids"]))
            keys = str(raw["keys"])
            if len(keys) != KEY_WIDTH * len(uids):
                raise ValueError("key map length does not match the UID set")
            return cls(
                folder=str(raw["folder"]), uidvalidity=int(str(raw["uidvalidity"])),
                last_uid=int(str(raw["last_uid"])), uidnext=_opt_int(raw.get("uidnext")),
                exists=_opt_int(raw.get("exists")),
                highestmodseq=_opt_int(raw.get("highestmodseq")),
                since=None if raw.get("since") is None else str(raw["since"]),
                keys={u: keys[i * KEY_WIDTH:(i + 1) * KEY_WIDTH] for i, u in enumerate(uids)})
        except (ValueError, KeyError, TypeError) as err:
            raise CursorExpired(f"the saved IMAP cursor cannot be read ({err})") from None


def _opt_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def uid_set(uids: list[int]) -> str:
    """Sorted UIDs as an IMAP sequence set: ``[1, 2, 3, 7]`` → ``"1:3,7"``."""
    parts: list[str] = []
    i = 0
    while i < len(uids):
        j = i
        while j + 1 < len(uids) and uids[j + 1] == uids[j] + 1:
            j += 1
        parts.append(str(uids[i]) if i == j else f"{uids[i]}:{uids[j]}")
        i = j + 1
    return ",".join(parts)


def parse_uid_set(text: str) -> list[int]:
    out: list[int] = []
    for part in filter(None, text.split(",")):
        low, _, high = part.partition(":")
        out.extend(range(int(low), int(high or low) + 1))
    return out
