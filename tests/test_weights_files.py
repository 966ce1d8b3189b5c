"""Weights files (issue 11, sections 4 and 5): ``save_weights`` writes exactly its path, and a file
is untrusted data that ``load_weights`` reads without pickle, without allocating from a size it
declares, and without inflating a member past what the model needs; any damage is a ``ValueError``
and a load that raises leaves the model as it was.
"""

import io
import os
import struct
import time
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.lib import format as npy
from numpy.testing import assert_array_equal

from autograd_lite import nn
from autograd_lite.nn import _weights_file


class TwoLayers(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(3, 4)
        self.out = nn.Linear(4, 2)


def model(seed):
    nn.manual_seed(seed)
    return TwoLayers()


def assert_state(module, state):
    got = module.state_dict()
    assert list(got) == list(state)
    for name, array in state.items():
        assert got[name].dtype == array.dtype
        assert_array_equal(got[name], array)


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def archive(path, members, compression=zipfile.ZIP_STORED):
    """A zip file of ``{member name: bytes}``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a duplicate name, on purpose
        with zipfile.ZipFile(path, "w", compression=compression) as file:
            for name, data in members:
                file.writestr(name, data)
    return path


# ---- save_weights writes exactly its path -------------------------------------------------------
@pytest.mark.parametrize("name", ["model.weights.h5", "weights", "w.npz", "checkpoint.pt"])
def test_save_weights_writes_exactly_the_path_and_load_weights_reads_it_back(tmp_path, name):
    source, target = model(0), model(1)
    path = tmp_path / name
    source.save_weights(str(path) if name == "weights" else path)
    assert os.listdir(tmp_path) == [name]            # no ".npz" added, no temporary left behind
    with np.load(path, allow_pickle=False) as saved:  # still an .npz archive of plain arrays
        assert saved.files == list(source.state_dict())
    target.load_weights(path)
    assert_state(target, source.state_dict())


def test_any_parameter_name_can_be_saved(tmp_path):
    # np.savez(file, **arrays) cannot take an array named "file" (nor "allow_pickle")
    class Named(nn.Module):
        def __init__(self):
            super().__init__()
            self.file, self.allow_pickle = nn.Parameter([1.0, 2.0]), nn.Parameter([3.0])

    source, target = Named(), Named()
    source.save_weights(tmp_path / "w")
    target.file.data, target.allow_pickle.data = np.zeros(2), np.zeros(1)
    target.load_weights(tmp_path / "w")
    assert_state(target, source.state_dict())


def test_a_failed_save_leaves_the_earlier_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    model(0).save_weights(path)
    earlier = path.read_bytes()

    def fail_half_way(file, arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise OSError("disk full")

    monkeypatch.setattr(_weights_file, "write_arrays", fail_half_way)
    with pytest.raises(OSError, match="disk full"):
        model(1).save_weights(path)
    assert path.read_bytes() == earlier and os.listdir(tmp_path) == ["w.npz"]


@pytest.mark.parametrize("method", ["save_weights", "load_weights"])
@pytest.mark.parametrize("path", [3, None, b"w.npz", io.BytesIO()])
def test_the_path_must_be_a_file_name(method, path):
    # an int would be taken by open() as a file descriptor
    with pytest.raises(TypeError, match=f"{method}: invalid path .*; it must be a file name"):
        getattr(model(0), method)(path)


# ---- every damaged file is a ValueError, and changes nothing ---------------------------------------
@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """(the bytes of a real weights file, the state it holds, a scratch path)."""
    folder = tmp_path_factory.mktemp("weights")
    source = model(0)
    source.save_weights(folder / "w.npz")
    return (folder / "w.npz").read_bytes(), source.state_dict(), folder / "damaged.npz"


def flips(raw):
    """1 to 4 (position, xor mask) pairs: anywhere, or in the zip's central directory (the sizes,
    offsets, flags and compression methods of the members), which is a small part of the file."""
    directory = struct.unpack_from("<I", raw, raw.rfind(b"PK\x05\x06") + 16)[0]
    position = st.one_of(st.integers(0, len(raw) - 1), st.integers(directory, len(raw) - 1))
    return st.lists(st.tuples(position, st.integers(1, 255)), min_size=1, max_size=4)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_files_raise_value_error_or_load_exactly_what_they_hold(saved, data):
    raw, state, path = saved
    damage = data.draw(st.sampled_from(["flip", "truncate", "flip and truncate"]))
    damaged = bytearray(raw)
    if "flip" in damage:
        for position, mask in data.draw(flips(raw)):
            damaged[position] ^= mask
    if "truncate" in damage:
        damaged = damaged[:data.draw(st.integers(0, len(raw) - 1))]
    path.write_bytes(bytes(damaged))
    target = model(1)
    before = target.state_dict()
    try:
        target.load_weights(path)
    except ValueError:
        assert_state(target, before)
        return
    # the flips missed everything that matters (a timestamp, say): the arrays, CRC-checked, are intact
    assert_state(target, state)
    with np.load(path, allow_pickle=False) as reference:
        for name, array in state.items():
            assert_array_equal(reference[name], array)


@pytest.mark.parametrize("damage", [
    lambda raw: b"", lambda raw: raw[:10], lambda raw: raw[:-1], lambda raw: raw[: len(raw) // 2],
    lambda raw: b"not a weights file at all", lambda raw: raw.replace(b"<f8", b"<c8"),
    lambda raw: raw.replace(b"'shape': (4, 3)", b"'shape': (4, 3, 1, 1, 1)"),
    lambda raw: raw.replace(b"NUMPY\x01\x00", b"NUMPY\x03\x00", 1),
    lambda raw: raw.replace(b"out.bias", b"out.bia\xff"),
])
def test_damage_of_each_kind_is_a_value_error(saved, damage):
    raw, _, path = saved
    path.write_bytes(damage(raw))
    target = model(1)
    before = target.state_dict()
    with pytest.raises(ValueError):
        target.load_weights(path)
    assert_state(target, before)


# ---- members that are not what the model expects ------------------------------------------------------
def good_members(state, skip=()):
    return [(name + ".npy", npy_bytes(array)) for name, array in state.items() if name not in skip]


@pytest.mark.parametrize("members, match", [
    (lambda s: good_members(s) + [("notes.txt", b"hello")], "member 'notes.txt' is not a .npy array"),
    (lambda s: good_members(s) + [("out.bias.npy", npy_bytes(s["out.bias"]))], "holds an array twice"),
    (lambda s: good_members(s, {"out.bias"}) + [("out.bias.npy", npy_bytes(np.array([1j, 2j])))],
     "out.bias holds complex128"),
    (lambda s: good_members(s, {"out.bias"}) + [("out.bias.npy", npy_bytes(np.zeros(2, "f8,f8")))],
     "out.bias holds"),
    (lambda s: good_members(s, {"out.bias"}) + [("out.bias.npy", npy_bytes(np.array(["a", "b"])))],
     "out.bias holds <U1"),
])
def test_members_that_are_not_plain_numeric_arrays_are_value_errors(tmp_path, saved, members, match):
    _, state, _ = saved
    path = archive(tmp_path / "w.npz", members(state))
    target = model(1)
    before = target.state_dict()
    with pytest.raises(ValueError, match=match):
        target.load_weights(path)
    assert_state(target, before)


def test_bools_for_a_float_parameter_are_a_type_error_and_change_nothing(tmp_path, saved):
    """A file may hold bools (for a bool buffer), but not where the model has a float parameter."""
    _, state, _ = saved
    path = archive(tmp_path / "w.npz", good_members(state, {"out.bias"}) +
                   [("out.bias.npy", npy_bytes(np.array([True, False])))])
    target = model(1)
    before = target.state_dict()
    with pytest.raises(TypeError, match="out.bias has dtype bool, not a number"):
        target.load_weights(path)
    assert_state(target, before)


def test_a_pickle_is_never_loaded(tmp_path, saved):
    _, state, _ = saved
    ran = []

    class Payload:
        def __reduce__(self):
            return (ran.append, ("unpickled",))

    objects = np.empty(2, dtype=object)
    objects[:] = [Payload(), Payload()]
    pickled = npy_bytes(objects)
    assert b"append" in pickled
    path = archive(tmp_path / "w.npz", good_members(state, {"out.bias"}) + [("out.bias.npy", pickled)])
    with pytest.raises(ValueError, match="Object arrays cannot be loaded when allow_pickle=False"):
        model(1).load_weights(path)
    assert ran == []


@pytest.mark.parametrize("array", [
    lambda a: a.astype(">f8"), lambda a: a.astype(np.float32), lambda a: np.asfortranarray(a),
    lambda a: np.round(a * 100).astype(np.int64),
])
def test_plain_arrays_in_other_layouts_load_exactly(tmp_path, saved, array):
    _, state, _ = saved
    changed = {name: array(value) for name, value in state.items()}
    path = archive(tmp_path / "w.npz", [(name + ".npy", npy_bytes(a)) for name, a in changed.items()],
                   compression=zipfile.ZIP_DEFLATED)
    target = model(1)
    target.load_weights(path)
    assert_state(target, {name: a.astype(np.float64) for name, a in changed.items()})


def test_a_compressed_archive_loads(tmp_path, saved):
    _, state, _ = saved
    np.savez_compressed(tmp_path / "w.npz", **state)
    target = model(1)
    target.load_weights(tmp_path / "w.npz")
    assert_state(target, state)


# ---- sizes the file declares are never trusted ----------------------------------------------------------
def header(shape, descr="<f8"):
    buffer = io.BytesIO()
    npy.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


BOMB_BYTES = 200 * 2**20   # inflated; about 200 kB deflated


@pytest.fixture(scope="module", params=[(1, 2), (25600, 1024)], ids=["right header", "200 MiB header"])
def bomb(tmp_path_factory, request):
    """A Linear(2, 1)'s weights file of about 200 kB whose 'weight' member inflates to 200 MiB of
    zeros: after a header of the right shape, or as a well-formed array of the wrong shape (np.load
    inflated and allocated all of it: 201 MiB)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as file:
        with file.open("weight.npy", "w", force_zip64=True) as member:
            member.write(header(request.param))
            chunk = bytes(2**20)
            for _ in range(BOMB_BYTES // len(chunk)):
                member.write(chunk)
        file.writestr("bias.npy", npy_bytes(np.zeros(1)))
    return path


def measured_load(target, path):
    """Load, expecting a ValueError; the error, the peak memory traced and the seconds taken."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ValueError) as error:
            target.load_weights(path)
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return error, peak, seconds


def test_a_zip_bomb_is_rejected_without_inflating_it(bomb):
    assert os.path.getsize(bomb) < 2**20
    target = nn.Linear(2, 1)
    before = target.state_dict()
    error, peak, seconds = measured_load(target, bomb)
    assert error.match(r"weight: the archive says|weight has shape \(25600, 1024\) in the saved weights")
    assert peak < 2 * 2**20 and seconds < 2.0, (peak, seconds)
    assert_state(target, before)


def lie_about_the_first_members_size(raw, size):
    """The archive with its first member's inflated size set to ``size`` (local header and directory)."""
    raw = bytearray(raw)
    end = raw.rfind(b"PK\x05\x06")
    directory = struct.unpack_from("<I", raw, end + 16)[0]
    assert raw[:4] == b"PK\x03\x04" and raw[directory:directory + 4] == b"PK\x01\x02"
    struct.pack_into("<I", raw, 22, size)
    struct.pack_into("<I", raw, directory + 24, size)
    return bytes(raw)


def test_a_zip_bomb_that_lies_about_its_size_is_read_no_further_than_the_model_needs(tmp_path):
    path = tmp_path / "liar.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as file:
        with file.open("weight.npy", "w") as member:   # no zip64: the sizes are at fixed offsets
            member.write(header((1, 2)))
            for _ in range(64):
                member.write(bytes(2**20))
        file.writestr("bias.npy", npy_bytes(np.zeros(1)))
    path.write_bytes(lie_about_the_first_members_size(path.read_bytes(), len(header((1, 2))) + 16))
    target = nn.Linear(2, 1)
    before = target.state_dict()
    error, peak, seconds = measured_load(target, path)
    assert "is not a readable weights file" in str(error.value)
    assert peak < 2 * 2**20 and seconds < 2.0, (peak, seconds)
    assert_state(target, before)


@pytest.mark.parametrize("name, shape, match", [
    ("weight", (2**40,), r"weight has shape \(1099511627776,\) in the saved weights but \(1, 2\)"),
    ("weight", (2**31, 2**31), r"weight has shape \(2147483648, 2147483648\)"),
    ("extra", (2**40,), r"unexpected \['extra'\]"),
])
def test_a_huge_shape_is_rejected_from_its_header(tmp_path, name, shape, match):
    members = [("weight.npy", npy_bytes(np.zeros((1, 2)))), ("bias.npy", npy_bytes(np.zeros(1)))]
    members = [m for m in members if m[0] != f"{name}.npy"] + [(f"{name}.npy", header(shape) + bytes(16))]
    path = archive(tmp_path / "huge.npz", members)
    target = nn.Linear(2, 1)
    before = target.state_dict()
    error, peak, seconds = measured_load(target, path)
    assert error.match(match)
    assert peak < 2**20 and seconds < 1.0, (peak, seconds)
    assert_state(target, before)


def test_a_huge_header_is_not_read(tmp_path):
    # NumPy's header readers read all the bytes the length field declares before checking it
    members = [("weight.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + b" " * 2**25),
               ("bias.npy", npy_bytes(np.zeros(1)))]
    path = archive(tmp_path / "w.npz", members, compression=zipfile.ZIP_DEFLATED)
    target = nn.Linear(2, 1)
    error, peak, _ = measured_load(target, path)
    assert error.match("weight: its .npy header declares 2147483648 bytes; at most 10000 are read")
    assert peak < 2**20, peak


# ---- load_state_dict, the same checks from a dict -------------------------------------------------------
def test_a_value_too_large_for_the_parameters_dtype_changes_nothing():
    layer = nn.Linear(2, 1)
    layer.weight.data = layer.weight.data.astype(np.float32)
    before = layer.state_dict()
    with pytest.raises(ValueError, match="weight holds values too large for the parameter's float32"):
        layer.load_state_dict({"weight": np.array([[1e300, 0.0]]), "bias": np.zeros(1)})
    assert_state(layer, before)


def test_names_that_differ_are_both_key_error_and_value_error():
    layer = nn.Linear(2, 1)
    for error in (KeyError, ValueError):
        with pytest.raises(error, match=r"load_state_dict: missing \['bias'\], unexpected \['b'\]"):
            layer.load_state_dict({"weight": np.zeros((1, 2)), "b": np.zeros(1)})


def test_names_that_are_not_strings_are_reported():
    with pytest.raises(KeyError, match=r"missing \['bias', 'weight'\], unexpected \[0, 1\]"):
        nn.Linear(2, 1).load_state_dict({0: np.zeros((1, 2)), 1: np.zeros(1)})


def test_load_state_dict_takes_a_mapping():
    with pytest.raises(TypeError, match="expected a dict of arrays by name, not a list"):
        nn.Linear(2, 1).load_state_dict([np.zeros((1, 2)), np.zeros(1)])


def test_a_bool_buffer_round_trips_through_a_weights_file(tmp_path):
    class Masked(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.Linear(2, 2)
            self.register_buffer("mask", np.array([True, False]))

    saved, loaded = Masked(), Masked()
    loaded.mask = np.array([False, True])
    saved.save_weights(tmp_path / "masked.npz")
    loaded.load_weights(tmp_path / "masked.npz")
    assert loaded.mask.dtype == bool and loaded.mask.data.tolist() == [True, False]


def test_sequential_lists_a_layer_used_twice_as_one_child_as_pytorch():
    shared = nn.Linear(2, 2)
    assert [name for name, _ in nn.Sequential(shared, nn.Tanh(), shared).named_children()] == ["0", "1"]
