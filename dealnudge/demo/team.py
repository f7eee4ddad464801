"""A deterministic bilingual sample team (Northwind) for ``dealnudge demo`` and benchmarks.

``write_demo_team`` writes, under ``out_dir``, each rep's calendar (.ics) and mail
(Maildir or .eml directory) in ``data/<rep>/`` plus a ``dealnudge.yaml`` that reads
them with the local connector. Four reps in four zones (Shanghai, New York with its
DST change two days before ``DEMO_NOW``, London, Singapore) speak Chinese or
English with ≥ 20 customer accounts, free-mail buyers among them, over two months
of meetings and threads that play every situation of docs/method.md (see
``dealnudge.demo.plays``). Same seed, same ``now``, same scale → the same bytes.
``scale`` multiplies the accounts for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from dealnudge.demo import text as tx
from dealnudge.demo.files import (
    CalendarLayout,
    MailLayout,
    render_mail,
    write_calendar,
    write_mailbox,
)
from dealnudge.demo.plays import PLAYS, shared
from dealnudge.demo.scenes import Account, Attendee, Meeting, Rep, Scene, Story
from dealnudge.demo.text import Person

# Tuesday 08:30 in Shanghai and Singapore, 00:30 in London, Monday 20:30 in New York
# (on daylight time since Sunday 8 March).
DEMO_NOW = dt.datetime(2026, 3, 10, 0, 30, tzinfo=dt.UTC)
DOMAIN = "northwind.example"
FREE_MAIL = {"zh": ("qq.com", "163.com", "126.com"), "en": ("gmail.com", "outlook.com")}


@dataclass(frozen=True)
class RepPlan:
    slug: str
    name: str
    zone: str
    lang: tx.Lang
    calendar: CalendarLayout
    mail: MailLayout
    customer_zones: tuple[str, ...]


TEAM = (
    RepPlan("li.wei", "李伟", "Asia/Shanghai", "zh", "file", "maildir", ("Asia/Shanghai",)),
    RepPlan("sarah.chen", "Sarah Chen", "America/New_York", "en", "dir", "eml",
            ("America/New_York", "America/Chicago")),
    RepPlan("tom.baker", "Tom Baker", "Europe/London", "en", "windows-file", "maildir",
            ("Europe/London", "Europe/Berlin")),
    RepPlan("zhang.min", "张敏", "Asia/Singapore", "zh", "dir", "eml",
            ("Asia/Shanghai", "Asia/Singapore")),
)
MANAGER = "zhang.min@northwind.example"


def write_demo_team(out_dir: Path, *, now: dt.datetime, seed: int = 7, scale: int = 1) -> Path:
    """Writes the sample team under ``out_dir``; returns the path of its dealnudge.yaml."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if scale < 1:
        raise ValueError("scale must be at least 1")
    rng = random.Random(seed)
    reps = {p.slug: Rep(Person(f"{p.slug}@{DOMAIN}", p.name, p.lang), ZoneInfo(p.zone)) for p in TEAM}
    story = Story()
    rooms = {n: Person(f"{slug}@{DOMAIN}", n, "en") for n, slug in
             (("Room 5F Everest", "room-5f-everest"), ("会议室 3A", "room-3a"))}
    for account, play in _accounts(rng, reps, scale):
        play(Scene(story, account, now, random.Random(rng.getrandbits(64)), rooms))
    for plan in TEAM:
        _internal(story, reps, plan, now, rooms)
    _write(out_dir, story, reps, now)
    config = out_dir / "dealnudge.yaml"
    config.write_text(_config_yaml(), encoding="utf-8")
    return config


def _accounts(rng: random.Random, reps: dict[str, Rep], scale: int
              ) -> list[tuple[Account, Callable[[Scene], None]]]:
    """(account, play) pairs: every situation once per rep and scale step, plus shared deals."""
    plays = list(PLAYS.items())
    used: dict[str, int] = defaultdict(int)
    out: list[tuple[Account, Callable[[Scene], None]]] = []
    for step in range(scale):
        for plan in TEAM:
            for i, (name, play) in enumerate(plays):
                lang: tx.Lang = "en" if plan.slug == "zhang.min" and i % 4 == 3 else plan.lang
                zones = plan.customer_zones if lang == plan.lang else ("Asia/Singapore",)
                free = name in ("no_next_step", "stalled") and (i + step) % 2 == 1
                account = _account(rng, lang, [reps[plan.slug]], ZoneInfo(zones[i % len(zones)]),
                                   free, used)
                out.append((account, play))
        pairs = (("li.wei", "zhang.min"), ("sarah.chen", "tom.baker"))
        for first, second in pairs:
            lang = reps[first].person.lang
            account = _account(rng, lang, [reps[first], reps[second]],
                               reps[first].zone, False, used)
            out.append((account, shared))
    return out


def _account(rng: random.Random, lang: tx.Lang, reps: list[Rep], zone: ZoneInfo, free: bool,
             used: dict[str, int]) -> Account:
    if free:
        person = _person(rng, lang, rng.choice(FREE_MAIL[lang]), used, personal=True)
        company = f"{person.name}（个人）" if lang == "zh" else f"{person.name} (independent)"
        return Account(company, [person], zone, reps, free_mail=True)
    companies = tx.ZH_COMPANIES if lang == "zh" else tx.EN_COMPANIES
    index = used[f"company-{lang}"]
    used[f"company-{lang}"] += 1
    name, slug = companies[index % len(companies)]
    if index >= len(companies):
        round_ = index // len(companies) + 1
        name, slug = f"{name} {round_}", f"{slug}{round_}"
    domain = f"{slug}.example"
    contacts = [_person(rng, lang, domain, used) for _ in range(1 + rng.randrange(3))]
    return Account(name, contacts, zone, reps)


