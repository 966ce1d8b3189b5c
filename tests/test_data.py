"""autograd_lite.data against torch.utils.data: datasets, the loader's batches, lengths and shuffling,
the default collation, random_split and Subset."""

import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import autograd_lite as ag
from autograd_lite import nn, optim
from autograd_lite.data import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split


def xy(n=10):
    return np.arange(n * 3, dtype=float).reshape(n, 3), np.arange(n) % 3


class Pairs(Dataset):
    """A map-style dataset of (features, label) made sample by sample."""

    def __init__(self, X, y):
        self.X, self.y = X, y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


# ---- datasets -----------------------------------------------------------------------------------------
def test_tensor_dataset_indexes_every_array():
    X, y = xy()
    data = TensorDataset(X, ag.Tensor(y))
    assert len(data) == 10
    x3, y3 = data[3]
    np.testing.assert_array_equal(x3, X[3])
    assert isinstance(y3, ag.Tensor) and y3.data == y[3]
    assert len(TensorDataset([[1, 2], [3, 4]])) == 2


def test_tensor_dataset_refuses_mismatched_first_dimensions():
    with pytest.raises(ValueError, match=r"size mismatch.*\(10, 3\), \(9,\)"):
        TensorDataset(np.zeros((10, 3)), np.zeros(9))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(np.float64(1.0))


def test_the_base_dataset_says_what_to_define():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]
    with pytest.raises(TypeError, match="map-style"):
        DataLoader(Dataset())


# ---- the loader ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("n, batch_size, drop_last", [
    (10, 3, False), (10, 3, True), (9, 3, False), (9, 3, True), (2, 5, False), (2, 5, True), (7, 1, False)])
def test_batches_and_length_are_pytorchs(n, batch_size, drop_last):
    X, y = xy(n)
    ours = DataLoader(TensorDataset(X, y), batch_size=batch_size, drop_last=drop_last)
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.tensor(X), torch.tensor(y)), batch_size=batch_size,
                              drop_last=drop_last)
    assert len(ours) == len(theirs)
    got, expected = list(ours), list(theirs)
    assert len(got) == len(expected)
    for (xb, yb), (txb, tyb) in zip(got, expected):
        np.testing.assert_array_equal(xb, txb.numpy())
        np.testing.assert_array_equal(yb, tyb.numpy())
        assert isinstance(xb, np.ndarray) and xb.dtype == X.dtype and yb.dtype == y.dtype


def test_the_fast_path_gives_what_collating_sample_by_sample_gives():
    X, y = xy(11)
    ag.manual_seed(3)
    fast = list(DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True))
    ag.manual_seed(3)
    slow = list(DataLoader(Pairs(X, y), batch_size=4, shuffle=True))
    assert len(fast) == len(slow) == 3
    for (a, b), (c, d) in zip(fast, slow):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
        assert a.dtype == c.dtype and b.dtype == d.dtype and a.shape == c.shape
    tensors = list(DataLoader(TensorDataset(ag.Tensor(X)), batch_size=4))
    stacked = list(DataLoader(Pairs(ag.Tensor(X), y), batch_size=4))
    assert isinstance(tensors[0][0], ag.Tensor) and isinstance(stacked[0][0], ag.Tensor)
    np.testing.assert_array_equal(tensors[-1][0].data, stacked[-1][0].data)


def test_shuffling_is_a_new_permutation_each_epoch_from_the_package_generator():
    X, y = xy(50)
    loader = DataLoader(TensorDataset(X, y), batch_size=50, shuffle=True)
    ag.manual_seed(0)
    (_, first), = list(loader)
    (_, second), = list(loader)
    ag.manual_seed(0)
    (_, again), = list(loader)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)
    assert sorted(first.tolist()) == sorted(y.tolist())
    np.testing.assert_array_equal(first, y[np.random.default_rng(0).permutation(50)])
    mine = DataLoader(TensorDataset(X, y), batch_size=50, shuffle=True, generator=np.random.default_rng(0))
    np.testing.assert_array_equal(next(iter(mine))[1], first)


def test_not_shuffled_keeps_the_order():
    X, y = xy(7)
    order = np.concatenate([yb for _, yb in DataLoader(TensorDataset(X, y), batch_size=2)])
    np.testing.assert_array_equal(order, y)


def test_batch_size_none_gives_samples_one_by_one():
    X, y = xy(4)
    ours = DataLoader(TensorDataset(X, y), batch_size=None)
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.tensor(X), torch.tensor(y)), batch_size=None)
    assert len(ours) == len(theirs) == 4
    for (x, label), (tx, tlabel) in zip(ours, theirs):
        np.testing.assert_array_equal(x, tx.numpy())
        assert int(label) == int(tlabel)
    first = DataLoader(TensorDataset(y), batch_size=None, collate_fn=lambda s: int(s[0]))
    assert list(first) == [0, 1, 2, 0]


def test_a_collate_fn_receives_the_list_of_samples():
    X, y = xy(5)
    seen = []
    loader = DataLoader(TensorDataset(X, y), batch_size=2,
                        collate_fn=lambda samples: seen.append(samples) or 0)
    assert list(loader) == [0, 0, 0] and [len(s) for s in seen] == [2, 2, 1]
    assert isinstance(seen[0][0], tuple) and len(seen[0][0]) == 2


def test_a_training_loop_as_pytorch_users_write_it():
    ag.manual_seed(0)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = (X[:, :1] + 2 * X[:, 1:]).astype(float)
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True)
    for _ in range(30):
        for xb, yb in loader:
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            opt.step()
    np.testing.assert_allclose(model.weight.data, [[1.0, 2.0]], atol=1e-3)


