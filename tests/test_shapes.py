"""Shapes and indexing (autograd_lite.reshaping, autograd_lite.indexing) beyond the op table's rows:
NumPy's signature variants, gradients against PyTorch, ``at(x)[index]`` and ``t[index] = v``, results
that stay connected to the graph, and the errors."""

import array_api_strict as xps
import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 - PyTorch's own spelling

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor, gradients

RNG = np.random.default_rng(0)
X = RNG.normal(size=(2, 3, 4))
M = RNG.normal(size=(3, 4))
V = RNG.normal(size=5)

# ---- the forward, against NumPy's own function, in every form of its signature ------------------

FORMS = [
    ("repeat", (V, 2), {}),
    ("repeat", (M, np.array(2)), {"axis": np.int64(-1)}),
    ("repeat", (M, [1, 0, 3]), {"axis": 0}),
    ("repeat", (M, [2]), {"axis": 1}),
    ("repeat", (np.array(1.5), 3), {}),
    ("tile", (V, 2), {}),
    ("tile", (M, (2, 1, 2)), {}),
    ("tile", (X, (2,)), {}),
    ("tile", (np.array(2.0), ()), {}),
    ("pad", (M, 1), {}),
    ("pad", (M, (1, 2)), {"mode": "edge"}),
    ("pad", (M, ((0, 1), (5, 6))), {"mode": "reflect"}),
    ("pad", (np.ones((1, 2)), ((2, 1), (3, 3))), {"mode": "reflect"}),
    ("pad", (M, ((1,), (2,))), {"constant_values": ((1.0, 2.0), (3.0, 4.0))}),
    ("pad", (np.arange(6).reshape(2, 3), 1), {"constant_values": 7}),
    ("pad", (np.array(1.0), 2), {}),
    ("flip", (X,), {}),
    ("flip", (X, (0, -1)), {}),
    ("flip", (X, np.int64(1)), {}),
    ("fliplr", (M,), {}),
    ("flipud", (V,), {}),
    ("roll", (M, 5), {}),
    ("roll", (M, (1, -7)), {}),
    ("roll", (X, (1, 2)), {"axis": (0, -1)}),
    ("roll", (X, 1), {"axis": (1, 1)}),
    ("roll", (X, (1, 2)), {"axis": 2}),
    ("rot90", (M,), {}),
    ("rot90", (X, -1), {"axes": (2, 0)}),
    ("rot90", (X, 6), {"axes": (1, -1)}),
    ("rot90", (M, 4), {}),
    ("moveaxis", (X, 0, -1), {}),
    ("moveaxis", (X, (0, 1), (2, 0)), {}),
    ("rollaxis", (X, 2), {}),
    ("rollaxis", (X, 0, 3), {}),
    ("rollaxis", (X, -1, -2), {}),
    ("ravel", (X,), {}),
    ("take", (X, 5), {}),
    ("take", (X, np.array([[0, -1], [2, 2]])), {"axis": 1}),
    ("take", (M, np.array(-1)), {"axis": 0}),
    ("take", (M, []), {"axis": 1}),
    ("take_along_axis", (M, np.argsort(M, axis=1)), {"axis": 1}),
    ("take_along_axis", (M, np.argsort(M, axis=0)[:1]), {"axis": 0}),
    ("take_along_axis", (X, np.zeros((1, 1, 2), dtype=int)), {}),
    ("take_along_axis", (V, np.array([4, 0, 0])), {"axis": None}),
    ("diff", (X,), {}),
    ("diff", (X, 2), {"axis": 0}),
    ("diff", (X,), {"n": 0}),
    ("diff", (V, 7), {}),
    ("diff", (V,), {"prepend": 0.5, "append": [1.0, 2.0]}),
    ("diff", (M,), {"axis": 0, "prepend": 1, "append": np.ones((2, 4))}),
    ("diff", (np.arange(5) ** 2,), {"prepend": 0}),
    ("diff", (np.array([True, False, False, True]),), {}),
]


def _ids(cases):
    return [f"{case[0]}-{i}" for i, case in enumerate(cases)]