def _person(rng: random.Random, lang: tx.Lang, domain: str, used: dict[str, int],
            personal: bool = False) -> Person:
    if lang == "zh":
        (surname, s_py), (given, g_py) = rng.choice(tx.ZH_SURNAMES), rng.choice(tx.ZH_GIVEN)
        name, local, title = surname + given, f"{s_py}.{g_py}", f"{surname}总"
        if personal:
            local = f"{s_py}{g_py}{rng.randint(1975, 2001)}"
    else:
        first, last = rng.choice(tx.EN_FIRST), rng.choice(tx.EN_LAST)
        name, local, title = f"{first} {last}", f"{first}.{last}".lower(), "our CFO"
        if personal:
            local = f"{first}.{last}.{rng.randint(10, 99)}".lower()
    used[f"{local}@{domain}"] += 1
    count = used[f"{local}@{domain}"]
    email = f"{local}@{domain}" if count == 1 else f"{local}{count}@{domain}"
    return Person(email, name, lang, title)


def _internal(story: Story, reps: dict[str, Rep], plan: RepPlan, now: dt.datetime,
              rooms: dict[str, Person]) -> None:
    """Meetings with no customer: a weekly team sync (one week skipped) and a trade fair."""
    rep = reps[plan.slug]
    local = now.astimezone(rep.zone).date()
    monday = local - dt.timedelta(days=local.weekday() + 70)
    start = dt.datetime.combine(monday, dt.time(9, 30), tzinfo=rep.zone)
    colleagues = [Attendee(r.person) for r in reps.values() if r is not rep]
    room = Attendee(rooms[min(rooms)], resource=True)
    title = "团队周会" if plan.lang == "zh" else "Team pipeline sync"
    story.meetings.append(Meeting(
        uid=f"weekly-{plan.slug}@{DOMAIN}", title=title, start=start,
        end=start + dt.timedelta(minutes=45), organizer=rep.person,
        attendees=[Attendee(rep.person), *colleagues, room], calendars=[rep.person.email],
        stamp=start - dt.timedelta(days=1), rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=14",
        exdates=[start + dt.timedelta(weeks=4)]))
    fair = monday + dt.timedelta(days=23)
    story.meetings.append(Meeting(
        uid=f"fair-{plan.slug}@{DOMAIN}", title="行业展会" if plan.lang == "zh" else "Trade fair",
        start=dt.datetime.combine(fair, dt.time(0), tzinfo=rep.zone),
        end=dt.datetime.combine(fair + dt.timedelta(days=2), dt.time(0), tzinfo=rep.zone),
        organizer=rep.person, attendees=[], calendars=[rep.person.email], all_day=True,
        stamp=start))


def _write(out_dir: Path, story: Story, reps: dict[str, Rep], now: dt.datetime) -> None:
    rendered = [(mail, render_mail(mail)) for mail in story.mails]
    for plan in TEAM:
        email = reps[plan.slug].person.email
        base = out_dir / "data" / plan.slug
        if base.is_dir():  # a previous demo (other seed or scale) must not leave stray files
            shutil.rmtree(base)
        meetings = [m for m in story.meetings if email in m.calendars]
        write_calendar(base / _calendar_name(plan), plan.calendar, meetings, now)
        write_mailbox(base / "mail", plan.mail, [(m, raw) for m, raw in rendered
                                                 if email in m.mailboxes], now)
    (out_dir / "outbox").mkdir(parents=True, exist_ok=True)


def _calendar_name(plan: RepPlan) -> str:
    return "calendar" if plan.calendar == "dir" else "calendar.ics"


def _config_yaml() -> str:
    lines = [
        "# Generated by `dealnudge demo`: the Northwind sample team. Edit freely.",
        "database: sqlite:///dealnudge.db",
        "organization:",
        "  name: Northwind",
        f"  internal_domains: [{DOMAIN}]",
        "thresholds:",
        "  follow_up_within_hours: 24",
        "  next_step_within_hours: 72",
        "  stall_after_days: 14",
        "  stall_min_seller_touches: 2",
        "  active_within_days: 30",
        "  slip_grace_days: 2",
        "  reschedule_window_days: 30",
        "  reschedule_min_count: 2",
        "  single_thread_min_meetings: 3",
        "  reply_within_hours: 24",
        "findings:",
        "  disabled: []",
        "nudges:",
        '  send_at: "08:00"',
        "  weekdays: [mon, tue, wed, thu, fri]",
        "  delivery:",
        "    kind: outbox",
        "    path: ./outbox",
        "reps:",
    ]
    for plan in TEAM:
        lines += [f"  - email: {plan.slug}@{DOMAIN}", f"    name: {plan.name}",
                  f"    timezone: {plan.zone}", f"    language: {plan.lang}"]
        if plan.lang == "zh" and f"{plan.slug}@{DOMAIN}" != MANAGER:
            lines.append(f"    manager: {MANAGER}")
        lines += ["    source:", "      kind: local",
                  f"      calendar: data/{plan.slug}/{_calendar_name(plan)}",
                  f"      mail: data/{plan.slug}/mail"]
    return "\n".join(lines) + "\n"
