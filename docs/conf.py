"""Sphinx configuration for the autograd_lite documentation.

Build (warnings are errors)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build also runs every example in ``examples/`` (in quick mode) for the gallery, ``auto_examples/``;
an example whose source has not changed since the last build is not run again.
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS))  # for gallery_hooks, which sphinx-gallery imports by name

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
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "auto_examples/output"]

# The examples, run and rendered as a gallery with their output and pictures (as the scikit-learn and
# PyTorch tutorials are). Every script in examples/ runs, in quick mode so that the build stays short;
# _common.py is the examples' shared helper, not an example. The pictures are the files each example
# writes (see gallery_hooks.py); the examples draw on matplotlib's Agg backend (files only) by themselves.
# The hooks are named by string so that Sphinx can cache this setting.
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example...
    "ignore_pattern": r"^_",        # ...that is one: not _common.py (matched against the file name)
    "reset_argv": "gallery_hooks.quick_run_argv",
    "image_scrapers": ("gallery_hooks.written_pictures_scraper",),
    "within_subsection_order": "gallery_hooks.example_order",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
}

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True

napoleon_google_docstring = True
napoleon_numpy_docstring = True

# furo: code blocks scroll sideways instead of cutting long lines off, and it reads well on a phone.
html_theme = "furo"
html_title = f"autograd_lite {release}"
