"""Measure commitment extraction on real-world mail, and its speed on typical mail.

Prints one JSON object:

* ``realworld``: the corpus of whole e-mails (tests/commitments/corpus), per split
  (``dev``, the tuning material, and ``test``, never inspected case by case) and per
  language (``en``, ``zh``; ``mixed`` mails are counted in their dominant language and
  also shown alone): precision, recall, F1 and date accuracy of the per-e-mail
  judgement "has a dated customer next step", each with a 95% bootstrap interval
  (counting rules and the fixed split: tests/commitments/realworld.py);
* ``rules_only``: the same figures for the rules without the learned second reader
  (analyzer.second_reader), to show what the reader adds;
* ``baseline``: the naive dateparser baseline on the same splits, counted the same
  way: in a customer's e-mail (quote-stripped), the first date ``search_dates`` finds
  (en+zh, relative to the sent time, preferring future dates) is the predicted step;
  seller mails predict nothing. Needs the ``bench`` extra;
* ``resolver_comparison_dev``: on dev only, our grammar against dateparser as the
  resolver of the same evidence sentences (the library check);
* ``inhouse_dev``: the project's own one-line labelled set (tests/commitments/
  dev_set.jsonl, which now also holds the former held-out set), per commitment;
* ``throughput``: typical e-mails per second on one core (process CPU time, best of
  three rounds): ~600-character bilingual bodies with a quoted reply and a signature,
  2,000 generated from a fixed seed.

Run: ``.venv/bin/python bench/commitments.py`` (after ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import io
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dealnudge.analyzer.commitments import Author, extract_commitments, read_by_rules
from dealnudge.analyzer.quotes import strip_quoted

from tests.commitments.labelled import DEV_SET, evaluate, load_cases
from tests.commitments.realworld import (
    MailCase,
    Outcome,
    Predictor,
    bootstrap,
    dated_customer_days,
    figures,
    load_split,
    outcomes_by_language,
    predict_day,
)

SEED = 20260302
TYPICAL_EMAILS = 2000
ROUNDS = 3

_GREETINGS = ["Hi Tom,", "Hello Dana,", "张总您好：", "李经理，", "Dear Ms. Chen,", "Hi 王经理,"]
_BODY = [
    "Thanks for walking us through the platform yesterday, the team found it useful.",
    "We will send the signed order form on Friday.",
    "Our CFO will join the pricing review next Tuesday at 3pm.",
    "Let's meet again on March 12 to go through the pilot results.",
    "We need to discuss the budget internally and will get back to you.",
    "Could you send the security whitepaper before Thursday?",
    "The integration with our ERP looks straightforward from what we saw.",
    "I have attached the list of requirements from our IT department.",
    "Our main concern is still the migration effort for the older branches.",
    "我们下周三安排王总参加评审会。",
    "价格方面我们内部再评估一下，回头再联系。",
    "请把最新的报价单发给我，谢谢。",
    "我们月底前做决定，到时候通知您。",
    "周四下午三点咱们电话沟通一下细节。",
    "你们的产品很不错，团队反馈都很好！",
    "附件是我们整理的需求清单，请查收。",
    "我们比较关心数据迁移和权限管理这两块。",
    "I'm afraid we can't make it on Friday, but Monday works for us.",
    "好的，我们 next Tuesday 把 POC 报告发给您。",
]
_SIGNATURES = [
    "Best regards,\nDana Smith\nProcurement Manager | Acme Corp\n+1 212 555 0199",
    "此致\n敬礼！\n张伟\n华信科技 采购部\n电话：010-8888 6666",
    "Thanks,\nDana\n\nSent from my iPhone",
    "祝好\n张伟\n\n发自我的iPhone",
    "-- \nDana Smith | Acme Corp | dana@acme.example",
]
_QUOTE_HEADERS = [
    "On Mon, Mar 2, 2026 at 9:00 AM Tom Reed <tom@northwind.example> wrote:",
    "李明 <liming@northwind.example> 于2026年3月1日周日 18:22写道：",
    ("------------------ 原始邮件 ------------------\n发件人: \"李明\"<liming@northwind.example>\n"
    "发送时间: 2026年3月1日(星期天) 晚上6:22\n收件人: \"张伟\"<zw@huaxin.example>\n主题: 合同"),
    ("-----Original Message-----\nFrom: Tom Reed <tom@northwind.example>\n"
    "Sent: Sunday, March 1, 2026 6:22 PM\nTo: Dana Smith\nSubject: Next steps"),
    "在 2026-03-01 18:22:10，\"李明\" <liming@northwind.example> 写道：",
]
_QUOTED = [
    "I'll send the updated proposal by Thursday.", "我周五前把合同草稿发给您。",
    "Looking forward to our call.", "期待下周见面。", "Let me know if Tuesday works.",
    "Thanks again for your time today, it was great to meet the whole team.",
    "附件是更新后的方案和报价，有问题随时联系我。",
]


def typical_emails(count: int = TYPICAL_EMAILS, seed: int = SEED) -> list[str]:
    """Deterministic ~600-character bilingual replies with a quote and a signature."""
    rng = random.Random(seed)
    emails = []
    for _ in range(count):
        body = " ".join(rng.sample(_BODY, 6))
        quoted = "\n".join("> " + line for line in rng.sample(_QUOTED, 5))
        emails.append(f"{rng.choice(_GREETINGS)}\n\n{body}\n\n{rng.choice(_SIGNATURES)}\n\n"
                      f"{rng.choice(_QUOTE_HEADERS)}\n{quoted}\n")
    return emails


def throughput() -> dict[str, float]:
    emails = typical_emails()
    sent_at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    best = float("inf")
    for _ in range(ROUNDS):  # CPU time, best of a few rounds: the machine is shared
        start = time.process_time()
        found = 0
        for index, body in enumerate(emails):
            author: Author = "customer" if index % 2 else "seller"
            found += len(extract_commitments(body, sent_at=sent_at, author=author))
        best = min(best, time.process_time() - start)
    elapsed = best
    return {"emails": len(emails), "mean_chars": round(sum(map(len, emails)) / len(emails)),
            "seconds": round(elapsed, 3), "emails_per_second": round(len(emails) / elapsed),
            "commitments_found": found}


def dateparser_day(case: MailCase) -> dt.date | None:
    """The naive baseline: the first date dateparser finds in a customer's own text."""
    from dateparser.search import search_dates  # optional: the bench extra

    if case.author != "customer":
        return None
    local = case.sent_at.replace(tzinfo=None)
    settings = {"RELATIVE_BASE": local, "PREFER_DATES_FROM": "future"}
    found = search_dates(strip_quoted(case.text), languages=["en", "zh"],
                         settings=settings)  # type: ignore[arg-type]
    return found[0][1].date() if found else None