@pytest.mark.parametrize(("name", "args", "kwargs"), FORMS, ids=_ids(FORMS))
def test_the_forward_is_numpys_in_every_form_of_its_signature(name, args, kwargs):
    expected = getattr(np, name)(*args, **kwargs)
    plain = getattr(ag, name)(*args, **kwargs)
    assert not isinstance(plain, Tensor)
    assert np.shape(plain) == expected.shape and np.result_type(plain) == expected.dtype
    np.testing.assert_array_equal(plain, expected)
    tracked = getattr(ag, name)(Tensor(args[0]), *args[1:], **kwargs)
    assert isinstance(tracked, Tensor) and tracked.dtype == expected.dtype
    np.testing.assert_array_equal(tracked.data, expected)


SPLITS = [
    ("split", (V, [-2, 10, 1]), {}),
    ("split", (X, 2), {"axis": -1}),
    ("split", (X, np.array([1])), {"axis": np.int64(1)}),
    ("array_split", (V, 3), {}),
    ("array_split", (V, 7), {}),
    ("array_split", (M, [3, 1]), {"axis": 1}),
    ("hsplit", (V, 5), {}),
    ("hsplit", (M, [1, 3]), {}),
    ("vsplit", (M, 3), {}),
    ("dsplit", (X, [1, 1]), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), SPLITS, ids=_ids(SPLITS))
def test_splits_give_numpys_parts_as_a_list_each_connected_to_the_graph(name, args, kwargs):
    expected = getattr(np, name)(*args, **kwargs)
    x = Tensor(args[0], requires_grad=True)
    parts = getattr(ag, name)(x, *args[1:], **kwargs)
    assert isinstance(parts, list) and len(parts) == len(expected)
    for i, (part, want) in enumerate(zip(parts, expected)):
        np.testing.assert_array_equal(part.data, want)
        (g,) = gradients((part * (i + 1)).sum(), [x])
        reference = np.zeros_like(args[0])
        getattr(np, name)(reference, *args[1:], **kwargs)[i][...] = i + 1  # the parts are views of it
        np.testing.assert_array_equal(g, reference)


STACKS = [
    ("hstack", [V, np.array(1.0), V[:2]]),
    ("hstack", [M, M[:, :1]]),
    ("vstack", [V, V]),
    ("vstack", [M, V[:4]]),
    ("vstack", [np.array(1.0), np.array([2.0])]),
    ("dstack", [V, V]),
    ("dstack", [M, M]),
    ("dstack", [X, X[..., :1]]),
    ("column_stack", [V, V]),
    ("column_stack", [M[:, 0], M]),
    ("column_stack", [np.array(1.0), np.array([[2.0]])]),
]


@pytest.mark.parametrize(("name", "arrays"), STACKS, ids=_ids(STACKS))
def test_stacks_of_tensors_keep_the_graph_of_each(name, arrays):
    expected = getattr(np, name)(arrays)
    np.testing.assert_array_equal(getattr(ag, name)(arrays), expected)
    leaves = [Tensor(a, requires_grad=True) for a in arrays]
    mixed = [leaves[0], *arrays[1:]]  # tensors and arrays together
    np.testing.assert_array_equal(getattr(ag, name)(mixed).data, expected)
    r = RNG.normal(size=expected.shape)
    out = getattr(ag, name)(leaves)
    grads = gradients((out * r).sum(), leaves)
    joined = getattr(ag, name)([np.full(np.shape(a), float(i + 1)) for i, a in enumerate(arrays)])
    for i, (g, a) in enumerate(zip(grads, arrays)):  # each input's gradient: r where it landed
        np.testing.assert_array_equal(np.sort(g.ravel()), np.sort(r[joined == i + 1]))
        assert g.shape == np.shape(a)


def test_atleast_nd_give_one_result_for_one_input_and_a_tuple_for_several_as_numpy_2():
    for name in ("atleast_1d", "atleast_2d", "atleast_3d"):
        np_function, ag_function = getattr(np, name), getattr(ag, name)
        for a in (np.array(1.0), V, M, X):
            assert ag_function(a).shape == np_function(a).shape
        several = ag_function(np.array(1.0), V, M)
        assert isinstance(several, tuple)
        assert [s.shape for s in several] == [s.shape for s in np_function(np.array(1.0), V, M)]
        assert ag_function(X) is X  # enough axes: the input itself, as NumPy
        t = Tensor(X)
        assert ag_function(t) is t
        assert ag_function() == np_function()


