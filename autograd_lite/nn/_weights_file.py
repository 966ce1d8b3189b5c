"""Weights files: ``.npz`` archives of plain numeric arrays, written atomically and read as untrusted data.

Reading never unpickles, never allocates from a size the file declares before the header has been
checked against the model (the shape must be the parameter's), and never inflates a compressed
member past the bytes that shape needs. Any damage is a ``ValueError``; a file that is sound but made
for another model raises the same errors as :meth:`Module.load_state_dict`.

>>> import io
>>> buffer = io.BytesIO()
>>> write_arrays(buffer, {"w": np.arange(3.0)})
>>> _ = buffer.seek(0)
>>> read_arrays(buffer, {"w": (3,)}, "load_weights")
{'w': array([0., 1., 2.])}
"""

from __future__ import annotations

import io
import math
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Mapping
from typing import IO

import numpy as np
from numpy.lib import format as npy

__all__ = ["CorruptFile", "StateMismatch", "names_mismatch", "read_arrays", "save_atomically",
           "shape_mismatch", "write_arrays"]

#: the largest .npy header read (NumPy's own default limit)
MAX_HEADER = 10_000

#: what the standard library and NumPy raise on damaged archives and headers
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError,
           OSError, struct.error, OverflowError, ValueError, KeyError, IndexError, TypeError)


class CorruptFile(ValueError):
    """The file is damaged or is not a weights file (the message says why)."""


class StateMismatch(KeyError, ValueError):
    """The names of the saved arrays are not the model's: a ``KeyError`` (a name is missing or
    unexpected) that is also a ``ValueError``, as every bad weights file is."""

    def __str__(self) -> str:
        return str(self.args[0])


def names_mismatch(where: str, missing: set[str], unexpected: set[str]) -> StateMismatch:
    """The error for saved names that differ from the model's."""
    return StateMismatch(f"{where}: missing {sorted(missing)}, unexpected {sorted(unexpected, key=repr)}")


def shape_mismatch(where: str, name: str, saved: tuple[int, ...], model: tuple[int, ...]) -> ValueError:
    """The error for a saved array whose shape is not its parameter's."""
    return ValueError(f"{where}: {name} has shape {saved} in the saved weights but {model} in the model")