def rules_day(case: MailCase) -> dt.date | None:
    """The extractor without its second reader: the rules' own earliest dated day."""
    found, _ = read_by_rules(case.text, sent_at=case.sent_at, author=case.author)
    days = dated_customer_days(found)
    return min(days) if days else None


def scored(outcomes: Sequence[Outcome]) -> dict[str, object]:
    counts = figures(outcomes)
    intervals = bootstrap(outcomes)
    report: dict[str, object] = {"mails": counts.mails, "tp": counts.tp, "fp": counts.fp,
                                 "fn": counts.fn}
    for name, (low, high) in intervals.items():
        report[name] = [round(getattr(counts, name), 3), round(low, 3), round(high, 3)]
    return report


def realworld(predictor: Predictor) -> dict[str, object]:
    report: dict[str, object] = {}
    for split in ("dev", "test"):
        groups = outcomes_by_language(load_split(split), predictor)
        report[split] = {lang: scored(outcomes) for lang, outcomes in groups.items()}
    return report


def baseline() -> dict[str, object]:
    try:
        import dateparser  # noqa: F401
    except ImportError:
        return {"skipped": "dateparser is not installed (pip install -e '.[bench]')"}
    start = time.perf_counter()
    report = realworld(dateparser_day)
    report["seconds"] = round(time.perf_counter() - start, 1)
    return report