def test_broadcast_arrays_and_meshgrid_as_numpy_with_every_result_connected():
    a, b, c = (Tensor(v, requires_grad=True) for v in (V[:2], V[:3].reshape(3, 1), np.array(2.0)))
    ours, theirs = ag.broadcast_arrays(a, b, c), np.broadcast_arrays(a.data, b.data, c.data)
    assert isinstance(ours, tuple) and len(ours) == 3
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o.data, t)
    ga, gb, gc = gradients(sum((i + 1.0) * o for i, o in enumerate(ours)).sum(), [a, b, c])
    np.testing.assert_array_equal(ga, np.full(2, 3.0))
    np.testing.assert_array_equal(gb, np.full((3, 1), 4.0))
    np.testing.assert_array_equal(gc, np.array(18.0))
    xs = (V[:2], V[:3], np.arange(4.0).reshape(2, 2))
    for count in (1, 2, 3):
        for indexing in ("xy", "ij"):
            for sparse in (False, True):
                ours = ag.meshgrid(*(Tensor(x) for x in xs[:count]), indexing=indexing, sparse=sparse)
                theirs = np.meshgrid(*xs[:count], indexing=indexing, sparse=sparse)
                assert isinstance(ours, tuple) and len(ours) == len(theirs) == count
                for o, t in zip(ours, theirs):
                    np.testing.assert_array_equal(o.data, t)
    assert ag.meshgrid() == np.meshgrid() == ()


# ---- gradients against PyTorch ------------------------------------------------------------------


def _grad_against_torch(ours, theirs, x):
    """∂(Σ r·f(x))/∂x here and in PyTorch, one random r."""
    t = Tensor(x, requires_grad=True)
    out = ours(t)
    r = RNG.normal(size=out.shape)
    (g,) = gradients((out * r).sum(), [t])
    xt = torch.tensor(x, requires_grad=True)
    expected = theirs(xt)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-15)
    (expected * torch.from_numpy(r)).sum().backward()
    np.testing.assert_allclose(g, xt.grad.numpy(), rtol=1e-14)


@pytest.mark.parametrize("shift", [1, -2, (1, 3), 7])
def test_roll_gradient_matches_torch(shift):
    axis = (0, 2) if isinstance(shift, tuple) else 1
    _grad_against_torch(lambda t: ag.roll(t, shift, axis), lambda t: torch.roll(t, shift, axis), X)
    if not isinstance(shift, tuple):  # (NumPy sums a tuple of shifts of the flattened array; torch refuses)
        _grad_against_torch(lambda t: ag.roll(t, shift), lambda t: torch.roll(t, shift), X)


@pytest.mark.parametrize("axis", [0, (1, 2), (-1,), (0, 1, 2)])
def test_flip_gradient_matches_torch(axis):
    dims = axis if isinstance(axis, tuple) else (axis,)
    _grad_against_torch(lambda t: ag.flip(t, axis), lambda t: torch.flip(t, dims), X)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "constant"])
def test_pad_gradient_matches_torch(mode):
    ours = {"replicate": "edge"}.get(mode, mode)
    # F.pad lists the pads from the last axis backwards; reflect's must be smaller than the axis
    _grad_against_torch(lambda t: ag.pad(t, ((0, 0), (2, 1), (3, 2)), mode=ours),
                        lambda t: F.pad(t[None], (3, 2, 2, 1), mode=mode)[0], X)


def test_repeat_take_along_axis_and_rot90_gradients_match_torch():
    _grad_against_torch(lambda t: ag.repeat(t, [2, 0, 1], axis=1),
                        lambda t: torch.repeat_interleave(t, torch.tensor([2, 0, 1]), dim=1), X)
    index = RNG.integers(0, 4, size=(2, 3, 6))
    _grad_against_torch(lambda t: ag.take_along_axis(t, index, axis=-1),
                        lambda t: torch.take_along_dim(t, torch.from_numpy(index), dim=-1), X)
    _grad_against_torch(lambda t: ag.rot90(t, 3, (2, 0)), lambda t: torch.rot90(t, 3, (2, 0)), X)
    _grad_against_torch(lambda t: ag.tile(t, (2, 1, 3)), lambda t: torch.tile(t, (2, 1, 3)), X)
    _grad_against_torch(lambda t: ag.diff(t, 2, axis=1), lambda t: torch.diff(t, 2, dim=1), X)


