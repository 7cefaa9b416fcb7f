"""The worker pipe protocol: values survive a round trip as plain objects, and any malformed,
truncated or oversized frame is a ProtocolError raised before anything big is read or allocated."""

import struct
import tracemalloc

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.sandbox.protocol import (
    DEFAULT_CAPS,
    DTYPES,
    HEADER,
    MAGIC,
    VERSION,
    Caps,
    MsgType,
    ProtocolError,
    Unsupported,
    decode_frame,
    encode_frame,
    frame_parts,
    read_frame,
)

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=150)

arrays = st.sampled_from(DTYPES).flatmap(
    lambda dt: hnp.arrays(dt, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**200), max_value=2**200),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(DTYPES).flatmap(lambda dt: hnp.from_dtype(dt).map(lambda v: np.asarray(v, dt)[()])),
)
values = st.recursive(st.one_of(scalars, arrays),
                      lambda inner: st.one_of(st.tuples(inner, inner), st.lists(inner, max_size=4),
                                              st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=10)


def same(a, b) -> bool:
    """Equal type, dtype, shape and bits (NaN-safe)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (np.ndarray, np.generic)):
        return a.dtype == b.dtype and np.shape(a) == np.shape(b) and a.tobytes() == b.tobytes()
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b)
    return a == b


def round_trip(*items, caps=DEFAULT_CAPS):
    frame = decode_frame(encode_frame(MsgType.RESULT, items, caps), caps)
    assert frame.type == MsgType.RESULT
    return frame.items


@SETTINGS
@given(st.lists(values, max_size=5))
def test_round_trip_keeps_type_dtype_shape_and_bits(items):
    assert same(round_trip(*items), tuple(items))


@SETTINGS
@given(arrays)
def test_decoded_arrays_are_base_class_and_own_their_memory(array):
    (got,) = round_trip(array)
    assert type(got) is np.ndarray and got.flags.owndata and got.flags.c_contiguous and got.flags.writeable


def test_non_contiguous_and_big_endian_arrays_arrive_as_native_c_order():
    base = np.arange(24, dtype=">i4").reshape(4, 6)
    (got,) = round_trip(base[:, ::2].T)
    assert got.dtype == np.dtype("int32") and got.dtype.isnative
    np.testing.assert_array_equal(got, base[:, ::2].T)


def test_subclasses_come_back_as_plain_float_and_ndarray():
    class Liar(float):
        def __eq__(self, other):
            return True

    class LyingArray(np.ndarray):
        def __eq__(self, other):
            return np.ones(self.shape, bool)

    loss, grad, count = round_trip(Liar(2.5), np.zeros((2, 3)).view(LyingArray), True)
    assert type(loss) is float and loss != 3.0
    assert type(grad) is np.ndarray and not np.any(grad == 1.0)
    assert count is True


def test_values_that_cannot_cross_become_unsupported_with_their_type_name():
    got = round_trip({1: "a"}, np.zeros(2, complex), np.complex128(1j), object(), {1, 2})
    assert got == (Unsupported("dict with a int key (keys must be str)"), Unsupported("ndarray of complex128"),
                   Unsupported("numpy complex128"), Unsupported("object"), Unsupported("set"))


def test_an_optimizer_config_crosses_as_a_plain_dict_in_order():
    class Config(dict):
        def items(self):
            return [("forged", 1)]

    config = Config(learning_rate=1e-3, beta1=0.9, m=np.zeros((2, 3)), v=np.ones((2, 3), np.float32), t=5)
    (got,) = round_trip(config)
    assert type(got) is dict and list(got) == ["learning_rate", "beta1", "m", "v", "t"]
    assert same(got, dict(config))


def test_dicts_are_bounded_in_entries_key_length_and_depth():
    caps = Caps(max_dict_len=3, max_key_bytes=4, max_depth=2)
    for value, cap in [({str(i): i for i in range(4)}, "entries"), ({"toolong": 1}, "key of"),
                       ({"a": {"b": {"c": {"d": 1}}}}, "nested deeper")]:
        with pytest.raises(ProtocolError, match=cap):
            encode_frame(MsgType.RESULT, (value,), caps)
    assert round_trip({"abcd": {"b": 1}}, caps=caps) == ({"abcd": {"b": 1}},)


@pytest.mark.parametrize("value, cap", [
    (np.zeros((1,) * 5), "dimensions"),
    ("x" * 100, "string"),
    (list(range(20)), "sequence"),
    (2**1000, "int"),
    (np.zeros(1000), "bytes"),
])
def test_encoder_refuses_values_over_a_cap(value, cap):
    caps = Caps(max_frame_bytes=4000, max_str_bytes=50, max_seq_len=10)
    with pytest.raises(ProtocolError, match=cap):
        encode_frame(MsgType.RESULT, (value,), caps)


def test_encoder_refuses_self_referential_lists():
    loop = []
    loop.append(loop)
    with pytest.raises(ProtocolError, match="nested deeper"):
        encode_frame(MsgType.RESULT, (loop,))


# ------------------------------------------------------------------------------- hostile frames


def frame_with_payload(payload: bytes, count: int = 1, msg_type: int = MsgType.RESULT) -> bytes:
    return HEADER.pack(MAGIC, VERSION, msg_type, 0, count, len(payload)) + payload


def array_item(dtype_code: int, shape, nbytes: int) -> bytes:
    return bytes((ord("a"), dtype_code, len(shape))) + b"".join(struct.pack("<Q", d) for d in shape) + \
        struct.pack("<Q", nbytes)


def decodes_or_protocol_error(data: bytes, caps=DEFAULT_CAPS) -> None:
    try:
        decode_frame(data, caps)
    except ProtocolError as exc:
        assert str(exc)


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_never_raise_anything_but_protocol_error(data):
    decodes_or_protocol_error(data)
    decodes_or_protocol_error(frame_with_payload(data, count=len(data) % 4))


VALID = encode_frame(MsgType.ERROR, ("ValueError", "boom", "", (0, 2)))
VALID_ARRAYS = encode_frame(MsgType.RESULT, ((1.5, np.arange(6.0).reshape(2, 3)), [np.int64(3), None, True]))
VALID_DICT = encode_frame(MsgType.ARGUMENTS, ((np.ones(3), {"learning_rate": 0.01, "velocity": np.zeros(3)}), ()))


@SETTINGS
@given(st.sampled_from([VALID, VALID_ARRAYS, VALID_DICT]), st.data())
def test_corrupted_valid_frames_raise_only_protocol_error(frame, data):
    position = data.draw(st.integers(0, len(frame) - 1))
    byte = data.draw(st.integers(0, 255))
    corrupted = frame[:position] + bytes((byte,)) + frame[position + 1:]
    decodes_or_protocol_error(corrupted)


@pytest.mark.parametrize("frame", [VALID, VALID_ARRAYS, VALID_DICT])
def test_every_truncation_and_extension_is_a_protocol_error(frame):
    for end in range(len(frame)):
        with pytest.raises(ProtocolError):
            decode_frame(frame[:end])
    with pytest.raises(ProtocolError):
        decode_frame(frame + b"\0")


@pytest.mark.parametrize("payload, count, message", [
    (b"N", 2, "cannot fit|truncated"),
    (b"NN", 1, "trailing"),
    (b"?", 1, "unknown item tag"),
    (array_item(len(DTYPES), (1,), 8) + b"\0" * 8, 1, "whitelist"),
    (array_item(11, (2, 2), 24) + b"\0" * 24, 1, "needs 32"),
    (array_item(11, (1,) * 5, 8) + b"\0" * 8, 1, "dimensions"),
    (array_item(0, (3,), 3) + b"\0\1\2", 1, "bool"),
    (b"u" + struct.pack("<I", 2) + b"\xff\xfe", 1, "UTF-8"),
    (b"u" + struct.pack("<I", 2**31), 1, "string of"),
    (b"t" + struct.pack("<I", 2**31), 1, "sequence of"),
    (b"t" + struct.pack("<I", 1000), 1, "truncated"),
    (b"i" + struct.pack("<H", 0), 1, "int of"),
    (b"t\1\0\0\0" * 20 + b"N", 1, "nested deeper"),
    (b"d" + struct.pack("<I", 2**31), 1, "dict of"),
    (b"d" + struct.pack("<I", 200), 1, "truncated"),
    (b"d\1\0\0\0i\1\0\1NN", 1, "not a string"),
    (b"d\2\0\0\0u\1\0\0\0aNu\1\0\0\0aN", 1, "twice"),
    (b"d\1\0\0\0u" + struct.pack("<I", 1000) + b"a" * 1000 + b"N", 1, "string of"),
    (b"d\1\0\0\0u\1\0\0\0a" * 20 + b"N", 1, "nested deeper"),
])
def test_malformed_payloads_name_the_problem(payload, count, message):
    with pytest.raises(ProtocolError, match=message):
        decode_frame(frame_with_payload(payload, count))


@pytest.mark.parametrize("header, message", [
    (HEADER.pack(b"PKL\x80", VERSION, 2, 0, 0, 0), "magic"),
    (HEADER.pack(MAGIC, VERSION + 1, 2, 0, 0, 0), "version"),
    (HEADER.pack(MAGIC, VERSION, 99, 0, 0, 0), "message type"),
    (HEADER.pack(MAGIC, VERSION, 2, 7, 0, 0), "reserved"),
    (HEADER.pack(MAGIC, VERSION, 2, 0, 10**6, 10**7), "items"),
])
def test_bad_headers_are_refused(header, message):
    with pytest.raises(ProtocolError, match=message):
        decode_frame(header)


def test_oversized_frame_is_refused_before_its_payload_is_read():
    requests = []

    def read_exact(n):
        requests.append(n)
        if n == HEADER.size:
            return HEADER.pack(MAGIC, VERSION, MsgType.RESULT, 0, 1, 2**40)
        raise AssertionError("the payload must not be requested")

    with pytest.raises(ProtocolError, match="cap"):
        read_frame(read_exact, Caps(max_frame_bytes=2**20))
    assert requests == [HEADER.size]


def test_declared_arrays_larger_than_the_frame_are_refused_without_allocating_them():
    shape = (2**12, 2**12, 2**2)  # 512 MiB of float64 declared, 16 bytes present
    data = frame_with_payload(array_item(11, shape, 8 * 2**26) + b"\0" * 16)
    tracemalloc.start()
    try:
        with pytest.raises(ProtocolError, match="truncated"):
            decode_frame(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20


def test_caps_are_configurable():
    big = np.zeros(2**16)
    assert same(round_trip(big, caps=Caps(max_frame_bytes=2**20)), (big,))
    data = encode_frame(MsgType.RESULT, (big,), Caps(max_frame_bytes=2**20))
    with pytest.raises(ProtocolError, match="cap"):
        decode_frame(data, Caps(max_frame_bytes=2**15))


def test_strict_encoding_refuses_what_would_cross_as_unsupported():
    for value in ({1: "a"}, np.zeros(2, complex), [1, object()], {"a": {"b": object()}}):
        with pytest.raises(ProtocolError, match="cannot be sent"):
            frame_parts(MsgType.CALL, ("f", (value,)), strict=True)
    assert frame_parts(MsgType.CALL, ("f", (np.zeros(2), [1, 2.0], {"velocity": np.ones(2)})), strict=True)
