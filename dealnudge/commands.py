"""The subcommands of ``dealnudge`` (see ``dealnudge.cliapp`` for the group and error policy).

The store, the pipeline, the scheduler and the provider libraries are imported inside
the commands that need them, on purpose: ``dealnudge --help`` and ``check`` then start
in about a third of the time (SQLAlchemy, Alembic, APScheduler and the Google client
are not loaded). These are the only function-level imports of project modules.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape

from dealnudge.cliapp import (
    BadConfig,
    Failure,
    State,
    escape_controls,
    failures,
    main,
    now_option,
    parse_now,
    safe_url,
)
from dealnudge.config.schema import Config, Rep
from dealnudge.connectors.base import ConnectorContext
from dealnudge.progress import SyncProgress
from dealnudge.records import KIND_LABELS, Finding

if TYPE_CHECKING:
    from dealnudge.pipeline import RepSyncResult
    from dealnudge.store import Store

err_console = Console(stderr=True)
STATUS_REASONS = 10  # skipped items listed per stream by `status`


@main.command()
@click.option("--online", is_flag=True,
              help="Also log in to each rep's IMAP server and CalDAV URL and say what was "
                   "found (nothing is written); exit status 1 when any check fails.")
@now_option
@click.pass_obj
def check(state: State, online: bool, now_text: str | None) -> None:
    """Validate the config file and summarise the team.

    Every problem is listed at once with its line; exit status 2 when there are any.
    Local paths must exist and be the right kind (file or folder).
    """
    config = state.config(require_paths=True)
    click.echo(f"OK {state.find_config()}: {config.organization.name}, {len(config.reps)} rep(s), "
               f"database {safe_url(config.database)}")
    for rep in config.reps:
        extra = f", manager {rep.manager}" if rep.manager else ""
        click.echo(f"  {rep.email} ({rep.timezone}, {rep.language}{extra}): "
                   f"{_describe_source(rep)}")
    nudges = config.nudges
    click.echo(f"Nudges at {nudges.send_at:%H:%M} rep-local on {', '.join(nudges.weekdays)}; "
               f"delivery: {_describe_delivery(config)}")
    if config.findings.disabled:
        click.echo(f"Switched off (findings.disabled): {', '.join(config.findings.disabled)}")
    if online:
        with failures(state):
            failed = _check_online(config, parse_now(now_text))
        if failed:
            raise Failure(f"{failed} online check(s) failed (marked 'failed' above); "
                          "nothing was written.")


def _check_online(config: Config, now: dt.datetime) -> int:
    """Each IMAP rep's login, folders and calendar; the number of failed checks."""
    from dealnudge.connectors.imap.probe import check_online

    ctx = ConnectorContext(now=now)
    failed = 0
    click.echo("Online checks (read-only):")
    for rep in config.reps:
        if rep.source.kind != "imap":
            click.echo(f"  {rep.email}: {rep.source.kind} sources are checked by `sync`")
            continue
        click.echo(f"  {rep.email}:")
        for probe in check_online(rep, config, ctx):
            failed += not probe.ok
            click.echo(f"    {'ok    ' if probe.ok else 'failed'}  {probe.what}")
    return failed


def _describe_source(rep: Rep) -> str:
    source = rep.source
    if source.kind == "local":
        return f"local ({source.calendar or '-'}, {source.mail or '-'})"
    if source.kind == "imap":
        extra = "".join(f", {key} {value!r}" for key, value in (
            ("sent_folder", source.sent_folder), ("calendar_name", source.calendar_name)) if value)
        return f"imap ({source.username or rep.email}{extra})"
    return f"{source.kind} ({rep.mailbox})"


def _describe_delivery(config: Config) -> str:
    delivery = config.nudges.delivery
    if delivery.kind == "outbox":
        return f"outbox folder {delivery.path}"
    if delivery.kind == "smtp":
        return f"SMTP {delivery.host}:{delivery.port}"
    return delivery.kind


def _open_store(url: str) -> Store:
    from dealnudge.store import Store

    return Store.open(url)


@main.command()
@click.option("--rep", "reps", multiple=True, metavar="EMAIL", help="Only this rep (repeatable).")
@click.option("--accept-shrink", is_flag=True,
              help="Apply calendar snapshots that lost more than half of their events at once "
                   "(refused by default: the stored events are kept).")