# ---- at(x)[index]: functional item assignment --------------------------------------------------


def test_at_add_accumulates_repeated_indices_and_set_keeps_numpys_last_write():
    x = RNG.normal(size=(4, 3))
    index = np.array([1, 3, 1, 1])
    v = RNG.normal(size=(4, 3))
    added = x.copy()
    np.add.at(added, index, v)
    # (x + the sum of the values, where np.add.at adds them one by one: equal up to rounding)
    np.testing.assert_allclose(ag.at(x)[index].add(v), added, rtol=1e-14, atol=1e-15)
    written = x.copy()
    written[index] = v
    np.testing.assert_array_equal(ag.at(x)[index].set(v), written)
    np.testing.assert_array_equal(written[1], v[3])  # NumPy's x[index] = v: the last write wins


@pytest.mark.parametrize(("name", "ufunc"), [("multiply", np.multiply), ("min", np.minimum),
                                             ("max", np.maximum)])
def test_at_multiply_min_and_max_apply_each_repeated_write_as_numpys_ufunc_at(name, ufunc):
    x = RNG.normal(size=(4, 3))
    for index, v in [(np.array([1, 3, 1, 1]), RNG.normal(size=(4, 3))), ((np.array([0, 0]), 1), 0.5),
                     (slice(1, 3), RNG.normal(size=3)), (x > 0, 0.0)]:
        expected = x.copy()
        ufunc.at(expected, index, np.broadcast_to(v, expected[index].shape))
        np.testing.assert_allclose(getattr(ag.at(x)[index], name)(v), expected, rtol=1e-15)
    t, w = Tensor(x, requires_grad=True), Tensor(2.0, requires_grad=True)
    gx, gw = gradients(ag.at(t)[np.array([0, 0, 2])].multiply(w).sum(), [t, w])
    expected_gx = np.ones_like(x)
    expected_gx[0], expected_gx[2] = 4.0, 2.0  # row 0 is multiplied by w twice
    np.testing.assert_array_equal(gx, expected_gx)
    np.testing.assert_allclose(gw, 2 * 2.0 * x[0].sum() + x[2].sum(), rtol=1e-14)


def test_at_leaves_plain_input_unchanged_and_gives_plain_output():
    x = RNG.normal(size=5)
    before = x.copy()
    for out in (ag.at(x)[1:3].set(0.0), ag.at(x)[[0, 0]].add(1.0), ag.at(x)[x > 0].set(-x[x > 0])):
        assert type(out) is np.ndarray and out is not x
    np.testing.assert_array_equal(x, before)
    np.testing.assert_array_equal(ag.at(x)[2].get(), x[2])
    t = Tensor(x, requires_grad=True)
    out = ag.at(t)[Tensor(np.array([0, 4]))].set(Tensor(9.0))  # tensors as index and value
    assert isinstance(out, Tensor) and out is not t
    np.testing.assert_array_equal(t.data, before)
    np.testing.assert_array_equal(out.data, np.array([9.0, *x[1:4], 9.0]))


def test_at_gradients_zero_the_set_positions_and_sum_a_broadcast_value():
    x = Tensor(RNG.normal(size=(3, 4)), requires_grad=True)
    v = Tensor(RNG.normal(size=(4,)), requires_grad=True)
    r = RNG.normal(size=(3, 4))
    index = np.array([2, 0, 2])  # row 2 is written twice: the second write (v again) is kept
    gx, gv = gradients((ag.at(x)[index].set(v) * r).sum(), [x, v])
    expected_gx = r.copy()
    expected_gx[[0, 2]] = 0
    np.testing.assert_array_equal(gx, expected_gx)
    np.testing.assert_allclose(gv, r[0] + r[2], rtol=1e-15)  # the first write of row 2 gets nothing
    gx, gv = gradients((ag.at(x)[index].add(v) * r).sum(), [x, v])
    np.testing.assert_array_equal(gx, r)
    np.testing.assert_allclose(gv, r[0] + 2 * r[2], rtol=1e-15)  # each write of row 2 counts
    s = Tensor(1.5, requires_grad=True)
    (gs,) = gradients((ag.at(x)[:, 1:3].set(s) * r).sum(), [s])
    np.testing.assert_allclose(gs, r[:, 1:3].sum(), rtol=1e-14)


