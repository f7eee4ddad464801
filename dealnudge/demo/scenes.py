"""The sample team's history as plain records: meetings and e-mails, per account.

Each account plays one situation from docs/method.md (a healthy deal, a missing or late
follow-up, no or only a vague next step, a stalled or a dormant deal, cancelled and
declined meetings, a meeting shared by two reps); ``dealnudge.demo.files`` then renders
the records as .ics and .eml files. Times are placed in the writer's own zone at
business hours, counted back from *now*, so the same story works for any instant.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dealnudge.demo import text as tx
from dealnudge.demo.text import Person, Say


@dataclass(frozen=True)
class Attendee:
    person: Person
    partstat: str = "ACCEPTED"  # ACCEPTED | DECLINED | TENTATIVE | NEEDS-ACTION
    resource: bool = False


@dataclass
class Meeting:
    uid: str
    title: str
    start: dt.datetime
    end: dt.datetime
    organizer: Person
    attendees: list[Attendee]
    calendars: list[str]  # rep e-mails whose calendar holds a copy
    status: str = "CONFIRMED"
    stamp: dt.datetime | None = None  # last change (DTSTAMP / LAST-MODIFIED)
    location: str = ""
    description: str = ""
    rrule: str = ""
    exdates: list[dt.datetime] = field(default_factory=list)
    all_day: bool = False


@dataclass
class Mail:
    sender: Person
    to: list[Person]
    subject: str
    body: str
    sent_at: dt.datetime
    message_id: str
    mailboxes: list[str]  # rep e-mails whose mailbox holds a copy
    cc: list[Person] = field(default_factory=list)
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    auto_reply: bool = False
    html: bool = False
    charset: str = "utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rep:
    person: Person
    zone: ZoneInfo
    company: str = "Northwind"


@dataclass
class Account:
    company: str
    contacts: list[Person]
    zone: ZoneInfo
    reps: list[Rep]
    free_mail: bool = False


@dataclass
class Story:
    meetings: list[Meeting] = field(default_factory=list)
    mails: list[Mail] = field(default_factory=list)


class Scene:
    """Builds one account's meetings and threads; every random choice comes from ``rng``."""

    def __init__(self, story: Story, account: Account, now: dt.datetime, rng: random.Random,
                 rooms: dict[str, Person]) -> None:
        self.story, self.account, self.now, self.rng, self.rooms = story, account, now, rng, rooms
        self.rep = account.reps[0]
        self.customer = account.contacts[0]
        self.lang: tx.Lang = self.customer.lang
        self.topic = tx.pick(rng, tx.TOPICS[self.lang])

    # --- time --------------------------------------------------------------------------

    def at(self, days_ago: float, hour: int, minute: int = 0, zone: ZoneInfo | None = None
           ) -> dt.datetime:
        """``hour:minute`` local time ``days_ago`` days before now's local date (weekdays only)."""
        zone = zone or self.rep.zone
        day = self.now.astimezone(zone).date() - dt.timedelta(days=round(days_ago))
        step = -1 if days_ago >= 0 else 1
        while day.weekday() >= 5:
            day += dt.timedelta(days=step)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)

    def later(self, base: dt.datetime, hours: float, zone: ZoneInfo) -> dt.datetime:
        """``hours`` after ``base``, in ``zone``, never after now."""
        moment = (base + dt.timedelta(hours=hours)).astimezone(zone)
        return min(moment, (self.now - dt.timedelta(minutes=5)).astimezone(zone))

    # --- meetings ----------------------------------------------------------------------

    def meeting(self, start: dt.datetime, *, minutes: int = 60, by_customer: bool = False,
                answer: str = "ACCEPTED", status: str = "CONFIRMED", room: bool = False,
                reps: list[Rep] | None = None, rep_answer: str = "ACCEPTED",
                stamp: dt.datetime | None = None, only_contact: bool = False) -> Meeting:
        reps = reps or [self.rep]
        organizer = self.customer if by_customer else reps[0].person
        people = [Attendee(r.person, "ACCEPTED" if r.person == organizer else rep_answer)
                  for r in reps]
        invited = 1 + self.rng.randrange(len(self.account.contacts))
        people += [Attendee(c, "ACCEPTED" if c == organizer else answer)
                   for c in self.account.contacts[:1 if only_contact else invited]]
        location = ""
        if room:
            chosen = self.rooms[self.rng.choice(sorted(self.rooms))]
            people.append(Attendee(chosen, "ACCEPTED", resource=True))
            location = chosen.name
        title = tx.pick(self.rng, tx.MEETING_TITLES[self.lang]).format(c=self.account.company,
                                                                       t=self.topic)
        meeting = Meeting(
            uid=self.uid(title, start), title=title, start=start,
            end=start + dt.timedelta(minutes=minutes), organizer=organizer, attendees=people,
            calendars=[r.person.email for r in reps], status=status,
            stamp=min(stamp or start - dt.timedelta(days=3), self.now), location=location,
            description=f"{tx.PRODUCTS[self.lang]} — {self.topic}")
        self.story.meetings.append(meeting)
        return meeting

    def uid(self, *parts: object) -> str:
        digest = hashlib.sha1("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()[:20]
        return f"{digest}@northwind.example"

    # --- mail --------------------------------------------------------------------------

    def mail(self, sender: Person, to: list[Person], sent_at: dt.datetime, body: str, *,
             subject: str = "", reply_to: Mail | None = None, cc: list[Person] | None = None,
             auto_reply: bool = False) -> Mail:
        from_customer = sender not in [r.person for r in self.account.reps]
        if reply_to is not None:
            prefix = "回复：" if sender.lang == "zh" and self.rng.random() < 0.5 else "Re: "
            subject = prefix + reply_to.subject.removeprefix("Re: ").removeprefix("回复：")
            body = body + quote(reply_to, sender.lang, self.rng)
        people = [sender, *to, *(cc or [])]
        mail = Mail(
            sender=sender, to=to, cc=cc or [], subject=subject, body=body, sent_at=sent_at,
            message_id=self.uid("mail", len(self.story.mails), sender.email, sent_at,
                                subject).replace(
                "@northwind.example", "@" + sender.email.split("@")[1]),
            mailboxes=[r.person.email for r in self.account.reps if r.person in people],
            in_reply_to=reply_to.message_id if reply_to else None,
            references=([*reply_to.references, reply_to.message_id]) if reply_to else [],
            auto_reply=auto_reply,
            html=from_customer and sender.lang == "en" and self.rng.random() < 0.35,
            charset="gb18030" if from_customer and sender.lang == "zh" and self.rng.random() < 0.5
            else "utf-8")
        self.story.mails.append(mail)
        return mail

    def say(self, sent: dt.datetime, day: dt.date | None = None) -> Say:
        return Say(customer=self.customer, rep=self.rep.person, company=self.account.company,
                   sent=sent.date(), day=day, topic=self.topic)

    def write(self, by_rep: bool, sent_at: dt.datetime, *sentences: str, subject: str = "",
              reply_to: Mail | None = None, cc: list[Person] | None = None) -> Mail:
        sender = self.rep.person if by_rep else self.customer
        to = [self.customer] if by_rep else [self.rep.person]
        company = self.rep.company if by_rep else ("" if self.account.free_mail
                                                    else self.account.company)
        body = tx.greeting(to[0], sender.lang) + "\n".join(sentences) + tx.signature(sender, company)
        return self.mail(sender, to, sent_at, body, subject=subject, reply_to=reply_to, cc=cc)

    def customer_time(self, base: dt.datetime, hours: float) -> dt.datetime:
        return self.later(base, hours, self.account.zone)

    def rep_time(self, base: dt.datetime, hours: float) -> dt.datetime:
        return self.later(base, hours, self.rep.zone)

    def subject(self) -> str:
        return tx.pick(self.rng, {"en": ("Next steps on {t}", "Northwind x {c}: {t}", "Follow-up: {t}"),
                                  "zh": ("关于{t}", "{c}项目：{t}", "{t}跟进")}[self.lang]
                       ).format(t=self.topic, c=self.account.company)


def quote(original: Mail, lang: str, rng: random.Random) -> str:
    """The quoted earlier message, as Gmail or Foxmail writes it."""
    when = original.sent_at
    if lang == "zh" and rng.random() < 0.7:
        weekday = tx.ZH_WEEKDAYS[when.weekday()]
        half = "上午" if when.hour < 12 else "下午"
        hour = when.hour if when.hour <= 12 else when.hour - 12
        return ("\n\n------------------ 原始邮件 ------------------\n"
                f"发件人: \"{original.sender.name}\"<{original.sender.email}>;\n"
                f"发送时间: {when.year}年{when.month}月{when.day}日(星期{weekday}) {half}{hour}:{when:%M}\n"
                f"收件人: \"{original.to[0].name}\"<{original.to[0].email}>;\n"
                f"主题: {original.subject}\n\n{original.body}")
    stamp = (f"{when:%a}, {when:%b} {when.day}, {when.year} at {when.hour % 12 or 12}:{when:%M} "
             f"{'AM' if when.hour < 12 else 'PM'}")
    quoted = "\n".join("> " + line if line else ">" for line in original.body.splitlines())
    return f"\n\nOn {stamp} {original.sender.name} <{original.sender.email}> wrote:\n{quoted}\n"
