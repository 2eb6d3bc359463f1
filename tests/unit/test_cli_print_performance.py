"""``qpmr-desktop print performance``: the quarterly report to PDF, and a bad period refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from qpmr_desktop.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def test_the_report_for_a_quarter_is_written(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"

    status, stdout, err = run(
        capsys, "print", "performance", "--period", "Q1 2017/18", "--out", str(out),
        "--database", str(demo_path),
    )  # fmt: skip

    assert (status, err) == (0, "")
    assert stdout.strip() == str(out)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(out).pages)
    assert "Quarterly performance report" in text
    assert "CLA-01" in text


def test_a_bad_period_exits_1_with_the_message(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"

    status, stdout, err = run(
        capsys, "print", "performance", "--period", "Q5 2017/18", "--out", str(out),
        "--database", str(demo_path),
    )  # fmt: skip

    assert status == 1
    assert stdout == ""
    assert err.startswith("qpmr-desktop: error: ")
    assert "Q5 2017/18" in err
    assert not out.exists()