def test_at_set_with_repeated_values_differentiates_twice():
    x = Tensor(RNG.normal(size=4), requires_grad=True)
    v = Tensor(RNG.normal(size=3), requires_grad=True)
    index = np.array([0, 0, 3])
    assert ag.testing.gradcheck(lambda x, v: ag.at(x)[index].set(v * v), x, v)
    assert ag.testing.gradgradcheck(lambda x, v: ag.at(x * x)[index].add(v * v), x, v)


def test_at_keeps_the_dtype_of_x_as_numpy_assignment_does():
    ints = np.arange(5)
    out = ag.at(ints)[[1, 1]].add(2)
    expected = ints.copy()
    np.add.at(expected, [1, 1], 2)
    assert out.dtype == ints.dtype
    np.testing.assert_array_equal(out, expected)
    out = ag.at(ints)[0].set(7.9)
    expected = ints.copy()
    expected[0] = 7.9
    assert out.dtype == ints.dtype
    np.testing.assert_array_equal(out, expected)
    single = np.ones(3, dtype=np.float32)
    assert ag.at(single)[1].set(np.float64(2.0)).dtype == np.float32


def test_at_on_array_api_strict_stays_there():
    x = xps.asarray([1.0, 2.0, 3.0])
    out = ag.at(x)[xps.asarray([0, 0])].add(1.0)
    assert isinstance(out, type(x))
    np.testing.assert_array_equal(np.asarray(out), [3.0, 2.0, 3.0])
    out = ag.at(x)[xps.asarray([2, 2])].set(xps.asarray([5.0, 6.0]))
    np.testing.assert_array_equal(np.asarray(out), [1.0, 2.0, 6.0])


def test_at_errors_name_the_update_and_the_shapes():
    with pytest.raises(ShapeError, match=r"at\(x\)\[index\]\.set: a value of shape \(3,\) does not broadcast "
                                         r"to the \(2,\) elements selected in x of shape \(4,\)"):
        ag.at(Tensor(np.ones(4), requires_grad=True))[:2].set(np.ones(3))
    with pytest.raises(IndexError, match=r"at\(x\)\[index\]\.add on x of shape \(4,\)"):
        ag.at(np.ones(4))[[7]].add(1.0)


# ---- t[index] = v -------------------------------------------------------------------------------


def test_setitem_on_a_tensor_outside_any_graph_assigns_in_place_as_numpy():
    for index, value in [(1, 5.0), (slice(0, 2), np.array([7.0, 8.0])), (np.array([0, 0, 2]), 3.0),
                         (np.array([True, False, True, False]), np.array([-1.0, -2.0])),
                         ((np.array([1, 1]),), np.array([4.0, 5.0]))]:
        expected = np.arange(4.0)
        t = Tensor(expected.copy())
        expected[index] = value
        t[index] = value
        np.testing.assert_array_equal(t.data, expected)
    t = Tensor(np.zeros((2, 3)))
    t[Tensor(np.array([1]))] = Tensor(np.ones(3))  # tensors as index and value
    np.testing.assert_array_equal(t.data, [[0, 0, 0], [1, 1, 1]])


def test_setitem_on_array_api_strict_rebinds_a_new_array():
    t = ag.asarray([1.0, 2.0, 3.0], xp=xps)
    before = t.data
    t[xps.asarray([0, 0])] = xps.asarray([5.0, 6.0])
    t[1:] = 0.0
    assert isinstance(t.data, type(before)) and t.data is not before
    np.testing.assert_array_equal(np.asarray(before), [1.0, 2.0, 3.0])  # the old array is not changed
    np.testing.assert_array_equal(t.numpy(), [6.0, 0.0, 0.0])


