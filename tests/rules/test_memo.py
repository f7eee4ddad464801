"""Analyses sharing a ``Memo`` (as ``dealnudge backtest`` does across days) give exactly
what fresh analyses give."""

from __future__ import annotations

import datetime as dt

from dealnudge.analyzer.mailbox import CommitmentCache
from dealnudge.analyzer.rules import Memo, analyze, analyze_with

from bench.analyze import NOW, generate


def test_a_shared_memo_changes_no_finding() -> None:
    inp = generate(reps=4, messages_per_rep=150, meetings_per_rep=25, seed=3)
    cache, memo = CommitmentCache(), Memo()
    for days_back in (20, 9, 3, 0):
        now = NOW - dt.timedelta(days=days_back, hours=days_back)
        fresh = analyze(inp, now)
        assert analyze_with(inp, now, cache, memo) == fresh
        assert fresh or days_back > 3
    assert memo.views and cache.calls > 0
