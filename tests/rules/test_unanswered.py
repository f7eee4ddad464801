"""Rule 8: unanswered_customer — a customer's question or request still waiting for the rep."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from dealnudge.analyzer.rules import analyze
from dealnudge.config.schema import Thresholds

from dealnudge.records import Finding
from tests.rules.factories import DANA, REP, REP2, Record, at, mail, make_input, rep_view, run

NOW = at(10, 12)
ASK = "Could you send us the security whitepaper before our IT review?"


def unanswered(now: dt.datetime, messages: Sequence[Record], **options: object) -> list[Finding]:
    return [f for f in run(now, (), messages, **options) if f.kind == "unanswered_customer"]


def question(day: int = 5, body: str = ASK, **options: object) -> Record:
    return mail(DANA, options.pop("to", REP), at(day, 9),  # type: ignore[arg-type]
                f"Hi Sarah,\n\n{body}\n\nThanks,\nDana", message_id=f"ask-{day}@acme.example",
                **options)  # type: ignore[arg-type]


def test_a_question_left_without_reply_is_reported() -> None:
    [finding] = unanswered(NOW, [question()])
    assert (finding.rep, finding.account, finding.meeting_uid) == (REP, "acme.example", None)
    assert finding.evidence == ASK and finding.message_id == "ask-5@acme.example"
    assert finding.since == at(6, 9)  # received + reply_within_hours
    assert finding.to_json()["message_id"] == "ask-5@acme.example"
    assert "answer today" in finding.detail.lower()


def test_a_reply_to_anyone_at_the_account_answers_it() -> None:
    reply = mail(REP, "ops@acme.example", at(5, 16), "Here it is.")
    assert unanswered(NOW, [question(), reply]) == []
    earlier = mail(REP, DANA, at(4, 16), "Agenda.")
    assert len(unanswered(NOW, [question(), earlier])) == 1  # before the question: no answer


def test_a_mail_without_a_question_or_request_waits_for_nothing() -> None:
    assert unanswered(NOW, [question(body="Thanks, we are reviewing it.")]) == []
    assert unanswered(NOW, [question(body="Please find attached the signed NDA.")]) == []


def test_auto_replies_never_count() -> None:
    assert unanswered(NOW, [question(auto=True)]) == []
    ooo = "I am out of the office until March 12. Please contact ops@acme.example."
    assert unanswered(NOW, [question(body=ooo)]) == []


def test_not_before_reply_within_hours() -> None:
    assert unanswered(at(6, 9), [question()]) == []
    assert len(unanswered(at(6, 9, 1), [question()])) == 1
    assert unanswered(NOW, [question()], thresholds=Thresholds(reply_within_hours=200)) == []


def test_a_question_only_in_quoted_text_is_not_the_customers() -> None:
    body = ("Thanks, noted.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Sarah Chen "
            "<sarah.chen@northwind.example> wrote:\n> Could you sign by March 20?\n")
    assert unanswered(NOW, [mail(DANA, REP, at(5, 9), body)]) == []


def test_only_mail_addressed_to_the_rep_or_an_alias() -> None:
    to_other = mail(DANA, REP2, at(5, 9), ASK)
    assert unanswered(NOW, [to_other]) == []
    alias = "sarah@sales.northwind.example"
    reps = [rep_view(REP, alias)]
    assert len(unanswered(NOW, [mail(DANA, alias, at(5, 9), ASK)], reps=reps)) == 1
    assert len(unanswered(NOW, [mail(DANA, REP2, at(5, 9), ASK, cc=[REP])])) == 1


def test_older_than_the_active_window_is_left_alone() -> None:
    assert unanswered(NOW, [question(day=1)], thresholds=Thresholds(active_within_days=5)) == []


def test_chinese_questions_and_requests() -> None:
    wang = "wang.zong@huaxin.cn"
    sent = dt.datetime(2026, 3, 5, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    for body in ("能否把数据安全白皮书发给我们？", "麻烦发一下你们和SAP对接的案例。",
                 "你们的系统支持私有化部署吗", "请把三年期的报价明细发给我们。"):
        [finding] = unanswered(NOW, [mail(wang, REP, sent, f"李经理您好，\n\n{body}\n\n王总")])
        assert finding.evidence == body and finding.account == "huaxin.cn"
    for body in ("收到，谢谢！", "附件是合同，请查收。", "我们还在考虑是否采购。"):
        assert unanswered(NOW, [mail(wang, REP, sent, body)]) == [], body


def test_each_unanswered_message_is_its_own_finding() -> None:
    found = unanswered(NOW, [question(day=4), question(day=5)])
    assert sorted(f.message_id or "" for f in found) == ["ask-4@acme.example", "ask-5@acme.example"]
    assert len({f.key for f in found}) == 2


def test_a_disabled_kind_is_not_reported() -> None:
    inp = dataclasses.replace(make_input((), [question()]),
                              disabled=frozenset({"unanswered_customer"}))
    assert analyze(inp, NOW) == []
    assert len(analyze(make_input((), [question()]), NOW)) == 1