def test_setitem_on_a_tensor_in_a_graph_raises_names_it_and_changes_nothing():
    w = Tensor(np.ones(3), requires_grad=True, name="w")
    with pytest.raises(RuntimeError, match=r"tensor 'w'.*ag\.at\(t\)\[index\]\.set\(value\)"):
        w[0] = 5.0
    y = w * 2
    with pytest.raises(RuntimeError, match=r"shape \(3,\) \(the result of multiply\).*ag\.at"):
        y[0] = 5.0
    with pytest.raises(RuntimeError, match="would drop the value's gradient"):
        Tensor(np.zeros(3))[0] = w[1]
    np.testing.assert_array_equal(w.data, np.ones(3))
    np.testing.assert_array_equal(y.data, np.full(3, 2.0))
    with ag.no_grad():  # a leaf under no_grad, as optimizers change parameters (and as w += 1 does)
        w[0] = 5.0
    np.testing.assert_array_equal(w.data, [5.0, 1.0, 1.0])


def test_setitem_that_does_not_fit_raises_a_shape_error_and_changes_nothing():
    t = Tensor(np.arange(4.0), name="t")
    with pytest.raises(ShapeError, match=r"item assignment to tensor 't': a value of shape \(3,\)"):
        t[:2] = np.ones(3)
    np.testing.assert_array_equal(t.data, np.arange(4.0))
    with pytest.raises(RuntimeError, match="memory may be shared"):
        t.detach()[0] = 1.0


def test_setitem_marks_the_leaf_modified_so_older_graphs_refuse_backward():
    w = Tensor(np.ones(3), requires_grad=True)
    loss = (w * w).sum()
    with ag.no_grad():
        w[0] = 2.0
    with pytest.raises(RuntimeError):
        loss.backward()


# ---- errors: the op, the argument and the shapes, of the kind NumPy raises ----------------------

ERRORS = [
    (ValueError, "pad: mode 'wrap' is not supported", lambda: ag.pad(M, 1, mode="wrap")),
    (ValueError, "pad: pad_width .* must not be negative", lambda: ag.pad(M, -1)),
    (TypeError, "pad: pad_width must be integers", lambda: ag.pad(M, 1.5)),
    (ValueError, "pad: cannot pad an empty axis", lambda: ag.pad(np.ones((0, 2)), 1, mode="edge")),
    (ValueError, r"split: an axis of size 5 \(axis 0 of shape \(5,\)\) does not split into 2",
     lambda: ag.split(V, 2)),
    (ValueError, "array_split: the number of sections must be positive", lambda: ag.array_split(V, 0)),
    (ValueError, r"fliplr: .* at least 2 dimensions, not shape \(5,\)", lambda: ag.fliplr(V)),
    (ValueError, r"vsplit: .* at least 2 dimension\(s\), not shape \(5,\)", lambda: ag.vsplit(V, 1)),
    (IndexError, r"take: an index is out of bounds for axis 1 of size 4 \(an input of shape \(3, 4\)\)",
     lambda: ag.take(M, [4], axis=1)),
    (TypeError, "take: indices must be integers, not float64", lambda: ag.take(M, np.array([0.0]))),
    (IndexError, r"flip on an input of shape \(\): axis 0 is out of bounds",
     lambda: ag.flip(np.array(1.0), 0)),
    (IndexError, r"repeat on inputs of shapes \(3, 4\): axis 2 is out of bounds",
     lambda: ag.repeat(M, 2, axis=2)),
    (ValueError, r"repeat along axis 0 of an input of shape \(3, 4\)", lambda: ag.repeat(M, [1, 2], axis=0)),
    (ValueError, "rot90: axes .* must be two different axes", lambda: ag.rot90(M, axes=(1, 1))),
    (ValueError, "moveaxis: source 0 and destination .* must name as many axes",
     lambda: ag.moveaxis(X, 0, (1, 2))),
    (ValueError, "diff: the input must have at least 1 dimension", lambda: ag.diff(np.array(1.0))),
    (ValueError, "diff: the order n must not be negative", lambda: ag.diff(V, -1)),
    (ShapeError, r"broadcast_arrays: the shapes \(5,\), \(3, 4\) do not broadcast",
     lambda: ag.broadcast_arrays(V, M)),
    (ValueError, "meshgrid: indexing must be 'xy' or 'ij'", lambda: ag.meshgrid(V, indexing="yx")),
    (ValueError, r"take_along_axis: indices of shape \(5,\) and an input of shape \(3, 4\)",
     lambda: ag.take_along_axis(M, np.zeros(5, dtype=int), axis=0)),
    (ShapeError, r"take_along_axis: indices of shape \(2, 4\) do not broadcast with an input of shape "
                 r"\(3, 4\)",
     lambda: ag.take_along_axis(M, np.zeros((2, 4), dtype=int), axis=1)),
    (TypeError, "hstack: expected a sequence of arrays, got one Tensor", lambda: ag.hstack(Tensor(M))),
    (TypeError, "roll: shift must be an integer", lambda: ag.roll(V, 1.5)),
]