def write_arrays(file: IO[bytes], arrays: Mapping[str, np.ndarray]) -> None:
    """Write ``arrays`` to ``file`` as an ``.npz`` archive (what ``np.savez`` writes, any names)."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                npy.write_array(member, np.asarray(array), allow_pickle=False)


def save_atomically(path: str | os.PathLike[str], arrays: Mapping[str, np.ndarray] | None,
                    writer: Callable[[IO[bytes]], None] | None = None) -> None:
    """Write ``arrays`` (or what ``writer`` writes to the open file) to exactly ``path``: to a
    temporary file beside it, then renamed over it, so a failure leaves any earlier file as it was."""
    path = os.fspath(path)
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                             prefix=".weights-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            if writer is not None:
                writer(file)
            else:
                write_arrays(file, arrays)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as open() would have made it, not mkstemp's 0o600
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def read_arrays(file: IO[bytes], shapes: Mapping[str, tuple[int, ...]], where: str) -> dict[str, np.ndarray]:
    """The arrays of the ``.npz`` archive in ``file``, which must hold exactly the names in ``shapes``,
    each a plain numeric array of that shape. Raises :class:`CorruptFile` for damage,
    :class:`StateMismatch` or a shape ``ValueError`` for a sound file of another model."""
    if _guarded(file.read, len(npy.MAGIC_PREFIX)) == npy.MAGIC_PREFIX:
        raise CorruptFile("it holds a single array, not an .npz archive of named arrays")
    _guarded(file.seek, 0)
    archive = _guarded(zipfile.ZipFile, file)
    with archive:
        infos = _guarded(archive.infolist)
        names = [info.filename for info in infos]
        for name in names:
            if not name.endswith(".npy") or name.endswith("/"):
                raise CorruptFile(f"member {name!r} is not a .npy array")
        keys = [name[:-len(".npy")] for name in names]
        if len(set(keys)) < len(keys):
            raise CorruptFile(f"it holds an array twice: {sorted(k for k in keys if keys.count(k) > 1)}")
        arrays, wrong_shapes = {}, []
        for key, info in zip(keys, infos):
            array = _guarded(_read_member, archive, info, key, shapes.get(key))
            if isinstance(array, np.ndarray):
                arrays[key] = array
            elif array is not None:
                wrong_shapes.append((key, array))
    missing, unexpected = shapes.keys() - set(keys), set(keys) - shapes.keys()
    if missing or unexpected:
        raise names_mismatch(where, missing, unexpected)
    if wrong_shapes:
        key, shape = wrong_shapes[0]
        raise shape_mismatch(where, key, shape, tuple(shapes[key]))
    return arrays


def _guarded(function, *args):  # type: ignore[no-untyped-def]
    """``function(*args)``, with the errors of damaged data turned into :class:`CorruptFile`."""
    try:
        return function(*args)
    except (CorruptFile, StateMismatch):
        raise
    except _DAMAGE as error:
        raise CorruptFile(f"{type(error).__name__}: {error}") from error


def _read_header(member: IO[bytes], key: str) -> tuple[tuple[int, ...], bool, np.dtype]:
    """The (shape, fortran_order, dtype) of a .npy header, read no further than :data:`MAX_HEADER`.

    NumPy's readers read as many bytes as the header's length field says before they check it, so
    the header is read here (bounded) and parsed from memory.
    """
    version = npy.read_magic(member)
    if version not in ((1, 0), (2, 0)):
        raise CorruptFile(f"{key}: unsupported .npy format version {version}")
    length_format = "<H" if version == (1, 0) else "<I"
    length_field = member.read(struct.calcsize(length_format))
    if len(length_field) != struct.calcsize(length_format):
        raise CorruptFile(f"{key}: truncated .npy header")
    (length,) = struct.unpack(length_format, length_field)
    if length > MAX_HEADER:
        raise CorruptFile(f"{key}: its .npy header declares {length} bytes; at most {MAX_HEADER} are read")
    text = member.read(length)
    if len(text) != length:
        raise CorruptFile(f"{key}: truncated .npy header")
    header = io.BytesIO(length_field + text)
    read = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
    return read(header, max_header_size=MAX_HEADER)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str,
                 shape: tuple[int, ...] | None) -> np.ndarray | tuple[int, ...] | None:
    """The array of one member; or, read from its header alone, its shape if that is not ``shape``
    (``None`` if the model has no such array)."""
    with archive.open(info) as member:   # checks the member's local header against the directory
        saved_shape, fortran_order, dtype = _read_header(member, key)
        if dtype.hasobject:
            raise CorruptFile(f"{key}: Object arrays cannot be loaded when allow_pickle=False")
        if dtype.kind not in "biuf" or dtype.fields is not None or dtype.subdtype is not None:
            raise CorruptFile(f"{key} holds {dtype}, not plain numbers")
        if shape is None:
            return None
        if saved_shape != tuple(shape):
            return saved_shape
        size = math.prod(saved_shape) * dtype.itemsize
        if info.file_size != member.tell() + size:
            raise CorruptFile(f"{key}: the archive says {info.file_size} bytes, but a {dtype} array of "
                              f"shape {saved_shape} after its header takes {member.tell() + size}")
        data = member.read(size)        # never more than the header, checked above, asks for
        if len(data) != size:
            raise CorruptFile(f"{key}: truncated ({len(data)} of {size} bytes)")
        if member.read(1):              # reaching the end also checks the CRC
            raise CorruptFile(f"{key}: more data than its header describes")
    return np.frombuffer(data, dtype=dtype).reshape(saved_shape, order="F" if fortran_order else "C")
