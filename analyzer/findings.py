"""The analyzer's output: one ``Finding`` per open problem, with a stable identity.

A finding's identity is (rep, kind, account, meeting key), so it is reported once,
stays open while its condition holds and closes when it clears; nudges refer to it
by ``key``. ``detail`` is an English sentence for reports; nudges are rendered in the
rep's language from the structured fields, never by translating ``detail``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Literal

FindingKind = Literal["missing_follow_up", "no_next_step", "vague_next_step", "stalled_deal"]
FINDING_KINDS: tuple[FindingKind, ...] = (
    "missing_follow_up", "no_next_step", "vague_next_step", "stalled_deal")
KIND_LABELS: dict[FindingKind, str] = {  # short English labels for reports and summaries
    "missing_follow_up": "follow-up owed", "no_next_step": "no next step",
    "vague_next_step": "vague next step", "stalled_deal": "stalled deal"}


@dataclass(frozen=True)
class Finding:
    rep: str
    kind: FindingKind
    account: str
    meeting_uid: str | None  # iCalendar UID; None for stalled deals
    since: dt.datetime  # when the problem began (meeting end + window, or the last customer action)
    detail: str
    meeting_key: str | None = None  # UID plus occurrence start: tells recurring instances apart
    meeting_title: str | None = None
    meeting_start: dt.datetime | None = None
    evidence: str | None = None  # the vague sentence, or the last customer action
    last_customer_action: dt.datetime | None = None
    seller_touches: int | None = None

    @property
    def key(self) -> str:
        raw = "\x1f".join((self.rep, self.kind, self.account, self.meeting_key or ""))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def to_json(self) -> dict[str, object]:
        def iso(value: dt.datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "rep": self.rep, "kind": self.kind, "account": self.account,
            "meeting_uid": self.meeting_uid, "since": iso(self.since), "detail": self.detail,
            "id": self.key, "meeting_title": self.meeting_title,
            "meeting_start": iso(self.meeting_start), "evidence": self.evidence,
            "last_customer_action": iso(self.last_customer_action),
            "seller_touches": self.seller_touches,
        }