@now_option
@click.pass_obj
def sync(state: State, reps: tuple[str, ...], accept_shrink: bool, now_text: str | None) -> None:
    """Pull new mail and calendar data for every rep (incremental after the first run).

    One rep's failure (revoked access, a bad file) is reported and the others go on.
    Stored data is never deleted on doubt: a calendar that cannot be read whole, or that
    shrank sharply, keeps its stored events and the rep is reported as "kept". The exit
    status is 1 when any rep failed or kept data.
    """
    config = state.config()
    now = parse_now(now_text)
    from dealnudge.pipeline import sync_all

    with failures(state):
        store = _open_store(config.database)
        with SyncProgress(err_console) as progress:
            ctx = ConnectorContext(now=now, progress=progress.update)
            results = sync_all(config, store, ctx, [r.lower() for r in reps] or None,
                               accept_shrink=accept_shrink)
    for r in results:
        err_console.print(_sync_line(r), highlight=False, emoji=False)
    failed = [r for r in results if not r.ok]
    kept = [r for r in results if r.ok and r.warnings]
    if failed or kept:
        raise Failure(f"{len(failed)} of {len(results)} rep(s) could not be synced completely"
                      + (f" and {len(kept)} kept stored data on doubt" if kept else "")
                      + "; `dealnudge status` shows each rep's sync health.")


def _sync_line(r: RepSyncResult) -> str:
    """One rep's outcome; provider text is escaped (no markup, no ":emoji:" codes)."""
    extra = f", {r.skipped} skipped (`dealnudge status` lists them)" if r.skipped else ""
    head = f"{escape(escape_controls(r.rep))}: {r.items} item(s){extra}"
    if not r.ok:
        return f"[red]failed[/red] {head} — {escape(escape_controls(_first_error(r)))}"
    if r.warnings:
        return f"[yellow]kept[/yellow] {head} — {escape(escape_controls(r.warnings[0]))}"
    return f"[green]ok[/green] {head}"


def _first_error(result: RepSyncResult) -> str:
    if result.error:
        return result.error
    for stream in result.streams:
        if stream.error:
            return f"{stream.stream}: {stream.error}"
    return ""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON array.")
@now_option
@click.pass_obj
def report(state: State, as_json: bool, now_text: str | None) -> None:
    """Show the open findings (what each rep would be nudged about) at --now.

    Analyses what `sync` stored; it does not fetch new data.
    """
    config = state.config()
    now = parse_now(now_text)
    from dealnudge.pipeline import run_analysis

    with failures(state):
        store = _open_store(config.database)
        findings = run_analysis(config, store, now, persist=False)
    if as_json:
        click.echo(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2))
        return
    if not findings:
        click.echo("No open findings.")
        return
    click.echo(_readable_report(config, findings))


def _readable_report(config: Config, findings: list[Finding]) -> str:
    """Findings grouped by rep, times in the rep's zone, details wrapped for a terminal."""
    lines: list[str] = []
    for rep in config.reps:
        mine = [f for f in findings if f.rep == rep.email]
        if not mine:
            continue
        lines.append(f"{rep.name or rep.email} <{rep.email}>: {len(mine)} open")
        for f in mine:
            since = f.since.astimezone(rep.zone).strftime("%Y-%m-%d %H:%M")
            lines.append(f"  {KIND_LABELS.get(f.kind, f.kind):<16} {f.account}  (since {since})")
            lines += textwrap.wrap(f.detail, width=96, initial_indent="      ",
                                   subsequent_indent="      ")
        lines.append("")
    return "\n".join(lines).rstrip()


@main.command()
@click.argument("finding_id")
@click.option("--json", "as_json", is_flag=True, help="Print the evidence trail as JSON.")
@now_option
@click.pass_obj
def explain(state: State, finding_id: str, as_json: bool, now_text: str | None) -> None:
    """Show why a finding was raised: the meeting, the mails, each sentence judged.

    FINDING_ID is the "id" of `report --json`. Without --now the finding is explained
    as of the last analysis that saw it (the one its nudge came from), else now.
    """
    config = state.config()
    from dealnudge.analyzer.explain import explain as evidence_trail
    from dealnudge.backtest import analysis_input
    from dealnudge.explain_view import render_explanation

    with failures(state):
        store = _open_store(config.database)
        try:
            stored = store.finding(finding_id.strip())
            now = parse_now(now_text) if now_text or stored is None else stored.last_seen
            inp = analysis_input(config, store.events(), store.messages())
        finally:
            store.close()
        trail = evidence_trail(inp, now, finding_id.strip())
    if trail is None:
        raise BadConfig(f"No finding with id {finding_id!r} is open at {now.isoformat()}; "
                        "`dealnudge report --json` lists the ids of the open findings.")
    if as_json:
        click.echo(json.dumps(trail.to_json(), ensure_ascii=False, indent=2))
        return
    rep = next((r for r in config.reps if r.email.lower() == trail.finding.rep.lower()), None)
    click.echo(render_explanation(trail, rep.zone if rep else dt.UTC))


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a day such as 2026-03-02",
                                 param_hint=option) from None


