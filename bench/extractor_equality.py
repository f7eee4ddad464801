"""Check that a speed change to the commitment extractor keeps its outputs identical.

Runs ``extract_commitments`` on every corpus case (tests/commitments/corpus/*.jsonl,
all splits, with each case's ``sent_at``) and on the typical e-mails that
``bench/commitments.py throughput()`` times, each read as both authors, and writes
every output (actor, due, vague, text) to a JSON file. Record a reference on the
unchanged code, then compare after each change: the only acceptable difference count
is zero. Only the count and the ids of differing readings are printed, never the
outputs themselves (the corpus test split is not inspected case by case).

    .venv/bin/python bench/extractor_equality.py write /tmp/reference.json
    .venv/bin/python bench/extractor_equality.py compare /tmp/reference.json
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dealnudge.analyzer.commitments import AUTHORS, extract_commitments

from bench.commitments import typical_emails

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "commitments" / "corpus"
TYPICAL_SENT_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def readings() -> dict[str, list[list[object]]]:
    """Every reading's outputs, keyed by case id (or typical-mail index) and author."""
    inputs: list[tuple[str, str, dt.datetime]] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                raw = json.loads(line)
                key = f"{path.stem}:{raw.get('id', number)}"
                inputs.append((key, raw["text"], dt.datetime.fromisoformat(raw["sent_at"])))
    inputs += [(f"typical:{index}", text, TYPICAL_SENT_AT)
               for index, text in enumerate(typical_emails())]
    out: dict[str, list[list[object]]] = {}
    for key, text, sent_at in inputs:
        for author in AUTHORS:
            found = extract_commitments(text, sent_at=sent_at, author=author)
            out[f"{key}:{author}"] = [[c.actor, c.due and c.due.isoformat(), c.vague, c.text]
                                      for c in found]
    return out


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "compare"):
        print(__doc__)
        return 2
    target = Path(sys.argv[2])
    current = readings()
    if sys.argv[1] == "write":
        target.write_text(json.dumps(current, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        print(f"{len(current)} readings written to {target}")
        return 0
    reference = json.loads(target.read_text(encoding="utf-8"))
    differing = sorted(key for key in reference.keys() | current.keys()
                       if reference.get(key) != current.get(key))
    print(f"{len(current)} readings, {len(differing)} differ from {target}")
    if differing:
        print("first differing ids:", ", ".join(differing[:20]))
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
