"""Analysis one rep's window at a time gives exactly the findings of one analysis of
the whole store: on the demo team and on a synthetic team that shares meetings,
customers and mail across reps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dealnudge.analyzer.accounts import normalise
from dealnudge.analyzer.rules import AnalysisInput, analyze
from dealnudge.config.loader import load_config
from dealnudge.config.schema import Config
from dealnudge.connectors.base import ConnectorContext
from dealnudge.store import Store

from dealnudge.demo.team import DEMO_NOW, write_demo_team
from dealnudge.pipeline import analyse_rep, run_analysis, sync_all
from dealnudge.records import Finding
from dealnudge.windows import (
    TeamCalendar,
    address_book,
    batches,
    load_rep_window,
    load_window,
    rep_views,
)
from tests.scaleout.synthetic import NOW, team_config, write_team


def whole_store(config: Config, store: Store, now: dt.datetime) -> list[Finding]:
    """The reference: every stored record in one analysis (what run_analysis used to do)."""
    return analyze(AnalysisInput(
        reps=rep_views(config), internal_domains=tuple(config.organization.internal_domains),
        ignore_addresses=tuple(config.organization.ignore_addresses),
        thresholds=config.thresholds, events=tuple(store.events()),
        messages=tuple(store.messages())), now)


def test_demo_team_findings_are_identical(tmp_path: Path) -> None:
    config = load_config(write_demo_team(tmp_path / "team", now=DEMO_NOW, scale=2))
    with Store.open(config.database) as store:
        sync_all(config, store, ConnectorContext(now=DEMO_NOW))
        expected = whole_store(config, store, DEMO_NOW)
        windowed = run_analysis(config, store, DEMO_NOW, persist=False)
    assert len(expected) > 20
    assert windowed == expected


@pytest.mark.parametrize("now", [NOW, NOW - dt.timedelta(days=20)])
def test_synthetic_shared_team_findings_are_identical(store: Store, now: dt.datetime) -> None:
    config = team_config(12)
    write_team(store, 12)
    expected = whole_store(config, store, now)
    assert {f.kind for f in expected} >= {"missing_follow_up", "no_next_step", "stalled_deal"}
    assert now != NOW or any(f.kind == "vague_next_step" for f in expected)
    assert run_analysis(config, store, now, persist=False) == expected


def test_a_window_holds_a_fraction_of_the_store(store: Store) -> None:
    config = team_config(12)
    write_team(store, 12)
    reps = rep_views(config)
    team = TeamCalendar.build(store.calendar_index(), address_book(config, reps))
    window = load_rep_window(config, store, "rep3@northwind.example", NOW, team, reps)
    owners = {rep for rep, _ in window.messages}
    assert "rep3@northwind.example" in owners
    assert len(window.messages) < len(store.messages()) / 2
    assert len(window.events) < len(store.events())


def test_one_rep_persisted_leaves_the_others_alone(store: Store) -> None:
    config = team_config(6)
    write_team(store, 6)
    everyone = run_analysis(config, store, NOW)
    rep = "rep2@northwind.example"
    mine = analyse_rep(config, store, NOW + dt.timedelta(days=400), rep, persist=True)
    others = [f.key for f in everyone if f.rep != rep]
    assert {f.key for f in store.open_findings()} >= set(others)
    assert {f.key for f in store.open_findings(rep)} == {f.key for f in mine}


@pytest.mark.parametrize("size", [1, 2, 5, 12])
def test_groups_of_reps_give_the_findings_of_the_whole_store(store: Store, size: int) -> None:
    """A group reads its members whole and only their outside neighbours' shared mail;
    keeping each member's findings from the group's window changes nothing."""
    config = team_config(12)
    write_team(store, 12)
    expected = whole_store(config, store, NOW)
    reps = rep_views(config)
    team = TeamCalendar.build(store.calendar_index(), address_book(config, reps))
    groups = batches(team, [r.email for r in config.reps], size)
    assert sorted(r for g in groups for r in g) == sorted(r.email for r in config.reps)
    assert all(len(g) <= size for g in groups)
    found: list[Finding] = []
    for group in groups:
        members = {normalise(r) for r in group}
        window = load_window(config, store, group, NOW, team, reps)
        found += [f for f in analyze(window, NOW) if normalise(f.rep) in members]
    assert sorted(found, key=lambda f: f.key) == sorted(expected, key=lambda f: f.key)


def test_a_group_grows_through_shared_meetings(store: Store) -> None:
    """Each member after the first shares a meeting with an earlier member."""
    config = team_config(12)
    write_team(store, 12)
    reps = rep_views(config)
    team = TeamCalendar.build(store.calendar_index(), address_book(config, reps))
    groups = batches(team, [r.email for r in config.reps], 4)
    assert any(len(group) > 1 for group in groups)
    for group in groups:
        for index, rep in enumerate(group[1:], start=1):
            earlier = {normalise(r) for r in group[:index]}
            assert earlier & set(team.shared_mail(normalise(rep)))
