"""Every script in examples/ runs to completion in quick mode, so the examples never rot."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).parent.parent / "examples"
EXAMPLES = sorted(p for p in EXAMPLES_DIR.glob("*.py") if not p.name.startswith("_"))  # _common is shared


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, tmp_path):
    result = subprocess.run(
        [sys.executable, str(script), "--quick", "--out-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
        # one BLAS thread: the test workers already use every core, and more threads only contend
        env={**os.environ, "AUTOGRAD_LITE_QUICK": "1", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert result.stdout.strip()


def test_moores_law_prints_the_fitted_slope_and_writes_the_graph(tmp_path):
    script = next(p for p in EXAMPLES if p.name == "moores_law.py")
    out = subprocess.run([sys.executable, str(script), "--quick", "--out-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert "m = 0.169734" in out and "1.774 years" in out
    assert any(tmp_path.glob("moores_law_cost.*"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_opens_with_the_title_its_gallery_page_needs(script):
    """sphinx-gallery makes a page of each example, titled by its docstring's first line, underlined."""
    title, underline, *_ = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))).splitlines()
    assert title.strip() and set(underline) == {"="} and len(underline) >= len(title), (title, underline)
