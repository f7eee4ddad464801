"""``dealnudge demo``: the real pipeline on a generated bilingual sample team.

Nothing here is canned: the sample team's files are written by
``dealnudge.demo.team``, read back by the local connector, stored in SQLite,
judged by the analyzer and turned into nudge e-mails by the scheduler's code,
exactly as in production, at the fixed instant ``DEMO_NOW``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from dealnudge.config.loader import load_config
from dealnudge.config.schema import Config
from dealnudge.connectors.base import ConnectorContext
from dealnudge.demo.team import DEMO_NOW, write_demo_team
from dealnudge.pipeline import run_analysis, sync_all
from dealnudge.progress import SyncProgress
from dealnudge.records import KIND_LABELS, Finding, FindingKind
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.scheduler.sending import NudgeOutcome
from dealnudge.store import Store


def run_demo(out_dir: Path, console: Console) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    config_path = write_demo_team(out_dir, now=DEMO_NOW)
    config = load_config(config_path)
    console.print(f"Sample team written to [bold]{out_dir}[/bold] "
                  f"({len(config.reps)} reps); analysing as of {DEMO_NOW.isoformat()}")
    store = Store.open(config.database)
    try:
        with SyncProgress(Console(stderr=True)) as progress:
            results = sync_all(config, store, ConnectorContext(now=DEMO_NOW,
                                                                progress=progress.update))
        synced = sum(r.items for r in results)
        skipped = sum(r.skipped for r in results)
        console.print(f"Synced {synced} calendar events and e-mails"
                      + (f" ({skipped} unreadable files skipped)" if skipped else ""))
        findings = run_analysis(config, store, DEMO_NOW)
        outcomes = send_due_nudges(config, store, DEMO_NOW, ctx=ConnectorContext(now=DEMO_NOW),
                                   force=True)
    finally:
        store.close()
    _print_summary(console, config, findings, outcomes)
    outbox = getattr(config.nudges.delivery, "path", out_dir / "outbox")
    console.print(f"\nNudge e-mails (.eml, open them in any mail client): [bold]{outbox}[/bold]")
    console.print(f"Try: dealnudge --config {config_path} report --now {DEMO_NOW.isoformat()}",
                  soft_wrap=True)  # a command the reader copies must stay on one line
    if findings:
        console.print(f"     dealnudge --config {config_path} explain {findings[0].key}",
                      soft_wrap=True)
    last = DEMO_NOW.date() - dt.timedelta(days=1)
    console.print(f"     dealnudge --config {config_path} backtest "
                  f"--from {last - dt.timedelta(days=13)} --to {last}", soft_wrap=True)


def _print_summary(console: Console, config: Config, findings: list[Finding],
                   outcomes: list[NudgeOutcome]) -> None:
    per_rep: dict[str, Counter[str]] = {}
    for f in findings:
        per_rep.setdefault(f.rep, Counter())[f.kind] += 1
    sent = {o.rep: o.status for o in outcomes if o.kind == "digest"}
    table = Table("rep", "language", *KIND_LABELS.values(), "nudge", title="Findings per rep")
    for rep in config.reps:
        counts = per_rep.get(rep.email, Counter())
        table.add_row(rep.name or rep.email, rep.language,
                      *(str(counts.get(k, 0)) for k in KIND_LABELS), sent.get(rep.email, "-"))
    console.print(table)
    examples: dict[FindingKind, Finding] = {}
    for f in findings:
        examples.setdefault(f.kind, f)
    for kind, f in examples.items():
        console.print(f"  [bold]{KIND_LABELS[kind]}[/bold] e.g. {f.rep}: {f.detail}")