def resolver_comparison() -> dict[str, object]:
    """Dev only: dateparser as the day resolver of our own evidence spans.

    On every dev mail where the extractor finds a dated customer step that the labels
    expect, the step's sentence is given to ``search_dates`` instead; its first date
    is right when a labelled day accepts it. Same spans, only the resolver differs.
    """
    try:
        from dateparser.search import search_dates
    except ImportError:
        return {"skipped": "dateparser is not installed"}
    ours = {"en": [0, 0], "zh": [0, 0]}
    library = {"en": [0, 0], "zh": [0, 0]}
    for case in load_split("dev"):
        found = [c for c in extract_commitments(case.text, sent_at=case.sent_at,
                                                author=case.author)
                 if c.actor != "seller" and c.due is not None and not c.vague]
        if not found or not case.accepted_days:
            continue
        step = min(found, key=lambda c: c.due or dt.date.max)
        settings = {"RELATIVE_BASE": case.sent_at.replace(tzinfo=None),
                    "PREFER_DATES_FROM": "future"}
        dates = search_dates(step.text, languages=["en", "zh"],
                             settings=settings)  # type: ignore[arg-type]
        for tally, right in ((ours, step.due in case.accepted_days),
                             (library, bool(dates) and dates[0][1].date() in case.accepted_days)):
            tally[case.lang][0] += right
            tally[case.lang][1] += 1
    report: dict[str, object] = {
        "steps": {lang: n for lang, (_, n) in ours.items()},
        "grammar_right": {lang: round(r / n, 3) for lang, (r, n) in ours.items() if n},
        "dateparser_right": {lang: round(r / n, 3) for lang, (r, n) in library.items() if n}}
    report["jionlp_right_zh"] = jionlp_comparison()
    return report


def _jionlp_day(entity: dict[str, object]) -> dt.date | None:
    """The first day of a jionlp time entity; spans and periods without one give None."""
    detail = entity.get("detail")
    moments = detail.get("time") if isinstance(detail, dict) else None
    first = moments[0] if isinstance(moments, list) and moments else None
    try:
        return dt.date.fromisoformat(first[:10]) if isinstance(first, str) else None
    except ValueError:  # "-inf" / "inf" for open-ended periods
        return None


def jionlp_comparison() -> object:
    """Dev, Chinese only: jionlp's time extractor as the resolver of the same spans.

    jionlp is not a dependency (about 220 MB installed); measured when present.
    """
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints a banner on import
            jionlp = importlib.import_module("jionlp")  # optional, untyped
    except ImportError:
        return "skipped: jionlp is not installed"
    right = total = 0
    start = time.perf_counter()
    for case in load_split("dev"):
        if case.lang != "zh" or not case.accepted_days:
            continue
        found = [c for c in extract_commitments(case.text, sent_at=case.sent_at,
                                                author=case.author)
                 if c.actor != "seller" and c.due is not None and not c.vague]
        if not found:
            continue
        step = min(found, key=lambda c: c.due or dt.date.max)
        base = case.sent_at.replace(tzinfo=None).timestamp()
        times = jionlp.ner.extract_time(step.text, time_base=base)
        day = _jionlp_day(times[0]) if times else None
        right += day in case.accepted_days
        total += 1
    elapsed = time.perf_counter() - start
    return {"steps": total, "right": round(right / total, 3) if total else None,
            "seconds": round(elapsed, 1)}


def main() -> None:
    report: dict[str, object] = {
        "format": "metric: [value, 95% interval low, high]",
        "realworld": realworld(predict_day),
        "rules_only": realworld(rules_day),
        "baseline": baseline(),
        "resolver_comparison_dev": resolver_comparison(),
        "inhouse_dev": {bucket: score.to_json() for bucket, score in
                        evaluate(load_cases(DEV_SET)).items()},
        "throughput": throughput(),
    }
    print(table(report))
    print(json.dumps(report, indent=1, ensure_ascii=False))


def table(report: dict[str, object]) -> str:
    """The per-e-mail figures as a Markdown table: value [95% interval]."""
    lines = ["| extractor | split | lang | mails | F1 | precision | recall | date accuracy |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    labels = {"realworld": "dealnudge", "rules_only": "rules alone", "baseline": "dateparser baseline"}
    for name, label in labels.items():
        section = report.get(name)
        if not isinstance(section, dict) or "dev" not in section:
            continue
        for split in ("dev", "test"):
            for lang, row in section[split].items():
                cells = [f"{row[m][0]:.3f} [{row[m][1]:.3f}, {row[m][2]:.3f}]"
                         for m in ("f1", "precision", "recall", "date_accuracy")]
                lines.append(f"| {label} | {split} | {lang} | {row['mails']} | "
                             + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
