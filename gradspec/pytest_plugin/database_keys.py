"""Example-database keys of the suite's items, from each test function's source read once.

Hypothesis keys the examples it stores for a parametrized pytest item by a digest of the test
function's source and the item's node id, and reads, tokenizes and parses that source again for
every item: about 0.35 ms an item, over a second of a whole run, for the suite's two test
functions that every case shares.  gradspec digests each function's source once and gives each
item its key before the call, through the attribute Hypothesis reads a key from when one is set
in advance (as its own ``find()`` does).  A Hypothesis that no longer reads it computes its own
key, as before; with no database (the ``ci`` profile) an item gets no key at all.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import settings

#: The attribute of a ``@given`` test that Hypothesis takes its database key from when present.
KEY_ATTRIBUTE = "_hypothesis_internal_database_key"


@functools.cache
def _source_digest(function: Callable[..., Any]) -> bytes:
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = function.__qualname__
    return hashlib.sha384(source.encode()).digest()


def database_key(test: Callable[..., Any], node_id: str) -> bytes | None:
    """The key of ``node_id``'s examples for ``test``; None where the test stores none."""
    stored_by = getattr(test, "_hypothesis_internal_use_settings", None) or settings.default
    if stored_by is None or stored_by.database is None:
        return None
    inner = getattr(getattr(test, "hypothesis", None), "inner_test", test)
    return hashlib.sha384(_source_digest(inner) + node_id.encode()).digest()


@contextlib.contextmanager
def keyed(test: Callable[..., Any], node_id: str) -> Iterator[None]:
    """Within the block, ``test`` stores and replays its examples under :func:`database_key`."""
    setattr(test, KEY_ATTRIBUTE, database_key(test, node_id))
    try:
        yield
    finally:
        delattr(test, KEY_ATTRIBUTE)
