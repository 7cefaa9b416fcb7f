"""`--shard I/N`: shards partition the class deterministically and evenly; bad specs are refused."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.sharding import ShardError, parse_shard, select_shard

ids = st.lists(st.text(alphabet="abcdefghij0123456789_-", min_size=1, max_size=8), max_size=40)


@settings(derandomize=True, database=None, max_examples=60, deadline=None)
@given(students=ids, n=st.integers(1, 9))
def test_shards_partition_and_balance(students, n):
    shards = [select_shard(students, f"{i}/{n}") for i in range(1, n + 1)]
    flat = [s for shard in shards for s in shard]
    assert sorted(flat) == sorted(set(students))  # every student exactly once
    assert max(map(len, shards)) - min(map(len, shards)) <= 1


@settings(derandomize=True, database=None, max_examples=30, deadline=None)
@given(students=ids, n=st.integers(1, 5), data=st.data())
def test_shards_do_not_depend_on_listing_order(students, n, data):
    shuffled = data.draw(st.permutations(students))
    for i in range(1, n + 1):
        assert select_shard(shuffled, f"{i}/{n}") == select_shard(students, f"{i}/{n}")


def test_shard_examples():
    assert select_shard(["e", "a", "c", "b", "d"], "1/2") == ["a", "c", "e"]
    assert select_shard(["e", "a", "c", "b", "d"], "2/2") == ["b", "d"]
    assert parse_shard(" 3/4 ") == (3, 4)


@pytest.mark.parametrize("spec, problem", [
    ("", "expected I/N"), ("3", "expected I/N"), ("a/b", "whole numbers"), ("1/0", "N must be at least 1"),
    ("0/3", "between 1 and 3"), ("4/3", "between 1 and 3"), ("-1/3", "between 1 and 3"),
])
def test_bad_specs_are_refused_with_the_reason(spec, problem):
    with pytest.raises(ShardError, match=problem):
        select_shard(["a"], spec)
