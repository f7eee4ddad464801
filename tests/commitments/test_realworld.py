"""The real-world corpus: a split that never moves, the per-e-mail score, the dev floor,
and the mail shapes the corpus taught (each with its own small examples, not corpus
cases). The test split is never read here case by case: bench/commitments.py scores it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dealnudge.analyzer.commitments import Commitment, extract_commitments

from tests.commitments.realworld import (
    LANGUAGES,
    Outcome,
    bootstrap,
    figures,
    load_corpus,
    load_split,
    outcomes_by_language,
    split_of,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


def days(text: str, sent_at: dt.datetime, author: str = "customer") -> list[dt.date | None]:
    found = extract_commitments(text, sent_at=sent_at, author=author)  # type: ignore[arg-type]
    return [c.due for c in found if c.actor in ("customer", "joint")]


def dated(found: list[Commitment]) -> list[dt.date]:
    return [c.due for c in found if c.actor != "seller" and c.due is not None and not c.vague]


# --- the split and the score ------------------------------------------------------------

def test_split_is_a_fixed_function_of_the_id_and_about_sixty_forty() -> None:
    ids = [case.id for case in load_corpus()]
    assert len(ids) == len(set(ids)) and len(ids) >= 400
    splits = [split_of(case_id) for case_id in ids]
    assert 0.5 <= splits.count("dev") / len(ids) <= 0.7
    assert [split_of(case_id) for case_id in ids] == splits  # no state, no randomness


def test_cases_added_later_never_move_existing_ones(tmp_path: Path) -> None:
    for source in (Path(__file__).parent / "corpus").glob("*.jsonl"):
        lines = source.read_text(encoding="utf-8").splitlines()
        if source.stem in LANGUAGES:
            extra = json.loads(lines[0]) | {"id": f"{source.stem}-9999"}
            lines.append(json.dumps(extra, ensure_ascii=False))
        (tmp_path / source.name).write_text("\n".join(lines), encoding="utf-8")
    before = {case.id for case in load_split("dev")}
    after = {case.id for case in load_split("dev", tmp_path)}
    assert after - before <= {"en-9999", "zh-9999"} and before <= after


def test_per_mail_figures_count_positives_and_dates() -> None:
    outcomes = [Outcome(True, True, True), Outcome(True, True, False),
                Outcome(True, False, False), Outcome(False, True, False),
                Outcome(False, False, False)]
    got = figures(outcomes)
    assert (got.tp, got.fp, got.fn, got.date_right) == (2, 1, 1, 1)
    assert got.precision == pytest.approx(2 / 3) and got.recall == pytest.approx(2 / 3)
    assert got.date_accuracy == 0.5
    low, high = bootstrap(outcomes, resamples=200)["f1"]
    assert 0.0 <= low <= got.f1 <= high <= 1.0
    assert bootstrap(outcomes, resamples=200) == bootstrap(outcomes, resamples=200)


# Measured on dev at the end of the fifth round (bench/README.md): en F1 0.886, zh 0.942,
# date accuracy 0.961 / 1.0. Dev grows with every fresh batch of real mail, whose dev half
# is scored before any rule changes for it, so it is harder than the first cases; the
# floors sit just under the measured figures and catch a rule that breaks the corpus
# before the bench is run. The targets (F1 0.90, dates 0.95) are judged on the
# test split, by the bench only.
DEV_F1_FLOOR = {"en": 0.88, "zh": 0.93}
DEV_DATE_FLOOR = 0.95


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dev_split_stays_at_its_measured_level(lang: str) -> None:
    got = figures(outcomes_by_language(load_split("dev"))[lang])
    assert got.mails >= 100
    assert got.f1 >= DEV_F1_FLOOR[lang], got
    assert got.date_accuracy >= DEV_DATE_FLOOR, got


# --- numeric dates: the writer's order, or no day ---------------------------------------

@pytest.mark.parametrize(("text", "sent_at", "expected"), [
    # a UK phone number says day-first; a New York sender month-first
    ("We'll sign on 03/02.\n\nKate\n+44 20 7946 0321", dt.datetime(2026, 1, 20, 9, tzinfo=UTC),
     dt.date(2026, 2, 3)),
    ("We'll sign on 03/02.", dt.datetime(2026, 1, 20, 9, tzinfo=NEW_YORK), dt.date(2026, 3, 2)),
    # another date of the same mail that only reads one way decides
    ("Invoice of 28/02/2026 received. We will pay it on 05/03.",
     dt.datetime(2026, 3, 2, 9, tzinfo=NEW_YORK), dt.date(2026, 3, 5)),
    # a weekday beside the date decides over everything else
    ("We'll come by on Tuesday 6/10.", dt.datetime(2026, 9, 28, 9, tzinfo=NEW_YORK),
     dt.date(2026, 10, 6)),
    ("第一批数量我们3.10号之前确认给您。", dt.datetime(2026, 3, 4, 9, tzinfo=SHANGHAI),
     dt.date(2026, 3, 10)),
])
def test_numeric_dates_follow_the_writers_order(text: str, sent_at: dt.datetime,
                                                expected: dt.date) -> None:
    assert days(text, sent_at) == [expected]


def test_a_numeric_date_that_reads_two_ways_gets_no_day() -> None:
    found = extract_commitments("Our team will visit your showroom on 9/10.",
                                sent_at=dt.datetime(2026, 8, 31, 9, tzinfo=UTC), author="customer")
    assert [(c.actor, c.due, c.vague) for c in found] == [("customer", None, True)]


def test_a_choice_between_days_is_not_a_day() -> None:
    sent = dt.datetime(2026, 12, 1, 9, tzinfo=NEW_YORK)
    assert dated(extract_commitments("We will invite you to present on December 9 or 10.",
                                     sent_at=sent, author="customer")) == []


# --- reschedules and replies to a proposed day ------------------------------------------

def test_a_reschedule_asked_as_a_question_commits_to_the_new_day() -> None:
    sent = dt.datetime(2026, 5, 19, 9, tzinfo=LONDON)
    assert dated(extract_commitments("Thursday no longer works for us. Could we move it to "
                                     "Tuesday 26 May instead?", sent_at=sent,
                                     author="customer")) == [dt.date(2026, 5, 26)]
    assert dated(extract_commitments("原定明天（5月20日）的演示，改到下周二（5月26日）上午十点。",
                                     sent_at=sent, author="customer")) == [dt.date(2026, 5, 26)]


_QUOTED_PROPOSAL = ("有，到时候我一定来。\n\n张伟\n\n"
                    "------------------ 原始邮件 ------------------\n发件人: 李明\n"
                    "发送时间: 2026年3月2日 10:00\n主题: 发布会\n\n"
                    "张总，3月12日（周四）下午的发布会您有空参加吗？我周五前把议程发给您。\n")


def test_accepting_the_quoted_proposal_dates_the_reply() -> None:
    sent = dt.datetime(2026, 3, 3, 9, tzinfo=SHANGHAI)
    assert dated(extract_commitments(_QUOTED_PROPOSAL, sent_at=sent, author="customer")) == [
        dt.date(2026, 3, 12)]


def test_the_quote_alone_is_never_evidence() -> None:
    sent = dt.datetime(2026, 3, 3, 9, tzinfo=SHANGHAI)
    reply = _QUOTED_PROPOSAL.replace("有，到时候我一定来。", "收到，谢谢。")
    assert extract_commitments(reply, sent_at=sent, author="customer") == []


def test_a_weekday_in_the_reply_takes_the_week_the_quote_proposed() -> None:
    text = ("周四吧，上午九点半。\n\n霍峰 <hf@example.cn> 于2026年7月20日周一 17:31写道：\n"
            "> 下周我们想过来回访，周二（7月28日）或周四（7月30日）您哪天方便？\n")
    sent = dt.datetime(2026, 7, 21, 9, tzinfo=SHANGHAI)
    assert dated(extract_commitments(text, sent_at=sent, author="customer")) == [
        dt.date(2026, 7, 30)]


# --- lists, minutes and announced events -------------------------------------------------

def test_a_sellers_recap_list_gives_the_customer_its_items() -> None:
    text = ("Hi Jorge,\n\nMy action items:\n- Send two references by Wednesday\n\n"
            "Your action items:\n- Confirm the number of trucks per depot by Friday 6/12\n"
            "- Ask your CFO about leasing\n\nThanks,\nDana\n")
    found = extract_commitments(text, sent_at=dt.datetime(2026, 6, 8, 9, tzinfo=NEW_YORK),
                                author="seller")
    assert dated(found) == [dt.date(2026, 6, 12)]
    assert all(c.due != dt.date(2026, 6, 10) for c in found if c.actor != "seller")


def test_owner_lines_and_event_labels() -> None:
    text = ("Actions\n- Teresa: share the intake forms by 3/6\n- Ana (us): send the plan by 3/9\n\n"
            "Next meeting: Wednesday 3/18, 8am PT.\n")
    found = extract_commitments(text, sent_at=dt.datetime(2026, 3, 4, 8, tzinfo=NEW_YORK),
                                author="seller")
    assert sorted(dated(found)) == [dt.date(2026, 3, 6), dt.date(2026, 3, 18)]
    notice = "Key dates:\n- Pre-bid meeting: 2026-10-06, 10:00\n- Questions due: 2026-10-09\n"
    assert dated(extract_commitments(notice, sent_at=dt.datetime(2026, 9, 28, tzinfo=NEW_YORK),
                                     author="customer")) == [dt.date(2026, 10, 6)]


# --- false positives the corpus showed ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "As agreed, payment will be made within 30 days of receipt of a correct invoice.",
    "Noted with thanks. We will wait for your delivery on 2 June.",
    "好的，收到，等你们下周三的安装通知。",
    "合同签订之日起15个工作日内我们付款。",
    "我们周二已经聊得很清楚了，谢谢。",
])
def test_terms_acknowledgements_and_the_past_are_not_dated_steps(text: str) -> None:
    sent = dt.datetime(2026, 5, 27, 10, tzinfo=SHANGHAI)
    assert dated(extract_commitments(text, sent_at=sent, author="customer")) == []