def test_loader_arguments_are_checked():
    data = TensorDataset(np.zeros(3))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(data, batch_size=0)
    with pytest.raises(TypeError, match="batch_size"):
        DataLoader(data, batch_size=2.0)
    with pytest.raises(TypeError, match="shuffle"):
        DataLoader(data, shuffle=1)
    with pytest.raises(TypeError, match="drop_last"):
        DataLoader(data, drop_last=None)
    with pytest.raises(TypeError, match="collate_fn"):
        DataLoader(data, collate_fn=3)
    with pytest.raises(ValueError, match="batch_size=None .* mutually exclusive with drop_last=True"):
        DataLoader(data, batch_size=None, drop_last=True)   # as PyTorch's
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        tdata.DataLoader(tdata.TensorDataset(torch.zeros(3)), batch_size=None, drop_last=True)
    with pytest.raises(TypeError, match="generator"):
        DataLoader(data, generator=0)


def test_arrays_of_another_library_are_batched_on_their_device():
    xp = pytest.importorskip("array_api_strict")
    device = xp.Device("device1")
    X = xp.reshape(xp.arange(12.0, device=device), (6, 2))
    (xb,), *_ = DataLoader(TensorDataset(X), batch_size=4, shuffle=True)
    assert xb.device == device and xb.shape == (4, 2)


# ---- default_collate --------------------------------------------------------------------------------
def test_default_collate_stacks_as_pytorchs_and_keeps_tuples_and_dicts():
    Point = collections.namedtuple("Point", "x y")
    samples = [({"a": np.ones(2) * i, "b": float(i)}, [i, Point(i, 2.0 * i)], f"s{i}") for i in range(3)]
    batch = default_collate(samples)
    theirs = tdata.default_collate(samples)
    assert isinstance(batch, tuple) and isinstance(batch[0], dict) and isinstance(batch[1], list)
    np.testing.assert_array_equal(batch[0]["a"], theirs[0]["a"].numpy())
    assert batch[0]["b"].dtype == np.float64 and theirs[0]["b"].dtype == torch.float64
    np.testing.assert_array_equal(batch[1][0], theirs[1][0].numpy())
    assert batch[1][0].dtype == np.int64
    assert isinstance(batch[1][1], Point) and batch[1][1].y.tolist() == [0.0, 2.0, 4.0]
    assert batch[2] == list(theirs[2]) == ["s0", "s1", "s2"]
    ordered = default_collate([collections.OrderedDict(x=1), collections.OrderedDict(x=2)])
    assert isinstance(ordered, collections.OrderedDict) and ordered["x"].tolist() == [1, 2]


def test_default_collate_of_tensors_keeps_the_graph():
    w = ag.Tensor(np.ones(2), requires_grad=True)
    batch = default_collate([w * 2, w * 3])
    assert isinstance(batch, ag.Tensor) and batch.shape == (2, 2)
    batch.sum().backward()
    np.testing.assert_array_equal(w.grad, [5.0, 5.0])


def test_default_collate_errors():
    with pytest.raises(RuntimeError, match="same number of fields"):
        default_collate([(1, 2), (1,)])
    with pytest.raises(TypeError, match="found object"):
        default_collate([object()])


# ---- random_split and Subset --------------------------------------------------------------------------
@pytest.mark.parametrize("n, lengths", [(10, [3, 7]), (10, [0.7, 0.3]), (11, [0.5, 0.5]), (10, [0.1] * 10),
                                        (7, [0.3, 0.3, 0.4]), (5, [5, 0])])
def test_random_split_lengths_are_pytorchs(n, lengths):
    X, _ = xy(n)
    ours = random_split(TensorDataset(X), lengths)
    theirs = tdata.random_split(tdata.TensorDataset(torch.tensor(X)), lengths)
    assert [len(p) for p in ours] == [len(p) for p in theirs]
    indices = sorted(i for part in ours for i in part.indices)
    assert indices == list(range(n)) and all(isinstance(p, Subset) for p in ours)


def test_random_split_draws_from_the_package_generator():
    data = TensorDataset(np.arange(20))
    ag.manual_seed(4)
    a = [p.indices for p in random_split(data, [5, 15])]
    ag.manual_seed(4)
    b = [p.indices for p in random_split(data, [5, 15])]
    assert a == b and a[0] == np.random.default_rng(4).permutation(20)[:5].tolist()


def test_random_split_refuses_bad_lengths():
    data = TensorDataset(np.arange(10))
    with pytest.raises(ValueError, match="sum to 9"):
        random_split(data, [4, 5])
    with pytest.raises(ValueError, match="between 0 and 1"):
        random_split(data, [1.5, -0.5])
    with pytest.raises(TypeError, match="lengths"):
        random_split(data, ["a"])
    ag.manual_seed(3)
    for fractions in ([0.7, 0.4], [0.5, 0.4], [0.2, 0.2, 0.2]):
        with pytest.raises(ValueError, match=r"random_split: the fractions \[.*\] sum to [\d.]+, not to 1"):
            random_split(range(10), fractions)
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):   # PyTorch refuses them too
        tdata.random_split(range(10), [0.7, 0.4])
    drawn = [p.indices for p in random_split(data, [5, 5])]   # the refusals drew nothing
    ag.manual_seed(3)
    assert drawn == [p.indices for p in random_split(data, [5, 5])]


def test_subset_indexes_its_dataset():
    X, y = xy(6)
    part = Subset(TensorDataset(X, y), [5, 1, 3])
    assert len(part) == 3
    np.testing.assert_array_equal(part[0][0], X[5])
    assert [s[1] for s in part[[0, 2]]] == [y[5], y[3]]
    (xb, yb), = DataLoader(part, batch_size=3)
    np.testing.assert_array_equal(yb, y[[5, 1, 3]])
