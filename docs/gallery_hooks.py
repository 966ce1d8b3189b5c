"""How ``examples/`` becomes the gallery: sphinx-gallery runs each script in quick mode, then shows
the pictures the script wrote.

The examples write their plots to files (``--out-dir``) and close the figures, and ``moores_law.py``
writes a Graphviz SVG, so the usual matplotlib scraper, which looks for open figures, would find none.
Instead each example gets an output folder of its own, and after each code block the pictures that
appeared in it go into the page. conf.py names these functions by their dotted names, so that Sphinx
can cache its configuration.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx_gallery.scrapers import figure_rst

PICTURES = (".png", ".svg")

# The gallery's order: the talk's demo first, then the tutorial's steps, as in the README's table.
ORDER = ["moores_law.py", "perceptron.py", "or_gate.py", "xor.py", "gradient_descent_variants.py",
         "digits.py", "digits_cnn.py", "digits_keras_cnn.py", "digits_tune.py", "sine_lstm.py",
         "char_model.py"]


def example_order(filename: str) -> tuple[int, str]:
    """Sort key for the gallery: the examples in ORDER first, in that order, then any others by name."""
    return (ORDER.index(filename) if filename in ORDER else len(ORDER), filename)


def example_output_dir(script_vars: dict[str, Any]) -> Path:
    """The folder an example writes its pictures to: beside its page in the generated gallery."""
    target = Path(script_vars["target_file"])
    return target.parent / "output" / target.stem


def quick_run_argv(gallery_conf: dict[str, Any], script_vars: dict[str, Any]) -> list[str]:
    """The command line each example runs with: quick mode (a short docs build), its own output folder.

    Called by sphinx-gallery just before the example runs; the folder starts empty, so that only this
    run's pictures are shown.
    """
    out_dir = example_output_dir(script_vars)
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    return ["--quick", "--out-dir", str(out_dir)]


def written_pictures_scraper(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    """The RST that shows every picture written since the last block, in the order they were written."""
    out_dir = example_output_dir(block_vars)
    shown = block_vars.setdefault("autograd_lite_shown_pictures", set())
    new = sorted((p for p in out_dir.glob("*") if p.suffix in PICTURES and p not in shown),
                 key=lambda p: p.stat().st_mtime_ns)
    images = []
    for picture in new:
        shown.add(picture)
        image = Path(next(block_vars["image_path_iterator"])).with_suffix(picture.suffix)
        shutil.copyfile(picture, image)
        images.append(str(image))
    return figure_rst(images, gallery_conf["src_dir"]) if images else ""
