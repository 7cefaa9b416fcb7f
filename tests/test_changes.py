"""What a call changed in its arguments, decided on the trusted side (grader.sandbox.changes): bit for
bit as the pipe carries values, inside tuples, lists and str-keyed dicts, named by path."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.sandbox.changes import call_changes, changed_paths, keep, top_level
from grader.sandbox.protocol import MsgType, Unsupported, decode_frame, encode_frame

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=100)


def test_changes_are_found_bit_for_bit_and_named_by_path():
    nan = np.array([np.nan, 1.0])
    W, rows, labels = np.ones((2, 2)), [np.zeros(2), 1.0], (np.arange(3), "x")
    config = {"learning_rate": 1e-2, "velocity": np.zeros(3), "t": 0}
    args, kwargs = (nan, W, rows, labels, 0.5), {"reg": 0.1, "config": config}
    before_args, before_kwargs = keep(args), keep(kwargs)
    W.shape = (4,)
    rows[1] = 2.0
    labels[0][0] = 7
    config["velocity"] += 1.0
    config["t"] = 1
    config["m"] = np.zeros(3)
    changes = call_changes(before_args, before_kwargs, args, kwargs)
    assert changes == ((1,), (2, 1), (3, 0), ("config", "velocity"), ("config", "t"), ("config", "m"))
    assert top_level(changes) == (1, 2, 3, "config")


def test_nan_payloads_negative_zero_dtype_and_type_changes_count():
    assert changed_paths(np.array([0.0]), np.array([-0.0])) == [()]
    assert changed_paths(np.array([np.nan]), np.array([-np.nan])) == [()]
    assert changed_paths(np.array([np.nan]), np.array([np.nan])) == []
    assert changed_paths(np.zeros(2, np.float32), np.zeros(2, np.float64)) == [()]
    assert changed_paths(1, True) == [()] and changed_paths(1, 1.0) == [()]
    assert changed_paths([1, 2], (1, 2)) == [()] and changed_paths([1], [1, None]) == [()]
    assert changed_paths({"a": 1}, {"a": 1}) == [] and changed_paths(1.5, Unsupported("float")) == [()]


def test_a_dict_reordered_but_equal_is_unchanged():
    assert changed_paths({"a": 1, "b": np.ones(2)}, {"b": np.ones(2), "a": 1}) == []


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, bool)


def test_subclasses_and_hostile_equality_do_not_hide_a_change():
    before = np.zeros(3)
    after = np.ones(3).view(LyingArray)
    assert changed_paths(before, after) == [()]
    assert changed_paths({"v": before}, {"v": after}) == [("v",)]


values = st.recursive(
    st.one_of(st.floats(allow_nan=True), st.integers(-10, 10), st.text(max_size=3),
              st.lists(st.floats(allow_nan=True), max_size=4).map(np.array)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    max_leaves=8)


@SETTINGS
@given(values)
def test_a_value_sent_through_the_pipe_and_back_is_unchanged(value):
    (echoed,) = decode_frame(encode_frame(MsgType.ARGUMENTS, (value,))).items
    assert changed_paths(value, echoed) == []
    assert changed_paths(keep(value), value) == []