@main.command()
@click.option("--from", "first", required=True, metavar="DATE", help="First local day (YYYY-MM-DD).")
@click.option("--to", "last", required=True, metavar="DATE", help="Last local day (YYYY-MM-DD).")
@click.option("--config-b", "other", metavar="OTHER.yaml",
              type=click.Path(dir_okay=False, path_type=Path),
              help="A second config (e.g. other thresholds) to compare side by side.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per rep, day and config.")
@click.pass_obj
def backtest(state: State, first: str, last: str, other: Path | None, as_json: bool) -> None:
    """Replay each rep's morning digest over past days, from the stored data.

    For each day from --from to --to and each rep, the analysis runs at the rep's
    send_at with only what was known then (messages sent, events last changed before
    it). Nothing is sent or stored. --config-b reads the same stored data.
    """
    begin, end = _day(first, "--from"), _day(last, "--to")
    if end < begin:
        raise click.BadParameter(f"{end} is before --from {begin}", param_hint="--to")
    configs = [(str(state.find_config()), state.config())]
    if other is not None:
        configs.append((str(other), state.load(other)))
    from dealnudge.backtest import Records, render_table
    from dealnudge.backtest import backtest as run_backtest

    with failures(state):
        store = _open_store(configs[0][1].database)
        try:
            records = Records(store.events(), store.messages())
        finally:
            store.close()
        try:
            mornings = run_backtest(configs, records, begin, end)
        except ValueError as err:
            raise BadConfig(str(err)) from None
    if as_json:
        click.echo(json.dumps([m.to_json() for m in mornings], ensure_ascii=False, indent=2))
        return
    click.echo(render_table(mornings, [label for label, _ in configs]))


@main.command()
@now_option
@click.option("--force", is_flag=True,
              help="Send now to every rep with open findings, ignoring send_at and weekdays "
                   "(still at most one per rep per local day).")
@click.pass_obj
def nudge(state: State, now_text: str | None, force: bool) -> None:
    """Send the morning nudges that are due at --now (safe to run as often as you like).

    A rep gets at most one digest per local day, only when their local time is past
    nudges.send_at on a configured weekday and they have open findings.
    """
    config = state.config()
    now = parse_now(now_text)
    from dealnudge.pipeline import run_analysis
    from dealnudge.scheduler.nudges import send_due_nudges

    with failures(state):
        store = _open_store(config.database)
        run_analysis(config, store, now)
        outcomes = send_due_nudges(config, store, now, ctx=ConnectorContext(now=now), force=force)
    failed = [o for o in outcomes if o.status == "failed"]
    unsure = [o for o in outcomes if o.status == "ambiguous"]
    for o in outcomes:
        err_console.print(f"{o.rep}: {o.status}" + (f" ({o.error})" if o.error else ""),
                          markup=False, highlight=False)
    if failed:
        raise Failure(f"{len(failed)} nudge(s) could not be delivered; they will be retried "
                      "on the next run.")
    if unsure:
        raise Failure(f"{len(unsure)} nudge(s) may or may not have been delivered (the server "
                      "dropped the connection after taking the message); they are not sent "
                      "again. `dealnudge status` lists them.")


@main.command()
@click.pass_obj
def serve(state: State) -> None:
    """Run the service: periodic sync and analysis, and each rep's morning digest.

    Edits to the config file take effect without a restart (or send SIGHUP); a broken
    edit is logged and the last good config keeps running. SIGTERM stops it cleanly.
    """
    path = state.find_config()
    state.config()  # fail fast, with line numbers, before starting
    from dealnudge.scheduler.service import serve as run_service

    with failures(state):
        code = run_service(path)
    sys.exit(code)


