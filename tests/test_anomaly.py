"""Anomaly mode: the first NaN/Inf is traced to its op and to the user's line that created it."""

import numpy as np
import pytest
from helpers import run_together

import autograd_lite as ag
from autograd_lite import AnomalyError, Tensor, Value, detect_anomaly


def leaf(values):
    return Tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def test_a_forward_nan_names_the_op_the_inputs_and_the_users_line():
    x = leaf([1.0, 0.0, -4.0])
    with pytest.raises(AnomalyError) as failure, detect_anomaly(), np.errstate(all="ignore"):
        (x * 2.0).log()                                   # <- the line the error must point at
    message = str(failure.value)
    assert message.startswith("log produced 2 NaN/Inf value(s) from finite inputs ((3,) float64)")
    assert "test_anomaly.py" in message and "(x * 2.0).log()" in message
    assert failure.value.origin.function == "test_a_forward_nan_names_the_op_the_inputs_and_the_users_line"
    assert "#ffb3b3" in ag.draw_graph(failure.value.node).source


def test_a_backward_inf_names_the_op_whose_gradient_blew_up():
    x = leaf([1.0, 0.0])
    with detect_anomaly(), np.errstate(all="ignore"):
        y = x.sqrt()                                      # finite forward, infinite gradient at 0
        loss = (y * 3.0).sum()
        with pytest.raises(AnomalyError) as failure:
            loss.backward()
    message = str(failure.value)
    assert message.startswith("the gradient of sqrt with respect to its input 0 has 1 NaN/Inf")
    assert "y = x.sqrt()" in message
    source = ag.draw_graph(loss, highlight=failure.value.node).source
    assert 'penwidth=3' in source and "test_anomaly.py" in source


def test_nan_already_in_the_data_is_not_blamed_on_the_op():
    x = leaf([np.nan, 1.0])
    with detect_anomaly():
        y = (x * 2).sum()                                 # NaN in, NaN out: not an anomaly here
    assert np.isnan(y.data)


def test_off_by_default_and_silent_when_off():
    x = leaf([0.0])
    assert not ag.is_anomaly_enabled()
    with np.errstate(all="ignore"):
        y = x.log()
    assert np.isneginf(y.data[0]) and y.origin is None


def test_the_mode_is_restored_when_the_block_raises_and_works_as_a_decorator():
    @detect_anomaly()
    def inside():
        return ag.is_anomaly_enabled()

    assert inside() and not ag.is_anomaly_enabled()
    with pytest.raises(KeyError), detect_anomaly():
        raise KeyError
    assert not ag.is_anomaly_enabled()


def test_modes_are_per_thread():
    seen = {}

    def anomalous(barrier):
        with detect_anomaly(), ag.no_grad():
            barrier.wait()                            # both threads are inside their blocks now
            seen["a"] = (ag.is_anomaly_enabled(), ag.is_grad_enabled(), (Value(1.0) * 2).requires_grad)
            barrier.wait()

    def plain(barrier):
        barrier.wait()
        seen["b"] = (ag.is_anomaly_enabled(), ag.is_grad_enabled(), (Value(1.0) * 2).requires_grad)
        barrier.wait()

    run_together(anomalous, plain)
    assert seen == {"a": (True, False, False), "b": (False, True, True)}


def test_value_nodes_remember_where_they_were_made():
    with detect_anomaly():
        y = Value(2.0) * 3                                # a recorded Value node
    assert y.origin.source == "y = Value(2.0) * 3                                # a recorded Value node"


def test_value_ops_on_infinite_inputs_are_not_blamed():
    with detect_anomaly():
        y = Value(float("inf")) * 0.0                     # nan, but from an infinite input
    assert y.data != y.data
