"""Properties that must hold for any team's data, checked with hypothesis."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dealnudge.analyzer.accounts import account_key
from dealnudge.analyzer.rules import analyze
from dealnudge.config.schema import Thresholds
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dealnudge.records import CalendarEvent, EmailMessage, ResponseStatus
from tests.rules.factories import DANA, NEW_YORK, REP, REP2, at, event, mail, make_input, rep_view

START = at(1, month=2)
CUSTOMERS = (DANA, "ops@acme.example", "zhang.san@qq.com")
BODIES = (
    "", "Just checking in on the proposal.", "We'll get back to you.", "回头再联系。",
    "I've booked our CFO for a pricing review with you on Thursday, March 12.",
    "我下周三安排我们王总一起讨论你们的方案。",
    "We'll send you the signed NDA tomorrow.", "我们明天把签好的合同发给你们。", "能否把报价单发给我们？",
    "Could you send the security whitepaper?",
)
REPS = (rep_view(REP), rep_view(REP2))
FAST = settings(max_examples=40, deadline=None)

instants = st.integers(min_value=0, max_value=60 * 24 * 4).map(
    lambda quarter_hours: START + dt.timedelta(minutes=15 * quarter_hours))


@st.composite
def emails(draw: st.DrawFn) -> tuple[str, EmailMessage]:
    rep, customer = draw(st.sampled_from((REP, REP2))), draw(st.sampled_from(CUSTOMERS))
    sender, to = (rep, customer) if draw(st.booleans()) else (customer, rep)
    return rep, mail(sender, to, draw(instants), draw(st.sampled_from(BODIES)),
                     auto=draw(st.booleans()) and sender == customer)


@st.composite
def events(draw: st.DrawFn) -> tuple[str, CalendarEvent]:
    response: ResponseStatus = draw(st.sampled_from(("accepted", "declined", "needs_action")))
    return draw(st.sampled_from((REP, REP2))), event(
        draw(instants), uid=f"uid-{draw(st.integers(0, 5))}@example",
        customers=draw(st.lists(st.sampled_from(CUSTOMERS), min_size=1, max_size=2, unique=True)),
        customer_response=response,
        status=draw(st.sampled_from(("confirmed", "cancelled"))),
        updated=draw(st.none() | instants))


team_data = st.tuples(st.lists(events(), max_size=6), st.lists(emails(), max_size=12))


@FAST
@given(team_data, instants, st.randoms(use_true_random=False))
def test_record_order_does_not_matter(data: tuple[list, list], now: dt.datetime,
                                      rnd: object) -> None:
    evs, msgs = data
    # copies as stores hold them: a second calendar, a message also filed elsewhere
    evs = evs + [(r, dataclasses.replace(e, source_id=f"copy-{e.source_id}", title="Copy"))
                 for r, e in evs[:2]]
    msgs = msgs + [(r, dataclasses.replace(m, source_id=f"copy-{m.source_id}", folder="other"))
                   for r, m in msgs[:2]]
    first = analyze(make_input(evs, msgs, reps=REPS), now)
    shuffled_events, shuffled_messages = list(evs), list(msgs)
    rnd.shuffle(shuffled_events)  # type: ignore[attr-defined]
    rnd.shuffle(shuffled_messages)  # type: ignore[attr-defined]
    assert analyze(make_input(shuffled_events, shuffled_messages, reps=REPS), now) == first
    assert analyze(make_input(evs, msgs, reps=REPS), now) == first  # idempotent


@FAST
@given(team_data, instants)
def test_no_finding_before_its_window_ends(data: tuple[list, list], now: dt.datetime) -> None:
    th = Thresholds()
    for finding in analyze(make_input(*data, reps=REPS, thresholds=th), now):
        # a call-off is dated by its change stamp, which may be now itself
        assert finding.since < now or (finding.kind == "repeated_reschedules"
                                       and finding.since == now)
        if finding.meeting_key is not None:
            assert finding.meeting_start is not None and finding.meeting_start < now


@FAST
@given(team_data, instants, instants, st.sampled_from(CUSTOMERS), st.sampled_from((REP, REP2)))
def test_a_customer_reply_never_creates_a_stall(
        data: tuple[list, list], now: dt.datetime, when: dt.datetime, customer: str,
        rep: str) -> None:
    evs, msgs = data

    def stalls(messages: list) -> set[str]:
        return {f.key for f in analyze(make_input(evs, messages, reps=REPS), now)
                if f.kind == "stalled_deal"}

    account = account_key(customer)
    touches = [m.sent_at for r, m in msgs if r == rep and m.sender.email == rep
               and account in {account_key(a.email) for a in m.to}]
    assume(touches)  # a reply answers the rep: it comes after the rep's first e-mail there
    when = max(when, min(touches) + dt.timedelta(minutes=1))
    reply = (rep, mail(customer, rep, when, "Thanks, let me think about it."))
    assert stalls([*msgs, reply]) <= stalls(msgs)


DST_DAYS = (at(8, 7), at(1, 6, month=11))  # 2 a.m. New York time: spring forward, fall back


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DST_DAYS), st.integers(-36 * 60, 36 * 60))
def test_windows_are_real_hours_across_dst(change: dt.datetime, offset_minutes: int) -> None:
    start = (change + dt.timedelta(minutes=offset_minutes)).astimezone(NEW_YORK)
    meeting = event(start, hours=1)  # stated in New York time, as a calendar would
    inp = make_input([meeting], thresholds=Thresholds(follow_up_within_hours=24,
                                                       next_step_within_hours=10_000))
    due = meeting.end.astimezone(dt.UTC) + dt.timedelta(hours=24)
    assert analyze(inp, due) == []
    [finding] = analyze(inp, due + dt.timedelta(seconds=1))
    assert finding.since == due
    local = dataclasses.replace(meeting, start=meeting.start.astimezone(dt.UTC),
                                end=meeting.end.astimezone(dt.UTC))
    assert analyze(make_input([local], thresholds=inp.thresholds), due + dt.timedelta(seconds=1)) \
        == [finding]


@settings(max_examples=150, deadline=None)
@given(team_data, instants, instants, st.sampled_from(CUSTOMERS), st.sampled_from((REP, REP2)))
def test_a_customer_mail_clears_older_promises_and_a_reply_older_questions(
        data: tuple[list, list], now: dt.datetime, when: dt.datetime, customer: str,
        rep: str) -> None:
    evs, msgs = data
    when = min(when, now)
    account = account_key(customer)
    sent = {m.message_id: m.sent_at for _, m in msgs}

    def found(extra: tuple[str, EmailMessage], kind: str) -> list[dt.datetime]:
        return [sent[f.message_id or ""] for f in analyze(make_input(evs, [*msgs, extra],
                                                                      reps=REPS), now)
                if f.kind == kind and f.rep == rep and f.account == account]

    acted = found((rep, mail(customer, rep, when, "Thanks, noted.")), "slipped_commitment")
    assert all(at >= when for at in acted)
    answered = found((rep, mail(rep, customer, when, "Here you are.")), "unanswered_customer")
    assert all(at > when for at in answered)
