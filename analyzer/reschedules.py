"""Repeated reschedules (the method's rule 6): the customer who agrees quickly and
then backs off shows it on the calendar before anywhere else.

Per rep and account, a meeting counts as called off or moved when it was
cancelled, when every customer attendee declined it, or when its start differs
from the first start the store saw for it (``CalendarEvent.first_start``: the store
remembers it across syncs, because providers only send the new start). At least
``reschedule_min_count`` such meetings within the last ``reschedule_window_days``
make a finding. A meeting is dated by the start it was called off from (the first
start the store saw), never after *now*: a meeting of the last weeks or one still
ahead counts, one from two months ago does not. Change stamps (``updated``) are not
used, because calendars and exports keep stale ones, or stamp every event with the
time the file was written. Several changes to one meeting (moved twice, then
cancelled) count once; all-day entries are not meetings. ``since`` is when the
call-off that reached the count surely had happened: its change stamp or its
meeting's start, whichever is earlier (*now* only when a meeting still ahead has no
stamp), so it stays put from one run to the next.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from dealnudge.analyzer.aftermeeting import local_when
from dealnudge.analyzer.context import Context
from dealnudge.analyzer.meetings import EventView

from dealnudge.records import Finding


@dataclass(frozen=True)
class CallOff:
    at: dt.datetime  # UTC: the start it was called off from, at most now (the window's test)
    what: str
    known: dt.datetime  # UTC: by when it surely happened (``since``; stable across runs)


def _moved(view: EventView) -> bool:
    first = view.event.first_start
    return first is not None and first.astimezone(dt.UTC) != view.start


def _call_off(ctx: Context, rep: str, view: EventView) -> CallOff | None:
    title = f"\u201c{view.event.title or '(untitled)'}\u201d"
    first = view.event.first_start
    original = (first or view.event.start).astimezone(dt.UTC)
    at = min(original, ctx.now)
    stamp = view.event.updated.astimezone(dt.UTC) if view.event.updated else at
    known = min(stamp, at)
    if view.cancelled:
        return CallOff(at, f"{title} cancelled", known)
    if view.customers and not view.attended_accounts():  # every customer attendee declined
        return CallOff(at, f"{title} declined by the customer", known)
    if first is not None and _moved(view):
        return CallOff(at, f"{title} moved from {local_when(first, ctx, rep)} to "
                           f"{local_when(view.start, ctx, rep)}", known)
    return None


def _identity(view: EventView) -> tuple[str, str]:
    recurrence = view.event.recurrence_id
    return view.event.uid, recurrence.astimezone(dt.UTC).isoformat() if recurrence else ""


def _call_offs(ctx: Context, rep: str, views: list[EventView]) -> dict[str, list[CallOff]]:
    window = dt.timedelta(days=ctx.thresholds.reschedule_window_days)
    found: dict[str, dict[tuple[str, str], CallOff]] = defaultdict(dict)
    for view in views:
        if view.event.all_day:
            continue
        off = _call_off(ctx, rep, view)
        if off is None or ctx.now - off.at > window:
            continue
        for account in view.accounts:
            seen = found[account].get(_identity(view))
            if seen is None or off.at > seen.at:
                found[account][_identity(view)] = off
    return {account: sorted(offs.values(), key=lambda o: (o.at, o.what))
            for account, offs in found.items()}


def reschedule_findings(ctx: Context) -> list[Finding]:
    minimum = ctx.thresholds.reschedule_min_count
    findings = []
    views_by_rep = ctx.views_by_rep()
    for rep in sorted(ctx.reps):
        for account, offs in sorted(_call_offs(ctx, rep, views_by_rep.get(rep, [])).items()):
            if len(offs) < minimum:
                continue
            listed = "; ".join(o.what for o in offs)
            detail = (f"{len(offs)} meetings with {account} were called off or moved in the "
                      f"last {ctx.thresholds.reschedule_window_days} days ({listed}). Pin down "
                      "the next date now and ask what changed.")
            findings.append(Finding(
                rep=ctx.reps[rep].email, kind="repeated_reschedules", account=account,
                meeting_uid=None, since=sorted(o.known for o in offs)[minimum - 1],
                detail=detail, evidence=listed,
                count=len(offs)))
    return findings
