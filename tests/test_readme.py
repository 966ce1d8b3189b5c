"""The README's Python examples run as they are written and give the numbers their comments promise."""

import contextlib
import io
import math
import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def run(block: str) -> dict:
    namespace: dict = {"__name__": "readme"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(block, str(README), "exec"), namespace)
    return namespace


def block_with(text: str) -> str:
    (block,) = (b for b in BLOCKS if text in b)
    return block


def test_the_readme_has_its_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_every_block_runs_on_its_own(index):
    run(BLOCKS[index])


def test_the_moores_law_block_gives_the_slides_derivatives():
    namespace = run(block_with("def Cost(m)"))
    assert math.isclose(namespace["m"].grad, -10.948191603610045, rel_tol=1e-12)
    second = namespace["grad"](namespace["grad"](namespace["Cost"]))(0.1)
    assert math.isclose(second, 157.0, rel_tol=1e-9)


def test_the_keras_block_defines_its_data_and_reaches_full_test_accuracy():
    namespace = run(block_with("Sequential"))
    _, accuracy = namespace["model"].evaluate(namespace["X_test"], namespace["y_test"], verbose=0)
    assert accuracy == 1.0
