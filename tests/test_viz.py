"""draw_graph: the graph as graphviz, rendering, and the message when Graphviz is missing."""

import shutil

import graphviz
import pytest

from autograd_lite import Value, draw_graph


def small_graph():
    x = Value(2.0)
    y = (x * 3.0 + x).tanh()
    y.backward()
    return y


def test_one_node_per_value_with_op_data_and_grad():
    dot = draw_graph(small_graph())
    assert isinstance(dot, graphviz.Digraph)
    source = dot.source
    for op in ("tanh", "add", "multiply", "leaf"):
        assert f"<b>{op}</b>" in source
    # x -> multiply, x -> add, 3.0 -> multiply, multiply -> add, add -> tanh
    assert source.count("->") == 5
    assert "data 2" in source and "grad 4" in source   # x = 2, dy/dx = 4·(1 − tanh²8) ≈ 4.5e-7
    assert draw_graph(small_graph()).source == source   # deterministic


def test_edges_point_from_inputs_to_outputs():
    x = Value(1.0)
    y = x.exp()
    source = draw_graph(y).source
    assert "n1 -> n0" in source    # n0 is the root (exp), n1 the leaf x


def test_nan_and_large_graphs():
    x = Value(float("nan"))
    assert "#ffb3b3" in draw_graph(x * 2).source
    y = Value(1.0)
    for _ in range(1000):
        y = y + 1.0
    source = draw_graph(y, max_nodes=50).source
    assert source.count("<b>") == 50 and "truncated at 50 nodes" in source


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (CI installs it)")
def test_writes_svg(tmp_path):
    path = draw_graph(small_graph()).write_image(tmp_path / "graph.svg")
    assert path.read_text().lstrip().startswith("<?xml") and "tanh" in path.read_text()


def test_missing_dot_gives_an_install_hint(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    dot = draw_graph(small_graph())
    assert "tanh" in dot.source              # the DOT source still works
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        dot.pipe(format="svg")
