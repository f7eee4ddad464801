"""Record builders for the store tests: realistic values in several zones and languages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dealnudge.records import Address, CalendarEvent, EmailMessage, Finding, Participant

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
PLUS8 = dt.timezone(dt.timedelta(hours=8))
MINUS5 = dt.timezone(dt.timedelta(hours=-5))
KOLKATA = dt.timezone(dt.timedelta(hours=5, minutes=30))

REP = "li.wei@northwind.example"
OTHER_REP = "sarah.chen@northwind.example"
CALENDAR = "google:calendar"
INBOX = "google:mail:inbox"
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def event(source_id: str = "evt-1", *, start: dt.datetime | None = None,
          title: str = "方案评审 / Proposal review", status: str = "confirmed",
          participants: tuple[Participant, ...] | None = None) -> CalendarEvent:
    begin = start or dt.datetime(2026, 3, 5, 14, 0, tzinfo=SHANGHAI)
    people = participants if participants is not None else (
        Participant(REP, "李伟", "accepted", is_organizer=True, is_self=True),
        Participant("wang.zong@acme.cn", "王总", "accepted"),
        Participant("room-3@resource.calendar.google.com", "3号会议室", "accepted",
                    is_resource=True),
    )
    return CalendarEvent(
        source_id=source_id, uid=f"{source_id}@acme.cn", title=title, start=begin,
        end=begin + dt.timedelta(hours=1), status=status,  # type: ignore[arg-type]
        organizer=REP, participants=people,
        updated=dt.datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        description="讨论试用计划。\nAgenda: pilot scope", location="上海市浦东新区",
        web_link="https://www.google.com/calendar/event?eid=ZXYx",
    )


def message(source_id: str = "msg-1", *, sent_at: dt.datetime | None = None,
            body: str = "王总下周三和我们一起讨论方案。", folder: str = "inbox") -> EmailMessage:
    return EmailMessage(
        source_id=source_id, message_id=f"{source_id}@mail.acme.cn",
        sent_at=sent_at or dt.datetime(2026, 3, 5, 18, 0, tzinfo=PLUS8),
        sender=Address("wang.zong@acme.cn", "王总"),
        to=(Address(REP, "李伟"),), cc=(Address("dana@acme.cn", "Dana"), Address("x@acme.cn")),
        subject="回复：方案评审", body_text=body, folder=folder,  # type: ignore[arg-type]
        in_reply_to="orig@northwind.example",
        references=("root@northwind.example", "orig@northwind.example"),
        thread_id="thread-9", attachments=("报价单.pdf",),
        web_link="https://outlook.office365.com/owa/?ItemID=AAk%2Bx",
    )


def finding(account: str = "acme.cn", *, kind: str = "missing_follow_up",
            rep: str = REP, detail: str = "No follow-up after the meeting.",
            meeting: str | None = "evt-1@acme.cn") -> Finding:
    start = dt.datetime(2026, 3, 5, 14, 0, tzinfo=SHANGHAI)
    return Finding(
        rep=rep, kind=kind, account=account, meeting_uid=meeting,  # type: ignore[arg-type]
        since=dt.datetime(2026, 3, 6, 15, 0, tzinfo=SHANGHAI), detail=detail,
        meeting_key=None if meeting is None else f"{meeting}/{start.isoformat()}",
        meeting_title="方案评审", meeting_start=start if meeting else None,
        evidence="咱们找个时间试用一下吧", seller_touches=2,
        last_customer_action=dt.datetime(2026, 2, 20, 10, 0, tzinfo=NEW_YORK),
    )
