"""What every example shares: its command line (``--quick``, ``--out-dir``), headings, and pyplot."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

EXTRA_HINT = "install the examples extra: pip install -e '.[examples]'"
#: the data files the examples read (the docs gallery runs a script without its ``__file__``)
DATA_DIR = Path(__file__).resolve().parent / "data"


def parse_args(docstring: str | None) -> tuple[bool, Path]:
    """``--quick`` (or AUTOGRAD_LITE_QUICK=1: smaller runs, for CI) and ``--out-dir`` (for the plots).

    ``--help`` describes the script by the first line of its docstring, which is its title. (The docs
    gallery runs a script with an empty ``__doc__``: it shows the docstring as the page's text.)
    """
    parser = argparse.ArgumentParser(description=(docstring or "").strip().partition("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes, for CI (also set by AUTOGRAD_LITE_QUICK=1)")
    parser.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="where to write the plots (default: examples/output)")
    args = parser.parse_args()
    quick = args.quick or os.environ.get("AUTOGRAD_LITE_QUICK", "").lower() not in ("", "0", "false", "no")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    return quick, args.out_dir


def heading(title: str) -> None:
    """A section title, underlined."""
    print()
    print(title)
    print("-" * len(title))


def load_pyplot():
    """matplotlib's pyplot on the Agg backend (files only), or None (with a hint) when it is missing."""
    try:
        import matplotlib
    except ImportError:
        print(f"(no plot: matplotlib is not installed; {EXTRA_HINT})")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Any, path: Path) -> None:
    """Lay out, write and close a matplotlib figure, and say where it went."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"\nWrote the plot to {path}")