@main.command()
@click.option("--concurrency", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Jobs this worker runs at once (default: sync.concurrency).")
@click.pass_obj
def worker(state: State, concurrency: int | None) -> None:
    """Run one worker of a cluster on PostgreSQL: run as many as needed, on any machines.

    Together the workers do what `serve` does (periodic sync, analysis, morning
    digests); none is special, and a dead worker's jobs are taken over by the others.
    SIGTERM stops it after the running jobs reach a safe point.
    """
    path = state.find_config()
    config = state.config()
    from dealnudge.scheduler.cluster import NotPostgres, conninfo, run_worker

    try:
        conninfo(config.database)
    except NotPostgres as err:
        raise BadConfig(str(err)) from None
    with failures(state):
        code = run_worker(path, concurrency=concurrency or config.sync.concurrency)
    sys.exit(code)


@main.command()
@click.option("--json", "as_json", is_flag=True,
              help="Print one object per rep and stream as a JSON array.")
@click.pass_obj
def status(state: State, as_json: bool) -> None:
    """Show each rep's sync health: last success, last error and item counts.

    Also lists digests whose delivery started and was never recorded, where the
    delivery target cannot be checked (plain SMTP): they may or may not have arrived.
    """
    config = state.config()
    with failures(state):
        store = _open_store(config.database)
        health = store.health()
        unsettled = store.unsettled_nudges()
    if as_json:
        click.echo(json.dumps([{
            "rep": h.rep, "stream": h.stream,
            "last_success": h.last_success.isoformat() if h.last_success else None,
            "last_error": h.last_error, "items": h.items} for h in health],
            ensure_ascii=False, indent=2))
        return
    if not health:
        click.echo("No sync has run yet: run `dealnudge sync`.")
    else:
        click.echo(f"{'rep':<36} {'stream':<22} {'last success':<17} {'items':>6} "
                   f"{'skipped':>7}  last error")
    for h in health:
        ok = h.last_success.strftime("%Y-%m-%d %H:%M") if h.last_success else "never"
        error = f"{h.last_error_at:%Y-%m-%d %H:%M} {h.last_error}" if h.last_error else ""
        click.echo(f"{h.rep:<36} {h.stream:<22} {ok:<17} {h.items:>6} {h.skipped:>7}  "
                   f"{escape_controls(error)}")
        if h.warning:
            click.echo(f"    kept: {escape_controls(h.warning)}")
        for reason in h.skipped_reasons[:STATUS_REASONS]:
            click.echo(f"    skipped {escape_controls(reason)}")
        if h.skipped > STATUS_REASONS:
            click.echo(f"    … and {h.skipped - STATUS_REASONS} more (see the sync log)")
    ambiguous = [n for n in unsettled if n.ambiguous]
    if ambiguous:
        click.echo("\nNudges not known to be delivered (never sent again automatically; "
                   "ask the recipient or check the mail server's log):")
    for n in ambiguous:
        why = (n.error or "").removeprefix("ambiguous: ")
        click.echo(f"  {n.local_day} {n.kind:<7} {n.rep}: ambiguous — {why}")
    for claim in (n for n in unsettled if not n.ambiguous):
        click.echo(f"unverified: the {claim.kind} of {claim.rep} for {claim.local_day} was "
                   f"being delivered since {claim.claimed_at:%Y-%m-%d %H:%M} UTC and never "
                   "recorded; check the recipient's mailbox.")


@main.command()
@click.option("--out", "out_dir", default="dealnudge-demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the sample team's data, database and outbox.")
@click.pass_obj
def demo(state: State, out_dir: Path) -> None:
    """Run the whole pipeline on a bundled bilingual sample team. No setup, no network.

    Writes the team's calendars and mail (ICS, .eml) to --out, syncs them into a SQLite
    database, analyses them at a fixed instant and writes each rep's nudge e-mail into
    --out/outbox.
    """
    from dealnudge.demo.run import run_demo

    with failures(state):
        if out_dir.exists():
            _clear_previous_demo(out_dir)
        run_demo(out_dir, Console())


def _clear_previous_demo(out_dir: Path) -> None:
    marker = out_dir / "dealnudge.yaml"
    if any(out_dir.iterdir()) and not marker.exists():
        raise BadConfig(f"{out_dir} exists and is not a dealnudge demo folder; "
                        "choose another --out.")
    shutil.rmtree(out_dir)


@main.command()
@click.argument("provider", type=click.Choice(["google", "microsoft"]))
@click.option("--no-browser", is_flag=True, help="Google: print the consent URL instead of "
                                                   "opening a browser.")
@click.pass_obj
def login(state: State, provider: str, no_browser: bool) -> None:
    """Single-user mode: sign in once and store the token (owner-only file).

    \b
    google     installed-app consent (providers.google.oauth_client_file + token_file)
    microsoft  device-code sign-in (providers.microsoft.device_code: true + token_cache_file)

    Organisation-wide setups (service account, app registration) need no login.
    """
    config = state.config()
    from dealnudge.connectors.base import ConnectorError

    try:
        if provider == "google":
            from dealnudge.connectors.google.auth import login_single_user

            path = login_single_user(config, open_browser=not no_browser)
            click.echo(f"Signed in; token stored in {path}")
        else:
            from dealnudge.connectors.microsoft import login_device_code

            user = login_device_code(config, click.echo)
            click.echo(f"Signed in as {user}; token cache stored.")
    except ConnectorError as err:
        raise Failure(str(err)) from None
