"""What the morning digests would have said: the stored data replayed at each rep's
``send_at`` on each day of a range, under one config or two side by side.

An admin who wants to change a threshold sees what it does to the team's mornings
before any rep gets an e-mail. Nothing is sent and nothing is stored: no finding is
opened or closed, no nudge is claimed.

Replaying a morning means analysing exactly what was known at that instant ``T`` (the
rep's local ``send_at`` on that day), from the records stored now — the analyzer's
own "as of" cut, so each morning equals ``report --now T``:

* a message is known from its ``sent_at``;
* a calendar event is known from its last change as the provider stamped it (Google
  ``updated``, Graph ``lastModifiedDateTime``, iCalendar ``LAST-MODIFIED`` or else
  ``DTSTAMP``): the store keeps only an event's latest version, and a version
  stamped after ``T`` is not what the calendar showed at ``T``. An event without a
  stamp (providers always send one) is taken as known all along.

So a record added after a replayed morning (a later e-mail, a meeting booked or
re-answered later) cannot change that morning's figures. The one thing a replay
cannot restore is an earlier version of an event that changed after ``T``: it is
left out of that morning rather than shown in a state it did not have yet.

Work is shared across days: every record is read from the store once, sorted by the
instant it became known, and each replayed instant takes a prefix in memory. Reps
whose ``send_at`` falls on the same instant (same zone) share one analysis, and each
config keeps, for the whole range, one commitment-extraction cache (what a message
promises does not depend on the day it is read) and one ``Memo`` of classified
messages and events (neither does who wrote a message or who is on a meeting).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from dealnudge.analyzer.mailbox import CommitmentCache
from dealnudge.analyzer.rules import AnalysisInput, Memo, RepView, analyze_with
from dealnudge.config.schema import Config, Rep
from dealnudge.records import FINDING_KINDS, CalendarEvent, EmailMessage, Finding, FindingKind
from dealnudge.scheduler.nudges import digest_goes_out
from dealnudge.scheduler.timing import due_instant

UTC = dt.UTC
MAX_DAYS = 366
ALL_ALONG = dt.datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Morning:
    """One rep's replayed morning under one config."""

    date: dt.date
    rep: str
    config: str  # the config file's path, as given
    at: dt.datetime  # the replayed instant (the rep's send_at that day), UTC
    counts: dict[FindingKind, int]
    digest: bool

    def to_json(self) -> dict[str, object]:
        return {"date": self.date.isoformat(), "rep": self.rep, "config": self.config,
                "counts": {kind: n for kind, n in self.counts.items() if n},
                "digest": self.digest}


def known_at(event: CalendarEvent) -> dt.datetime:
    """When the stored version of an event became known (``analyzer.context.known_by``)."""
    return event.updated.astimezone(UTC) if event.updated else ALL_ALONG


class Records:
    """Every stored record once, sorted by the instant it became known."""

    def __init__(self, events: Sequence[tuple[str, CalendarEvent]],
                 messages: Sequence[tuple[str, EmailMessage]]) -> None:
        self.events = sorted(events, key=lambda item: known_at(item[1]))
        self._event_times = [known_at(event) for _, event in self.events]
        self.messages = sorted(messages, key=lambda item: item[1].sent_at.astimezone(UTC))
        self._message_times = [message.sent_at.astimezone(UTC) for _, message in self.messages]

    def as_of(self, at: dt.datetime) -> tuple[tuple[tuple[str, CalendarEvent], ...],
                                               tuple[tuple[str, EmailMessage], ...]]:
        events = self.events[:bisect.bisect_right(self._event_times, at)]
        messages = self.messages[:bisect.bisect_right(self._message_times, at)]
        return tuple(events), tuple(messages)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    count = (last - first).days + 1
    if count > MAX_DAYS:
        raise ValueError(f"{count} days asked; a backtest covers at most {MAX_DAYS} days")
    return [first + dt.timedelta(days=n) for n in range(count)]


def _instants(config: Config, dates: list[dt.date]) -> dict[dt.datetime, list[tuple[Rep, dt.date]]]:
    """Replayed instants, each with the (rep, local day) mornings it stands for."""
    grouped: dict[dt.datetime, list[tuple[Rep, dt.date]]] = defaultdict(list)
    for day in dates:
        for rep in config.reps:
            grouped[due_instant(day, config.nudges.send_at, rep.zone)].append((rep, day))
    return grouped


