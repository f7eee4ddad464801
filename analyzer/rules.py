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
from dealnudge.analyzer.reschedules import reschedule_findings
from dealnudge.analyzer.slipped import slipped_findings
from dealnudge.analyzer.stall import stall_findings
from dealnudge.analyzer.threads import thread_findings
from dealnudge.analyzer.unanswered import unanswered_findings

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
    off = inp.disabled
    findings: list[Finding] = []
    if "missing_follow_up" not in off:
        findings += follow_up_findings(ctx, meetings)
    if not {"no_next_step", "vague_next_step"} <= off:
        findings += next_step_findings(ctx, meetings)
    if "stalled_deal" not in off:
        findings += stall_findings(ctx)
    if "slipped_commitment" not in off:
        findings += slipped_findings(ctx)
    if "repeated_reschedules" not in off:
        findings += reschedule_findings(ctx)
    if "single_threaded" not in off:
        findings += thread_findings(ctx, meetings)
    if "unanswered_customer" not in off:
        findings += unanswered_findings(ctx)
    return sort_findings([f for f in findings if f.kind not in off])