@pytest.mark.parametrize(("kind", "message", "call"), ERRORS, ids=[f"{m.split(':')[0]}-{i}"
                                                                    for i, (_, m, _) in enumerate(ERRORS)])
def test_errors_name_the_op_the_argument_and_the_shapes(kind, message, call):
    with pytest.raises(kind, match=message):
        call()


@pytest.mark.parametrize(("ours", "theirs"), [
    (lambda: ag.split(V, 2), lambda: np.split(V, 2)),
    (lambda: ag.take(M, [4], axis=1), lambda: np.take(M, [4], axis=1)),
    (lambda: ag.flip(np.array(1.0), 0), lambda: np.flip(np.array(1.0), 0)),
    (lambda: ag.fliplr(V), lambda: np.fliplr(V)),
    (lambda: ag.rot90(M, axes=(1, 1)), lambda: np.rot90(M, axes=(1, 1))),
    (lambda: ag.pad(M, 1.5), lambda: np.pad(M, 1.5)),
    (lambda: ag.diff(np.array(1.0)), lambda: np.diff(np.array(1.0))),
    (lambda: ag.broadcast_arrays(V, M), lambda: np.broadcast_arrays(V, M)),
    (lambda: ag.repeat(M, [1, 2], axis=0), lambda: np.repeat(M, [1, 2], axis=0)),
])
def test_errors_are_of_a_kind_numpy_raises_there_too(ours, theirs):
    with pytest.raises(Exception) as numpy_error:
        theirs()
    kinds = tuple(k for k in (ValueError, IndexError, TypeError) if isinstance(numpy_error.value, k))
    assert kinds
    with pytest.raises(kinds):
        ours()


def test_numpys_own_functions_on_tensors_run_these_ops_and_keep_the_graph():
    t = Tensor(M, requires_grad=True)
    calls = [(np.pad, (t,), {"pad_width": 1, "mode": "edge"}), (np.roll, (t, 1), {"axis": 0}),
             (np.flip, (t,), {}), (np.repeat, (t, 2), {"axis": 1}), (np.tile, (t, (2, 1)), {}),
             (np.take, (t, [0, 2]), {"axis": 0}), (np.diff, (t,), {"prepend": 0.0}),
             (np.rot90, (t,), {}), (np.moveaxis, (t, 0, 1), {}), (np.hstack, ([t, t],), {}),
             (np.take_along_axis, (t, np.zeros((3, 1), dtype=int)), {"axis": 1})]
    for function, args, kwargs in calls:
        out = function(*args, **kwargs)
        plain = (M if a is t else [M, M] if isinstance(a, list) and a[0] is t else a for a in args)
        expected = function(*plain, **kwargs)
        assert isinstance(out, Tensor) and out.requires_grad, function.__name__
        np.testing.assert_array_equal(out.data, expected)
        (g,) = gradients(out.sum(), [t])
        assert g.shape == M.shape
        if function is not np.diff:  # each output element is a copy of one input element
            assert g.sum() == expected.size
    parts = np.split(t, 3, axis=0)
    assert all(isinstance(p, Tensor) and p.requires_grad for p in parts)
