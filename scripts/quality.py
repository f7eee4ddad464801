"""The quality gates that run before the test suite: ruff, mypy and import-linter.

The source folders sit at the top of the repository and setuptools maps them into the
``dealnudge`` namespace (``[tool.setuptools.package-dir]`` in pyproject.toml). mypy and
import-linter resolve ``dealnudge.connectors`` by looking inside ``dealnudge/`` and so
cannot see that mapping. This script lays the namespace out in a temporary folder,
exactly as a wheel would, points both tools at it, and maps the paths in their output
back to the repository's own files.

    .venv/bin/python scripts/quality.py          # what `make lint` and `make test` run
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def package_dirs() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapping: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    return mapping


CHECKED_BESIDE = ("tests", "bench")  # type-checked too, against the laid-out namespace


def lay_out(target: Path) -> None:
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    # Parents before children, so a subpackage lands inside its copied parent.
    for package, folder in sorted(package_dirs().items(), key=lambda item: item[0].count(".")):
        shutil.copytree(ROOT / folder, target / package.replace(".", "/"), dirs_exist_ok=True,
                        ignore=skip)
    for folder in CHECKED_BESIDE:
        shutil.copytree(ROOT / folder, target / folder, ignore=skip)


def back_to_repo(text: str, tree: Path) -> str:
    """``<tmp>/dealnudge/connectors/x.py`` → ``connectors/x.py`` in tool output."""
    text = text.replace(f"{tree}/", "")
    for package, folder in sorted(package_dirs().items(), key=lambda item: -len(item[0])):
        prefix = package.replace(".", "/") + "/"
        text = re.sub(rf"(?m)(^|\s){re.escape(prefix)}", rf"\g<1>{folder}/", text)
    return text


def run(name: str, args: list[str], *, env: dict[str, str], cwd: Path, tree: Path) -> bool:
    print(f"== {name}", flush=True)
    done = subprocess.run(args, check=False, env=env, cwd=cwd, capture_output=True, text=True)
    print(back_to_repo(done.stdout + done.stderr, tree).rstrip(), flush=True)
    return done.returncode == 0


def main() -> int:
    ok = run("ruff", [str(BIN / "ruff"), "check", "."], env=dict(os.environ), cwd=ROOT,
             tree=ROOT)
    with tempfile.TemporaryDirectory(prefix="dealnudge-quality-") as tmp:
        tree = Path(tmp)
        lay_out(tree)
        env = {**os.environ, "PYTHONPATH": tmp, "MYPYPATH": tmp}
        ok &= run("mypy (packages, tests, bench)",
                  [str(BIN / "mypy"), "--config-file", str(ROOT / "pyproject.toml"),
                   "dealnudge", *CHECKED_BESIDE], env=env, cwd=tree, tree=tree)
        ok &= run("import-linter", [str(BIN / "lint-imports"), "--no-cache",
                                    str(ROOT / "pyproject.toml")], env=env, cwd=tree, tree=tree)
    print("quality gates passed" if ok else "quality gates FAILED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
