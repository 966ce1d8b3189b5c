"""The public, read-only graph API (inputs, primitive, params, name, walk) and the grad-mode blocks."""

import sys
import threading

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Tensor, Value, modes, no_grad
from autograd_lite.engine import walk


def test_a_node_shows_how_it_was_made_and_a_leaf_shows_nothing():
    x = Tensor(np.ones((2, 3)), requires_grad=True, name="x")
    y = x.sum(axis=np.int64(-1)) * 2.0
    assert y.primitive is ag.multiply and y.inputs[1] == 2.0 and y.inputs[0].primitive is ag.sum
    assert dict(y.inputs[0].params) == {"axis": 1, "keepdims": False}   # canonical, as the VJP sees it
    assert x.primitive is None and x.inputs == () and dict(x.params) == {} and x.name == "x"


def test_params_cannot_be_changed_through_the_api():
    y = Tensor(np.ones(3), requires_grad=True).sum(axis=0)
    with pytest.raises(TypeError):
        y.params["axis"] = 5
    with pytest.raises(AttributeError):
        y.inputs = ()
    assert y.params["axis"] == 0


def test_walk_lists_each_node_once_before_its_inputs_even_past_the_recursion_limit():
    x = Value(1.0, label="x")
    y = x
    for _ in range(sys.getrecursionlimit() + 100):
        y = y * 1.0 + x
    nodes = walk(y)
    assert nodes[0] is y and nodes[-1] is x and len(nodes) == len({id(n) for n in nodes})
    position = {id(n): i for i, n in enumerate(nodes)}
    assert all(position[id(p)] > position[id(n)] for n in nodes for p in n.inputs if isinstance(p, Value))


def test_walk_of_a_leaf_is_the_leaf_and_of_a_number_an_error():
    x = Value(2.0)
    assert walk(x) == [x]
    with pytest.raises(TypeError, match="walk: root must be a Value or a Tensor, not float"):
        walk(2.0)


@pytest.mark.parametrize("make", [lambda: Value(1.0, label=3), lambda: Tensor([1.0], name=b"w")])
def test_a_name_that_is_not_a_string_is_an_error(make):
    with pytest.raises(TypeError, match="it must be a str or None"):
        make()


def test_a_detached_copy_has_no_name_and_no_graph():
    x = Value(2.0, label="m")
    d = (x * x).detach()
    assert d.name is None and d.is_leaf and not d.requires_grad and d.data == 4.0


def test_no_grad_as_a_decorator_restores_each_threads_own_mode():
    """Two threads inside one decorated function at once, entered from different modes: each gets
    its own mode back (a block shared between the calls would hand one thread the other's)."""
    inside, first_left = threading.Barrier(2), threading.Event()

    @no_grad()
    def block(leave_first):
        inside.wait()
        if not leave_first:
            first_left.wait()

    @no_grad()
    def depth(n):
        return ag.is_grad_enabled() if n == 0 else depth(n - 1)

    modes_after = {}

    def run(name, recording, leave_first):
        with ag.enable_grad() if recording else no_grad():
            block(leave_first)
            if leave_first:
                first_left.set()
            modes_after[name] = ag.is_grad_enabled()

    threads = [threading.Thread(target=run, args=("recording", True, True)),
               threading.Thread(target=run, args=("not recording", False, False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert modes_after == {"recording": True, "not recording": False}
    assert depth(5) is False and ag.is_grad_enabled()


def test_a_failing_block_still_restores_the_mode():
    def fail():
        raise ZeroDivisionError
    with pytest.raises(ZeroDivisionError), no_grad():
        fail()
    assert ag.is_grad_enabled()
    with pytest.raises(ZeroDivisionError), ag.detect_anomaly():
        fail()
    assert not ag.is_anomaly_enabled() and modes.anomaly_blocks == 0
