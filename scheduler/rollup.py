"""The weekly roll-up to each rep's ``manager:``: counts per rep and kind, oldest items.

Sent on ``nudges.manager_rollup_weekday`` at ``nudges.send_at`` in the manager's
zone (their own rep entry's, else their first rep's), at most once per manager per
ISO week: the claim's day is the Monday of that week, kind ``rollup``. A manager
sees every open finding of the team, muted or not: a mute is the rep's own opt-out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from functools import partial
from typing import TYPE_CHECKING

from dealnudge.config.schema import Config, Rep
from dealnudge.scheduler import i18n
from dealnudge.scheduler.compose import build_message, clean, message_id
from dealnudge.scheduler.i18n import Language
from dealnudge.scheduler.sending import Delivery, NudgeOutcome, send_claimed
from dealnudge.scheduler.timing import is_due, local_day, week_start

from dealnudge.records import FINDING_KINDS

if TYPE_CHECKING:
    from dealnudge.store import Store, StoredFinding

OLDEST_ITEMS = 5


@dataclass(frozen=True)
class Team:
    manager: str
    reps: list[Rep]
    own: Rep | None  # the manager's own rep entry, when they also sell


@dataclass(frozen=True)
class RepLine:
    name: str
    counts: str  # "2 follow-up owed · 1 stalled deal"
    total: int


def teams(config: Config) -> list[Team]:
    by_manager: dict[str, list[Rep]] = {}
    for rep in config.reps:
        if rep.manager:
            by_manager.setdefault(rep.manager, []).append(rep)
    own = {rep.email: rep for rep in config.reps}
    return [Team(m, reps, own.get(m)) for m, reps in by_manager.items()]


def _language(team: Team) -> Language:
    if team.own is not None:
        return team.own.language
    languages = {rep.language for rep in team.reps}
    return languages.pop() if len(languages) == 1 else "en"


def _rep_line(rep: Rep, found: list[StoredFinding], lang: Language) -> RepLine:
    labels = i18n.KIND_LABELS[lang]
    counts = [(kind, sum(1 for s in found if s.finding.kind == kind)) for kind in FINDING_KINDS]
    text = " · ".join(f"{n} {labels[kind]}" for kind, n in counts if n)
    return RepLine(clean(rep.name) or rep.email, text or "0", len(found))


def _oldest(team: Team, found: dict[str, list[StoredFinding]], lang: Language) -> list[str]:
    names = {rep.email: clean(rep.name) or rep.email for rep in team.reps}
    every = sorted((s for items in found.values() for s in items),
                   key=lambda s: (s.finding.since, s.finding.key))[:OLDEST_ITEMS]
    zone = (team.own or team.reps[0]).zone
    lines = []
    for s in every:
        f = s.finding
        what = f"{clean(f.meeting_title)} ({clean(f.account)})" if f.meeting_title \
            else clean(f.account)
        since = i18n.text(lang, "rollup_since",
                          day=i18n.format_day(lang, f.since.astimezone(zone).date()))
        label = i18n.KIND_LABELS[lang][f.kind]
        lines.append(f"{names.get(f.rep, f.rep)}: {label}: {what}, {since}")
    return lines


def render_rollup(team: Team, found: dict[str, list[StoredFinding]], week: dt.date,
                  config: Config, now: dt.datetime) -> EmailMessage:
    lang = _language(team)
    lines = [_rep_line(rep, found.get(rep.email, []), lang) for rep in team.reps]
    total = sum(line.total for line in lines)
    context: dict[str, object] = {
        "lang": lang, "t": i18n.TEXT[lang], "rep_lines": lines,
        "oldest": _oldest(team, found, lang),
        "intro": i18n.text(lang, "rollup_intro", day=i18n.format_day(lang, week)),
    }
    name = clean(team.own.name, 80) if team.own else ""
    return build_message(
        config, to=Address(name, addr_spec=team.manager),
        subject=i18n.text(lang, "rollup_subject", total=total, reps=len(team.reps)),
        lang=lang, template="rollup", context=context,
        msg_id=message_id("rollup", team.manager, week, config), date=now)


def send_due_rollups(config: Config, store: Store, now: dt.datetime, delivery: Delivery, *,
                     force: bool = False, grace: dt.timedelta | None = None,
                     managers: set[str] | None = None) -> list[NudgeOutcome]:
    weekday = config.nudges.manager_rollup_weekday
    if weekday is None:
        return []
    outcomes = []
    for team in teams(config):
        if managers is not None and team.manager not in managers:
            continue
        zone = (team.own or team.reps[0]).zone
        week = week_start(local_day(now, zone))
        if not force and not is_due(now, config.nudges.send_at, [weekday], zone, grace=grace):
            outcomes.append(NudgeOutcome(team.manager, week, "skipped_not_due", kind="rollup"))
            continue
        found = {rep.email: store.open_findings(rep.email) for rep in team.reps}
        keys = [s.finding.key for items in found.values() for s in items]
        if not keys and not config.nudges.send_when_empty:
            outcomes.append(NudgeOutcome(team.manager, week, "skipped_empty", kind="rollup"))
            continue
        outcomes.append(send_claimed(
            store, delivery, recipient=team.manager, day=week, kind="rollup", keys=keys, now=now,
            message=partial(render_rollup, team, found, week, config, now)))
    return outcomes
