"""What `pip install .` really installs: a wheel built from the repository holds every
data file the code reads at run time (templates, example configs, the migration
template), under the one `dealnudge` namespace and nothing else.

An editable install reads the source folders, so only a real wheel shows a data file
that packaging leaves out (the digest templates once were: `dealnudge demo` then failed
with TemplateNotFound in a clean virtualenv)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAPPED = {"dealnudge": "dealnudge", "analyzer": "dealnudge/analyzer", "config": "dealnudge/config",
          "connectors": "dealnudge/connectors", "scheduler": "dealnudge/scheduler",
          "store": "dealnudge/store"}


def _data_files() -> dict[str, Path]:
    """Installed path -> source file, for every non-Python file in the package folders."""
    found = {}
    for folder, installed in MAPPED.items():
        for path in (ROOT / folder).rglob("*"):
            if (path.is_file() and path.suffix not in {".py", ".pyc"}
                    and "__pycache__" not in path.parts):
                found[f"{installed}/{path.relative_to(ROOT / folder).as_posix()}"] = path
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    # From a clean copy: a build/ folder left in the checkout by an earlier build keeps
    # files that the packaging rules no longer include, and would hide their loss.
    source = tmp_path_factory.mktemp("source") / "dealnudge"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis",
        "demo-output", "tests"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                             "-w", str(out), str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    [built] = out.glob("dealnudge-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_holds_every_data_file(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    expected = _data_files()
    assert "dealnudge/scheduler/templates/digest.html.j2" in expected  # the walk sees them
    missing = sorted(path for path in expected if path not in names)
    assert not missing, missing


def test_the_wheel_installs_only_the_dealnudge_namespace(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/", 1)[0] for name in wheel.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"dealnudge"}
