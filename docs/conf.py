"""Sphinx configuration for the autograd_lite documentation.

Build (warnings are errors)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import autograd_lite  # noqa: E402

project = "autograd_lite"
author = "autograd_lite contributors"
copyright = "autograd_lite contributors"  # noqa: A001
release = autograd_lite.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]

exclude_patterns = ["_build"]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True

napoleon_google_docstring = True
napoleon_numpy_docstring = True

html_theme = "alabaster"
html_title = f"autograd_lite {release}"
html_theme_options = {
    "description": "Reverse-mode automatic differentiation, readable like a textbook.",
    "fixed_sidebar": True,
}
