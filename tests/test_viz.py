"""draw_graph: the graph as graphviz, named boxes, rendering, and the message when Graphviz is missing."""

import html
import shutil
import sys

import graphviz
import numpy as np
import pytest

from autograd_lite import Tensor, Value, draw_graph, nn


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


# ---- names, shapes, ops -------------------------------------------------------------------------------
def test_leaves_are_titled_by_their_names():
    m = Value(2.0, label="m")
    w = Tensor(np.ones((2, 3)), name="w", requires_grad=True)
    anonymous = Value(1.0, label="")                          # an empty name is no name
    source = draw_graph((m * 3.0 + anonymous).tanh()).source
    assert "<b>m</b>" in source and source.count("<b>leaf</b>") == 1   # only the unnamed one
    assert "<b>w</b>" in draw_graph((w * 2.0).sum()).source


def test_parameters_are_named_by_their_module_path():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = [nn.Linear(2, 3), nn.Linear(3, 1)]

        def forward(self, x):
            return self.layers[1](self.layers[0](x).tanh())

    net = Net()
    loss = net(Tensor(np.ones((4, 2)))).sum()
    expected = [name for name, _ in net.named_parameters()]
    assert expected == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
    for names in (net, dict(net.named_parameters())):       # a module, or a mapping name -> node
        source = draw_graph(loss, names=names).source
        assert all(f"<b>{name}</b>" in source for name in expected)
        assert "<b>leaf</b>" in source                        # the input is not a parameter
    weight = net.layers[0].weight
    weight.name = "layers.0.weight"                           # as a module names its parameters
    assert "<b>layers.0.weight</b>" in draw_graph(loss).source


def test_names_given_override_the_nodes_own_and_may_name_any_node():
    x = Value(3.0, label="x")
    hidden = x * x
    y = hidden + 1.0
    source = draw_graph(y, names={"input": x, "h": hidden, "also h": hidden}).source
    assert "<b>input</b>" in source and "<b>x</b>" not in source
    assert "<b>h, also h</b><br/><b>multiply</b>" in source   # a named op node keeps its op
    with pytest.raises(TypeError, match="names must be a mapping"):
        draw_graph(y, names=[x])
    with pytest.raises(TypeError, match="'x' maps to float"):
        draw_graph(y, names={"x": 3.0})


def test_tensors_show_shape_and_dtype_and_values_data_and_grad():
    x = Tensor(np.ones((2, 3), np.float32), name="x", requires_grad=True)
    (x * 2.0).sum().backward()
    source = draw_graph((x * 2.0).sum()).source
    assert "(2, 3) float32" in source and "() float32" in source
    assert "grad min 2 · mean 2 · max 2" in source            # every element of x.grad is 2
    v = Value(-1.5, label="v")
    (v * v).backward()
    source = draw_graph(v * v).source
    assert "data -1.5" in source and "grad -3" in source and "float" not in source


def test_ops_show_their_name_and_short_params_that_differ_from_the_default():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    labels = {
        "sum over axis 1": (x.sum(axis=1), "<b>sum</b> axis=1<br/>"),      # keepdims=False left out
        "sum of all": (x.sum(), "<b>sum</b><br/>"),
        "mean keeping dims": (x.mean(axis=0, keepdims=True), "<b>mean</b> axis=0 keepdims=True<br/>"),
        "reshape": (x.reshape(3, 2), "<b>reshape</b> shape=(3, 2)<br/>"),
        "index": (x[0, 1:], "<b>getitem</b> index=(0, 1:)<br/>"),
        "long index": (x[:, [0] * 30], "<b>getitem</b> index=…<br/>"),
    }
    for case, (node, label) in labels.items():
        assert label in draw_graph(node).source, case


def test_constant_inputs_stay_visible():
    x = Value(2.0, label="x")
    source = draw_graph(x * 3.5).source
    assert "n0_c1 [label=3.5 shape=plaintext]" in source and "n0_c1 -> n0" in source


def test_names_and_values_are_escaped_in_the_dot_source():
    awkward = 'a<b & "c"> </td>'
    x = Value(1.0, label=awkward)
    source = draw_graph(x * 2.0).source
    assert html.escape(awkward) in source and awkward not in source
    y = Tensor(np.ones(2), requires_grad=True)
    assert "<b>&lt;br/&gt;</b>" in draw_graph(y * 1.0, names={"<br/>": y}).source
    if shutil.which("dot") is not None:                       # Graphviz accepts the labels
        svg = draw_graph(x * 2.0).pipe(format="svg").decode()
        assert "a&lt;b &amp; &quot;c&quot;&gt; &lt;/td&gt;" in svg


def test_a_graph_deeper_than_the_recursion_limit_draws():
    depth = sys.getrecursionlimit() + 100
    y = Value(0.0, label="start")
    for _ in range(depth):
        y = y + 1.0
    source = draw_graph(y, max_nodes=depth + 1).source
    assert source.count("<b>add</b>") == depth and "<b>start</b>" in source and "truncated" not in source
