"""The analyzer's entry point: stored records plus an explicit *now* in, findings out.

Pure logic — no I/O, no clock: the pipeline passes the reps, the organisation's
domains, the thresholds and every stored event and message, and gets back the
open findings of the precise rules in docs/method.md, sorted so that the same input gives
the same list whatever order the records were read in. Re-running is idempotent:
a finding's identity (``Finding.key``) and its ``since`` depend only on the data.

Bilingual commitment extraction lives in ``analyzer.commitments`` and is imported
only when a rule first needs a message's text.
"""

from __future__ import annotations

import datetime as dt

from dealnudge.analyzer.aftermeeting import follow_up_findings, next_step_findings
from dealnudge.analyzer.context import AnalysisInput, Memo, RepView, build_context
from dealnudge.analyzer.mailbox import CommitmentCache
from dealnudge.analyzer.meetings import customer_meetings
from dealnudge.analyzer.stall import stall_findings

from dealnudge.records import FINDING_KINDS, Finding

__all__ = ["AnalysisInput", "Memo", "RepView", "analyze", "analyze_with", "sort_findings"]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(findings, key=lambda f: (
        f.rep, FINDING_KINDS.index(f.kind), f.account, f.meeting_start or epoch,
        f.meeting_key or "", f.key))


def analyze(inp: AnalysisInput, now: dt.datetime) -> list[Finding]:
    """Every open finding as of ``now`` (an aware instant)."""
    return analyze_with(inp, now, CommitmentCache())


def analyze_with(inp: AnalysisInput, now: dt.datetime, commitments: CommitmentCache,
                 memo: Memo | None = None) -> list[Finding]:
    """``analyze`` with a caller-held extraction cache (whose ``calls`` benchmarks read)
    and, for many instants over the same records, a ``Memo`` of classified records."""
    ctx = build_context(inp, now, commitments, memo)
    meetings = customer_meetings(ctx.views, ctx.now)
    findings = follow_up_findings(ctx, meetings) + next_step_findings(ctx, meetings)
    findings += stall_findings(ctx)
    return sort_findings(findings)
