"""The CLI answers bad configuration and an out-of-date store with one clear line, not a
traceback, and exit code 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _newsmon(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "newsmon.cli", *args],
        env={**os.environ, **env},
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_store_behind_the_code_is_a_clear_error(tmp_path: Path) -> None:
    from store.db import head_revision, migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate(url, "0001")
    proc = _newsmon("export", env={"NEWSMON_DATABASE_URL": url})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"schema revision 0001, this code needs {head_revision()}" in proc.stderr
    assert "newsmon migrate" in proc.stderr
    assert _newsmon("migrate", env={"NEWSMON_DATABASE_URL": url}).returncode == 0
    assert _newsmon("export", env={"NEWSMON_DATABASE_URL": url}).returncode == 0


def test_invalid_sources_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("version: 1\nsources:\n  - id: x1\n    name: X\n    languages: [en]\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'n.db'}"
    proc = _newsmon("summary", env={"NEWSMON_DATABASE_URL": url, "NEWSMON_SOURCES_FILE": str(bad)})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert str(bad) in proc.stderr and "'x1'" in proc.stderr
