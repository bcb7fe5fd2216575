"""figures.moment_cache on its own: served again while nothing is written, computed once by readers
arriving together. The pages that use it are tested in followup/tests/test_kept_pages.py."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection

from districts.tests.factories import DistrictFactory
from figures.moment_cache import _key, data_moment, kept_while_unchanged

pytestmark = pytest.mark.django_db(transaction=True)


def _counting(computed: list):
    def compute():
        computed.append(1)
        time.sleep(0.3)  # long enough for every reader to arrive while it runs
        return len(computed)

    return compute


def test_a_result_is_served_again_until_a_write(postgresql):
    cache.clear()
    computed = []
    compute = _counting(computed)

    assert kept_while_unchanged("test", ("a",), compute) == 1
    assert kept_while_unchanged("test", ("a",), compute) == 1
    assert kept_while_unchanged("test", ("b",), compute) == 2  # other parts, another result

    DistrictFactory()  # committed: the data's name changes

    assert kept_while_unchanged("test", ("a",), compute) == 3


def test_readers_arriving_together_compute_once(postgresql):
    cache.clear()
    computed = []
    compute = _counting(computed)
    results = []

    def reader():
        try:
            results.append(kept_while_unchanged("test", ("together",), compute))
        finally:
            connection.close()

    readers = [threading.Thread(target=reader) for _ in range(6)]
    for r in readers:
        r.start()
    for r in readers:
        r.join()

    assert (len(computed), results) == (1, [1] * 6)


def test_a_failing_computation_lets_the_next_reader_compute(postgresql):
    cache.clear()

    def failing():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        kept_while_unchanged("test", ("fails",), failing)

    # Its lock is gone with it: the next reader computes at once instead of waiting on it.
    assert cache.get(_key("test", ("fails",), data_moment()) + ":computing") is None
    assert kept_while_unchanged("test", ("fails",), lambda: "computed") == "computed"
