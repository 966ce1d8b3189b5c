"""Data a graph still needs cannot change under it: changes are prevented, or refused at backward."""

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Tensor, Value, no_grad, optim


def leaf(values, requires_grad=True):
    return Tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def test_leaves_that_require_grad_cannot_change_in_place_while_recording():
    w = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad while gradients are recorded"):
        w += 1.0
    with pytest.raises(ValueError, match="read-only"):
        w.data[0] = 5.0                       # .data is a read-only view while recording
    with no_grad():
        w -= 0.5                              # the sanctioned way, as optimizers do
        w.data[1] = 7.0                       # and .data is writable here
    np.testing.assert_array_equal(w.data, [0.5, 7.0])


def test_results_of_operations_are_read_only():
    w = leaf([1.0, 2.0])
    y = w * 2
    with pytest.raises(ValueError, match="read-only"):
        y.data[0] = 0.0
    with pytest.raises(RuntimeError, match="on the result of multiply"):
        y += 1.0


def test_a_leaf_changed_after_recording_makes_backward_refuse_and_name_the_op():
    w = leaf([1.0, 2.0])
    loss = (w * w).sum()
    with no_grad():
        w *= 3.0
    with pytest.raises(RuntimeError, match=r"input 0 of multiply \(a Tensor of shape \(2,\)\) was modified"):
        loss.backward()


def test_a_leaf_changed_between_two_operations_of_one_graph_is_refused():
    w = leaf([1.0, 2.0])
    y = w * 2                                 # recorded with the old w ...
    with no_grad():
        w += 1.0
    loss = (y + w).sum()                      # ... and this one with the new w
    with pytest.raises(RuntimeError, match="input 0 of multiply"):
        loss.backward()


def test_a_change_elsewhere_does_not_stop_an_unrelated_graph():
    w, other = leaf([1.0, 2.0]), leaf([3.0])
    loss = (w * w).sum()
    with no_grad():
        other += 1.0                          # a change after this graph was recorded, but not in it
    loss.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])


def test_a_constant_changed_after_recording_is_refused_too():
    x = leaf([1.0, 2.0], requires_grad=False)
    w = leaf([3.0, 4.0])
    loss = (x * w).sum()                      # d loss / d w = x: the graph needs x as it was
    x += 10.0
    with pytest.raises(RuntimeError, match="input 0 of multiply"):
        loss.backward()


def test_rebinding_data_counts_as_a_change():
    w = leaf([1.0, 2.0])
    loss = (w.exp()).sum()
    w.data = np.zeros(2)
    with pytest.raises(RuntimeError, match="input 0 of exp"):
        loss.backward()


def test_an_optimizer_step_never_records_and_invalidates_older_graphs():
    w = leaf([1.0, -2.0])
    loss = (w * w).sum()
    loss.backward()
    opt = optim.SGD([w], lr=0.1)
    opt.step()
    assert w.is_leaf and w.primitive is None and w.requires_grad       # no graph recorded by the step
    np.testing.assert_allclose(w.data, [0.8, -1.6])
    with pytest.raises(RuntimeError, match="modified in place after the graph was recorded"):
        loss.backward()                       # the graph saw the old w
    fresh = (w * w).sum()                     # a new forward pass is fine
    fresh.backward()


def test_values_rebound_after_recording_are_refused_but_the_micrograd_loop_works():
    m = Value(1.0)
    cost = (m * 3 - 1) ** 2
    m.data = 2.0
    with pytest.raises(RuntimeError, match="input 0 of multiply"):
        cost.backward()
    for _ in range(3):                        # the usual loop: forward, backward, update
        m.zero_grad()
        cost = (m * 3 - 1) ** 2
        cost.backward()
        m.data -= 0.01 * m.grad
    assert m.data < 2.0


def test_plain_arrays_as_constants_are_the_callers_to_keep():
    x = np.array([1.0, 2.0])
    w = leaf([3.0, 4.0])
    (ag.tensor(x) * w).sum().backward()       # a Tensor copies: later changes to x cannot matter
    x[:] = 0
    np.testing.assert_array_equal(w.grad, [1.0, 2.0])
