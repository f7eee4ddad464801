"""Rule 4: stalled_deal — the rep keeps acting while the customer does not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dealnudge.config.schema import Thresholds

from dealnudge.records import EmailMessage, Finding
from tests.rules.factories import DANA, REP, Record, at, event, mail, person, run

NOW = at(20)
NUDGE = "Just checking in on the proposal. Any news?"


def stalls(now: dt.datetime, events: Sequence[Record] = (), messages: Sequence[Record] = (),
           **options: object) -> list[Finding]:
    return [f for f in run(now, events, messages, **options) if f.kind == "stalled_deal"]


def rep_mail(day: int, to: str = DANA, month: int = 3, body: str = NUDGE) -> EmailMessage:
    return mail(REP, to, at(day, 10, month=month), body, subject="Proposal")


def dana_mail(day: int, month: int = 3, *, auto: bool = False) -> EmailMessage:
    return mail(DANA, REP, at(day, 9, month=month), "Thanks, we are reviewing it.",
                subject="Re: Proposal", auto=auto)


def test_unanswered_touches_after_long_customer_silence_are_a_stall() -> None:
    [finding] = stalls(NOW, messages=[dana_mail(1), rep_mail(5), rep_mail(10)])
    assert (finding.rep, finding.account, finding.meeting_uid) == (REP, "acme.example", None)
    assert finding.last_customer_action == at(1, 9)
    assert finding.seller_touches == 2
    assert finding.since == at(15, 9)  # last customer action + 14 days
    assert "dana@acme.example" in (finding.evidence or "")
    assert "18 days" in finding.detail and "2 seller-only touches" in finding.detail


def test_a_customer_reply_ends_the_stall() -> None:
    assert stalls(NOW, messages=[dana_mail(1), rep_mail(5), rep_mail(10), dana_mail(12)]) == []


def test_too_few_touches_or_too_recent_silence_is_no_stall() -> None:
    assert stalls(NOW, messages=[dana_mail(1), rep_mail(10)]) == []
    assert stalls(at(14), messages=[dana_mail(1), rep_mail(3), rep_mail(5)]) == []


def test_old_silence_without_recent_touches_is_dormant_not_stalled() -> None:
    messages = [dana_mail(1, month=1), rep_mail(5, month=1), rep_mail(10, month=1)]
    assert stalls(NOW, messages=messages) == []
    assert len(stalls(at(5, month=2), messages=messages)) == 1  # was stalled back then


def test_auto_reply_does_not_reset_the_clock() -> None:
    messages = [dana_mail(1), rep_mail(5), dana_mail(5, auto=True), rep_mail(10)]
    assert [f.seller_touches for f in stalls(NOW, messages=messages)] == [2]


def test_a_held_meeting_resets_the_clock() -> None:
    held = event(at(8, 14), customer_response="needs_action")  # did not decline: attended
    assert stalls(NOW, [held], [dana_mail(1), rep_mail(12), rep_mail(14)]) == []


def test_invitations_the_customer_never_accepted_are_seller_touches() -> None:
    invites = [event(at(25, 14), customer_response="needs_action", updated=at(6, 10)),
               event(at(27, 14), customer_response="needs_action", updated=at(9, 10))]
    [finding] = stalls(NOW, invites, [dana_mail(1)])
    assert finding.seller_touches == 2


def test_declined_and_cancelled_meetings_are_seller_touches() -> None:
    declined = event(at(8, 14), customer_response="declined", updated=at(6, 10))
    cancelled = event(at(12, 14), status="cancelled", updated=at(9, 10))
    [finding] = stalls(NOW, [declined, cancelled], [dana_mail(1)])
    assert finding.seller_touches == 2


def test_customer_accepting_a_meeting_ahead_keeps_the_deal_alive() -> None:
    accepted = event(at(25, 14), customer_response="accepted")
    assert stalls(NOW, [accepted], [dana_mail(1), rep_mail(5), rep_mail(10)]) == []


def test_no_customer_action_at_all_measures_from_the_first_touch() -> None:
    [finding] = stalls(NOW, messages=[rep_mail(20, month=2), rep_mail(1), rep_mail(10)])
    assert finding.last_customer_action is None
    assert finding.seller_touches == 3
    assert finding.since == at(20, 10, month=2) + dt.timedelta(days=14)
    assert stalls(at(5), messages=[rep_mail(20, month=2), rep_mail(1)]) == []  # 13 days only


def test_new_senior_person_answering_an_invitation_resets_the_clock() -> None:
    invite = event(at(25, 14), customer_response="needs_action", updated=at(12, 10))
    forwarded = event(at(25, 14), uid=invite.uid, customer_response="needs_action",
                      updated=at(12, 10), extra=[person("vp.sales@acme.example", "tentative")])
    messages = [dana_mail(1), rep_mail(5), rep_mail(10)]
    assert [f.seller_touches for f in stalls(NOW, [invite], messages)] == [3]
    assert stalls(NOW, [forwarded], messages) == []


def test_the_rep_writing_to_someone_new_is_not_the_customer_acting() -> None:
    messages = [dana_mail(1), rep_mail(5), rep_mail(10, to="cfo@acme.example")]
    assert [f.seller_touches for f in stalls(NOW, messages=messages)] == [2]


def test_recap_of_a_dated_customer_commitment_resets_the_clock() -> None:
    recap = rep_mail(8, body="As agreed, you'll bring Dana from finance to the review on March 10.")
    assert stalls(NOW, messages=[dana_mail(1), rep_mail(5), recap, rep_mail(9)]) == []


def test_thresholds_come_from_the_config() -> None:
    strict = Thresholds(stall_after_days=7, stall_min_seller_touches=3, active_within_days=5)
    messages = [dana_mail(1), rep_mail(9), rep_mail(12), rep_mail(16)]
    assert [f.seller_touches for f in stalls(NOW, messages=messages, thresholds=strict)] == [3]
    assert stalls(at(22), messages=messages, thresholds=strict) == []  # last touch 6 days ago


def test_free_mail_deal_is_per_address() -> None:
    messages = [mail(REP, "zhang.san@qq.com", at(d, 10), NUDGE) for d in (1, 5, 10)]
    assert [f.account for f in stalls(NOW, messages=messages)] == ["zhang.san@qq.com"]
