"""The pipe protocol between the grader and a worker: frames of plain values, no pickle.

A frame is a fixed 20-byte header (magic, version, message type, item count, payload length)
followed by `count` items. Every length is checked against `Caps` before anything is read or
allocated, and decoding rebuilds only plain values: `np.ndarray` (base class, own memory, dtype
from a whitelist, ndim <= 4), python None/bool/int/float/str, numpy scalars, tuples, lists, dicts
with str keys (such as an optimizer's `config`) and `Unsupported(type_name)` for values that cannot
cross. Anything malformed raises ProtocolError.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MAGIC = b"GRSB"
VERSION = 2
HEADER = struct.Struct("<4sBBHIQ")  # magic, version, message type, reserved (0), item count, payload bytes

#: Array and scalar dtypes that may cross the pipe, by their one-byte code (index in this tuple).
DTYPES = tuple(
    np.dtype(name).newbyteorder("<")
    for name in (
        "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float16", "float32", "float64",
    )
)
_DTYPE_CODES = {dt: code for code, dt in enumerate(DTYPES)}

# Item tags (one byte each).
_NONE, _TRUE, _FALSE, _INT, _FLOAT, _NPSCALAR, _STR, _ARRAY, _TUPLE, _LIST, _DICT, _UNSUPPORTED = b"NTFifsuatldx"
_U8 = struct.Struct("<B")
_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_F64 = struct.Struct("<d")
#: The fewest bytes one dict entry takes (key tag, key length, value tag): bounds a declared count.
DICT_ENTRY_MIN_BYTES = 1 + _U32.size + 1


class ProtocolError(ValueError):
    """A frame that is malformed, truncated, over a cap, or holds a value that cannot cross."""


class MsgType(enum.IntEnum):
    """What a frame means. Items per type are documented in grader.sandbox.worker."""

    CALL = 1
    RESULT = 2
    ERROR = 3
    NOT_FOUND = 4
    LOADING = 5
    READY = 6
    ARGUMENTS = 7


@dataclass(frozen=True)
class Caps:
    """Upper bounds a decoder enforces (and an encoder respects); sizes in bytes."""

    max_frame_bytes: int = 256 * 1024 * 1024
    max_str_bytes: int = 1024 * 1024
    max_int_bytes: int = 64
    max_items: int = 64
    max_seq_len: int = 4096
    max_dict_len: int = 256
    max_key_bytes: int = 256
    max_depth: int = 8
    max_ndim: int = 4


#: The default caps (immutable).
DEFAULT_CAPS = Caps()


@dataclass(frozen=True)
class Unsupported:
    """Stands for a value of a type that cannot cross the pipe (e.g. a set or a complex array)."""

    type_name: str


@dataclass(frozen=True)
class Frame:
    """A decoded frame: its message type and its top-level items."""

    type: MsgType
    items: tuple


# ----------------------------------------------------------------------------------------- encoding


def frame_parts(msg_type: MsgType, items, caps: Caps = DEFAULT_CAPS, strict: bool = False) -> list:
    """The frame for items as a list of buffers (header first) to write in order; arrays are not copied
    when already little-endian C-order. Raises ProtocolError when a value breaks a cap, or (strict)
    when a value would cross as Unsupported."""
    items = tuple(items)
    if len(items) > caps.max_items:
        raise ProtocolError(f"{len(items)} items in one frame (max {caps.max_items})")
    parts: list = []
    for item in items:
        _encode(item, parts, caps, 0, strict)
    size = sum(len(p) for p in parts)
    if size > caps.max_frame_bytes:
        raise ProtocolError(f"frame of {size} bytes is over the {caps.max_frame_bytes}-byte cap")
    return [HEADER.pack(MAGIC, VERSION, int(msg_type), 0, len(items), size), *parts]


def encode_frame(msg_type: MsgType, items, caps: Caps = DEFAULT_CAPS) -> bytes:
    """The frame for items as one bytes object."""
    return b"".join(frame_parts(msg_type, items, caps))


def value_parts(value, caps: Caps = DEFAULT_CAPS) -> list:
    """The buffers one value is encoded as (not strict: what cannot cross is its Unsupported item).

    Two values whose parts hold the same bytes arrive as the same value: grader.sandbox.changes
    compares arguments this way, exactly as the pipe carries them."""
    parts: list = []
    _encode(value, parts, caps, 0, False)
    return parts


def _encode(value, parts: list, caps: Caps, depth: int, strict: bool) -> None:
    if depth > caps.max_depth:
        raise ProtocolError(f"values nested deeper than {caps.max_depth} levels")
    kind = type(value)  # not value.__class__, which an object can fake
    if value is None:
        parts.append(bytes((_NONE,)))
    elif issubclass(kind, np.ndarray):
        _encode_array(value, parts, caps, strict)
    elif issubclass(kind, np.generic):
        dtype = value.dtype.newbyteorder("<")
        code = _DTYPE_CODES.get(dtype)
        if code is None:
            _encode_unsupported(f"numpy {value.dtype}", parts, caps, strict)
        else:
            parts.append(bytes((_NPSCALAR, code)) + np.asarray(value, dtype=dtype).tobytes())
    elif issubclass(kind, bool):
        parts.append(bytes((_TRUE if value else _FALSE,)))
    elif issubclass(kind, int):
        length = (int.bit_length(value) + 8) // 8
        if length > caps.max_int_bytes:
            raise ProtocolError(f"an int of {length} bytes (max {caps.max_int_bytes})")
        parts.append(bytes((_INT,)) + _U16.pack(length) + int.to_bytes(value, length, "little", signed=True))
    elif issubclass(kind, float):
        parts.append(bytes((_FLOAT,)) + _F64.pack(value))
    elif issubclass(kind, str):
        data = str.encode(value, "utf-8", "backslashreplace")
        if len(data) > caps.max_str_bytes:
            raise ProtocolError(f"a string of {len(data)} bytes (max {caps.max_str_bytes})")
        parts.append(bytes((_STR,)) + _U32.pack(len(data)) + data)
    elif issubclass(kind, (tuple, list)):
        n = len(value)
        if n > caps.max_seq_len:
            raise ProtocolError(f"a sequence of {n} items (max {caps.max_seq_len})")
        parts.append(bytes((_TUPLE if issubclass(kind, tuple) else _LIST,)) + _U32.pack(n))
        for element in (tuple.__iter__(value) if issubclass(kind, tuple) else list.__iter__(value)):
            _encode(element, parts, caps, depth + 1, strict)
    elif issubclass(kind, dict):
        _encode_dict(value, parts, caps, depth, strict)
    elif kind is Unsupported:
        _encode_unsupported(value.type_name, parts, caps, strict)
    else:
        _encode_unsupported(kind.__qualname__, parts, caps, strict)


def _encode_dict(value: dict, parts: list, caps: Caps, depth: int, strict: bool) -> None:
    """A dict (any subclass, read through dict's own methods) as its str keys and values in order."""
    n = dict.__len__(value)
    if n > caps.max_dict_len:
        raise ProtocolError(f"a dict of {n} entries (max {caps.max_dict_len})")
    entries = list(dict.items(value))
    odd = next((type(key) for key, _ in entries if not issubclass(type(key), str)), None)
    if odd is not None:
        _encode_unsupported(f"dict with a {odd.__qualname__} key (keys must be str)", parts, caps, strict)
        return
    parts.append(bytes((_DICT,)) + _U32.pack(len(entries)))
    for key, element in entries:
        data = str.encode(key, "utf-8", "backslashreplace")
        if len(data) > caps.max_key_bytes:
            raise ProtocolError(f"a dict key of {len(data)} bytes (max {caps.max_key_bytes})")
        parts.append(bytes((_STR,)) + _U32.pack(len(data)) + data)
        _encode(element, parts, caps, depth + 1, strict)


def _encode_unsupported(type_name: str, parts: list, caps: Caps, strict: bool) -> None:
    if strict:
        raise ProtocolError(f"a {type_name} cannot be sent to the worker")
    data = str.encode(str(type_name), "utf-8", "backslashreplace")[: min(200, caps.max_str_bytes)]
    parts.append(bytes((_UNSUPPORTED,)) + _U32.pack(len(data)) + data)


def _encode_array(value: np.ndarray, parts: list, caps: Caps, strict: bool) -> None:
    array = np.ndarray.view(value, np.ndarray)
    dtype = array.dtype.newbyteorder("<")
    code = _DTYPE_CODES.get(dtype)
    if code is None:
        _encode_unsupported(f"ndarray of {array.dtype}", parts, caps, strict)
        return
    if array.ndim > caps.max_ndim:
        raise ProtocolError(f"an array with {array.ndim} dimensions (max {caps.max_ndim})")
    if array.nbytes > caps.max_frame_bytes:
        raise ProtocolError(f"an array of {array.nbytes} bytes (max {caps.max_frame_bytes})")
    array = np.asarray(array, dtype=dtype, order="C")
    header = bytes((_ARRAY, code, array.ndim)) + b"".join(_U64.pack(d) for d in array.shape)
    parts.append(header + _U64.pack(array.nbytes))
    if array.nbytes:
        parts.append(memoryview(array).cast("B"))


# ----------------------------------------------------------------------------------------- decoding


def decode_header(header: bytes, caps: Caps = DEFAULT_CAPS) -> tuple[MsgType, int, int]:
    """(message type, item count, payload length) from the 20 header bytes, every field checked."""
    if len(header) != HEADER.size:
        raise ProtocolError(f"truncated header: {len(header)} of {HEADER.size} bytes")
    magic, version, msg_type, reserved, count, size = HEADER.unpack(header)
    if magic != MAGIC:
        raise ProtocolError(f"bad magic {magic!r} (not a grader frame)")
    if version != VERSION:
        raise ProtocolError(f"protocol version {version}, expected {VERSION}")
    try:
        kind = MsgType(msg_type)
    except ValueError:
        raise ProtocolError(f"unknown message type {msg_type}") from None
    if reserved:
        raise ProtocolError("reserved header field is not zero")
    if count > caps.max_items:
        raise ProtocolError(f"{count} items in one frame (max {caps.max_items})")
    if size > caps.max_frame_bytes:
        raise ProtocolError(f"frame of {size} bytes is over the {caps.max_frame_bytes}-byte cap")
    if size < count:
        raise ProtocolError(f"{count} items cannot fit in {size} bytes")
    return kind, count, size


def decode_payload(payload, count: int, caps: Caps = DEFAULT_CAPS) -> tuple:
    """The `count` items encoded in payload (bytes-like), which must be consumed exactly."""
    reader = _Reader(memoryview(payload).cast("B"), caps)
    items = tuple(reader.item(0) for _ in range(count))
    if reader.pos != len(reader.data):
        raise ProtocolError(f"{len(reader.data) - reader.pos} trailing bytes after the last item")
    return items


def decode_frame(data, caps: Caps = DEFAULT_CAPS) -> Frame:
    """Decode one whole frame held in data (bytes-like)."""
    data = memoryview(data).cast("B")
    kind, count, size = decode_header(bytes(data[: HEADER.size]), caps)
    if len(data) - HEADER.size != size:
        raise ProtocolError(f"payload is {len(data) - HEADER.size} bytes, header says {size}")
    return Frame(kind, decode_payload(data[HEADER.size:], count, caps))


def read_frame(read_exact: Callable[[int], bytes | bytearray], caps: Caps = DEFAULT_CAPS) -> Frame:
    """Read one frame with read_exact(n) -> exactly n bytes, bytes-like (it raises on EOF or timeout).

    The payload is requested only after the header passed every cap."""
    kind, count, size = decode_header(bytes(read_exact(HEADER.size)), caps)
    return Frame(kind, decode_payload(read_exact(size) if size else b"", count, caps))


class _Reader:
    """A cursor over a payload; every take() is bounds-checked."""

    def __init__(self, data: memoryview, caps: Caps):
        self.data = data
        self.caps = caps
        self.pos = 0

    def take(self, n: int) -> memoryview:
        if n > len(self.data) - self.pos:
            raise ProtocolError(f"truncated frame: need {n} bytes at offset {self.pos}, "
                                f"{len(self.data) - self.pos} left")
        chunk = self.data[self.pos: self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: struct.Struct) -> int:
        return fmt.unpack(self.take(fmt.size))[0]

    def item(self, depth: int):
        if depth > self.caps.max_depth:
            raise ProtocolError(f"values nested deeper than {self.caps.max_depth} levels")
        tag = self.take(1)[0]
        if tag == _NONE:
            return None
        if tag == _TRUE:
            return True
        if tag == _FALSE:
            return False
        if tag == _INT:
            length = self.unpack(_U16)
            if not 1 <= length <= self.caps.max_int_bytes:
                raise ProtocolError(f"an int of {length} bytes (allowed 1..{self.caps.max_int_bytes})")
            return int.from_bytes(self.take(length), "little", signed=True)
        if tag == _FLOAT:
            return self.unpack(_F64)
        if tag == _NPSCALAR:
            dtype = self.dtype()
            value = np.frombuffer(bytes(self.take(dtype.itemsize)), dtype=dtype)
            self.check_bools(value)
            return value.astype(dtype.newbyteorder("="))[0]
        if tag == _STR:
            return self.text(self.caps.max_str_bytes)
        if tag == _UNSUPPORTED:
            return Unsupported(self.text(min(200, self.caps.max_str_bytes)))
        if tag == _ARRAY:
            return self.array()
        if tag in (_TUPLE, _LIST):
            n = self.unpack(_U32)
            if n > self.caps.max_seq_len:
                raise ProtocolError(f"a sequence of {n} items (max {self.caps.max_seq_len})")
            if n > len(self.data) - self.pos:
                raise ProtocolError(f"truncated frame: a sequence of {n} items in "
                                    f"{len(self.data) - self.pos} bytes")
            values = [self.item(depth + 1) for _ in range(n)]
            return tuple(values) if tag == _TUPLE else values
        if tag == _DICT:
            return self.mapping(depth)
        raise ProtocolError(f"unknown item tag {tag} at offset {self.pos - 1}")

    def mapping(self, depth: int) -> dict:
        n = self.unpack(_U32)
        if n > self.caps.max_dict_len:
            raise ProtocolError(f"a dict of {n} entries (max {self.caps.max_dict_len})")
        if n * DICT_ENTRY_MIN_BYTES > len(self.data) - self.pos:
            raise ProtocolError(f"truncated frame: a dict of {n} entries in {len(self.data) - self.pos} bytes")
        result = {}
        for _ in range(n):
            if self.take(1)[0] != _STR:
                raise ProtocolError(f"a dict key that is not a string at offset {self.pos - 1}")
            key = self.text(self.caps.max_key_bytes)
            if key in result:
                raise ProtocolError(f"dict key {key[:50]!r} appears twice")
            result[key] = self.item(depth + 1)
        return result

    def dtype(self) -> np.dtype:
        code = self.take(1)[0]
        if code >= len(DTYPES):
            raise ProtocolError(f"dtype code {code} is not in the whitelist")
        return DTYPES[code]

    def text(self, cap: int) -> str:
        n = self.unpack(_U32)
        if n > cap:
            raise ProtocolError(f"a string of {n} bytes (max {cap})")
        try:
            return str(self.take(n), "utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError(f"a string that is not valid UTF-8: {exc}") from None

    def array(self) -> np.ndarray:
        dtype = self.dtype()
        ndim = self.take(1)[0]
        if ndim > self.caps.max_ndim:
            raise ProtocolError(f"an array with {ndim} dimensions (max {self.caps.max_ndim})")
        shape = tuple(self.unpack(_U64) for _ in range(ndim))
        nbytes = self.unpack(_U64)
        size = 1
        for d in shape:
            if d > self.caps.max_frame_bytes:
                raise ProtocolError(f"an array dimension of {d} (max {self.caps.max_frame_bytes})")
            size *= d
        if size * dtype.itemsize != nbytes:
            raise ProtocolError(f"array of shape {shape} and dtype {dtype} declares {nbytes} bytes, "
                                f"needs {size * dtype.itemsize}")
        data = self.take(nbytes)  # bounds-checked before anything is allocated
        array = np.empty(shape, dtype=dtype.newbyteorder("="))
        if nbytes:
            array.reshape(-1).view(np.uint8)[:] = np.frombuffer(data, dtype=np.uint8)
            if dtype.byteorder == "<" and not np.little_endian:
                array.byteswap(inplace=True)
        self.check_bools(array)
        return array

    @staticmethod
    def check_bools(array: np.ndarray) -> None:
        if array.dtype == np.bool_ and array.size and array.view(np.uint8).max() > 1:
            raise ProtocolError("a bool array holding bytes other than 0 and 1")