def _input(config: Config, records: Records, at: dt.datetime) -> AnalysisInput:
    return analysis_input(config, *records.as_of(at))


def analysis_input(config: Config, events: Sequence[tuple[str, CalendarEvent]],
                   messages: Sequence[tuple[str, EmailMessage]]) -> AnalysisInput:
    """The analyzer's input for ``config`` over the given records (as ``report`` builds it)."""
    return AnalysisInput(
        reps=tuple(RepView(r.email, tuple(r.aliases), r.zone) for r in config.reps),
        internal_domains=tuple(config.organization.internal_domains),
        ignore_addresses=tuple(config.organization.ignore_addresses),
        thresholds=config.thresholds, events=tuple(events), messages=tuple(messages))


def replay(config: Config, label: str, records: Records, dates: list[dt.date]) -> list[Morning]:
    """Every rep's morning on every day, under ``config`` (labelled ``label``)."""
    cache, memo = CommitmentCache(), Memo()
    mornings = []
    for at, group in sorted(_instants(config, dates).items()):
        findings = analyze_with(_input(config, records, at), at, cache, memo)
        by_rep: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            by_rep[finding.rep.lower()].append(finding)
        for rep, day in group:
            mine = by_rep.get(rep.email.lower(), [])
            counts = Counter(f.kind for f in mine)
            mornings.append(Morning(
                date=day, rep=rep.email, config=label, at=at,
                counts={kind: counts.get(kind, 0) for kind in FINDING_KINDS},
                digest=digest_goes_out(rep, day, mine, config)))
    return mornings


def backtest(configs: Sequence[tuple[str, Config]], records: Records, first: dt.date,
             last: dt.date) -> list[Morning]:
    """Mornings of every config, ordered by day, rep (config order) and config."""
    dates = days(first, last)
    mornings = [m for label, config in configs for m in replay(config, label, records, dates)]
    order = {label: n for n, (label, _) in enumerate(configs)}
    reps: dict[str, int] = {}
    for _, config in configs:
        for rep in config.reps:
            reps.setdefault(rep.email, len(reps))
    return sorted(mornings, key=lambda m: (m.date, reps[m.rep], order[m.config]))


def kind_code(kind: str) -> str:
    """``missing_follow_up`` → ``MFU``: a narrow column heading (a legend spells it out)."""
    return "".join(word[0] for word in kind.replace("-", "_").split("_")).upper()


def render_table(mornings: list[Morning], labels: Sequence[str]) -> str:
    """Configs side by side: one row per rep and day, counts by kind and the digest."""
    kinds = [k for k in FINDING_KINDS if any(m.counts.get(k) for m in mornings)] or \
        list(FINDING_KINDS[:1])
    names = [chr(ord("A") + n) for n in range(len(labels))]
    cell = "".join(f"{kind_code(k):>5}" for k in kinds) + "  mail"
    width = len(cell)
    rows = [f"{'':<12}{'':<34}" + " | ".join(f"{n:^{width}}" for n in names),
            f"{'date':<12}{'rep':<34}" + " | ".join(cell for _ in names)]
    by_row: dict[tuple[dt.date, str], dict[str, Morning]] = defaultdict(dict)
    for m in mornings:
        by_row[(m.date, m.rep)][m.config] = m
    for (day, rep), cells in by_row.items():
        parts = []
        for label in labels:
            got = cells.get(label)
            if got is None:  # a rep only one of the configs lists
                parts.append(f"{'-':^{width}}")
                continue
            parts.append("".join(f"{got.counts.get(k, 0):>5}" for k in kinds)
                         + f"  {'yes' if got.digest else 'no':<4}")
        short = rep if len(rep) <= 32 else rep[:31] + "…"
        rows.append(f"{day.isoformat():<12}{short:<34}" + " | ".join(parts))
    rows.append("")
    for name, label in zip(names, labels, strict=True):
        mine = [m for m in mornings if m.config == label]
        totals = Counter[str]()
        for m in mine:
            totals.update({k: n for k, n in m.counts.items() if n})
        found = ", ".join(f"{totals[k]} {kind_code(k)}" for k in kinds)
        rows.append(f"{name} = {label}: {sum(m.digest for m in mine)} digest e-mail(s); "
                    f"findings summed over the mornings: {found}")
    rows.append("Columns: " + ", ".join(f"{kind_code(k)} {k}" for k in kinds)
                + "; mail: whether that morning's digest would go out.")
    return "\n".join(rows)
