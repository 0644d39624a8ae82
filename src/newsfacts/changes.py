"""The rows that differ between two versions of a table, in bounded memory.

Both versions arrive as Arrow tables in primary-key order, a row group at a
time (``tables.TableSink`` writes every keyed table of a package sorted on
its key, as text). One pass over each, in step, like a merge: of each chunk of
keys, the rows only the old version has or holds differently are ``gone``,
the rows only the new version has or holds differently are ``come``. Memory
is a row group or two of each version, whatever the table's size.

``publish`` uses it to bring a database up to date with a new package instead
of loading every row again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyarrow
import pyarrow.compute as pc

# Joins a composite key's parts into one text whose order is the tuple's: it
# sorts below every character a key holds (ids and integers).
_SEPARATOR = "\x00"


@dataclass
class Chunk:
    """What changed within one range of keys."""

    gone: pyarrow.Table  # old rows to take out: their key is gone, or their row changed
    come: pyarrow.Table  # new rows to put in: their key is new, or their row changed
    changed: int  # keys in both versions whose rows differ


def table_changes(
    old: Iterable[pyarrow.Table], new: Iterable[pyarrow.Table], key: list[str]
) -> Iterator[Chunk]:
    """The changes from ``old`` to ``new`` (both in ``key`` order), chunk by chunk."""
    streams = [_Stream(old, key), _Stream(new, key)]
    while True:
        for stream in streams:
            stream.fill()
        if all(stream.exhausted for stream in streams):
            return
        # Every key up to the smallest last key held is in hand in both
        # versions: a stream still reading may hold later keys only after it.
        bounds = [stream.last_key() for stream in streams if not stream.done]
        bound = min(bounds) if bounds else None
        before, after = (stream.take_until(bound) for stream in streams)
        yield _compare(before, after)


class _Stream:
    def __init__(self, groups: Iterable[pyarrow.Table], key: list[str]) -> None:
        self.groups = iter(groups)
        self.key = key
        self.held: pyarrow.Table | None = None
        self.keys = None  # the held rows' keys as one text column
        self.done = False  # no more groups to read

    @property
    def exhausted(self) -> bool:
        return self.done and (self.held is None or self.held.num_rows == 0)

    def fill(self) -> None:
        while not self.done and (self.held is None or self.held.num_rows == 0):
            group = next(self.groups, None)
            if group is None:
                self.done = True
            else:
                self.held, self.keys = group, _key_text(group, self.key)

    def last_key(self) -> str:
        return self.keys[-1].as_py()

    def take_until(self, bound: str | None) -> tuple[pyarrow.Table, pyarrow.Array] | None:
        """The held rows with keys up to ``bound`` (all with None), let go of."""
        if self.held is None:
            return None
        count = self.held.num_rows
        if bound is not None:
            count = pc.sum(pc.less_equal(self.keys, bound)).as_py() or 0
        taken = (self.held.slice(0, count), self.keys.slice(0, count))
        self.held, self.keys = self.held.slice(count), self.keys.slice(count)
        return taken


def _key_text(table: pyarrow.Table, key: list[str]) -> pyarrow.Array:
    parts = [pc.cast(table.column(name), pyarrow.string()) for name in key]
    joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, _SEPARATOR)
    return joined.combine_chunks()


def _compare(old, new) -> Chunk:
    # A version without a single row group (a file written by other means)
    # has nothing to compare: everything the other holds differs.
    if new is None:
        return Chunk(gone=old[0], come=old[0].schema.empty_table(), changed=0)
    if old is None:
        return Chunk(gone=new[0].schema.empty_table(), come=new[0], changed=0)
    (old_rows, old_keys), (new_rows, new_keys) = old, new
    at = pc.index_in(new_keys, value_set=old_keys)  # each new row's place among the old
    matched = pc.is_valid(at)
    new_matched = new_rows.filter(matched)
    old_matched = old_rows.take(at.filter(matched))
    differ = _rows_differ(old_matched, new_matched)
    gone = pyarrow.concat_tables(
        [
            old_rows.filter(pc.invert(pc.is_in(old_keys, value_set=new_keys))),
            old_matched.filter(differ),
        ]
    )
    come = pyarrow.concat_tables([new_rows.filter(pc.invert(matched)), new_matched.filter(differ)])
    return Chunk(gone=gone, come=come, changed=pc.sum(differ).as_py() or 0)


def _rows_differ(old: pyarrow.Table, new: pyarrow.Table) -> pyarrow.Array:
    """Per row pair, whether any column differs (two nulls are the same)."""
    differ = pyarrow.array([False] * new.num_rows, pyarrow.bool_())
    for name in new.column_names:
        before, after = old.column(name), new.column(name)
        if pyarrow.types.is_list(after.type) or pyarrow.types.is_large_list(after.type):
            # Arrow compares no lists element-wise; list columns are short
            # (authors, aliases), so Python does.
            unequal = pyarrow.array(
                [a != b for a, b in zip(before.to_pylist(), after.to_pylist(), strict=True)],
                pyarrow.bool_(),
            )
        else:
            both_null = pc.and_(pc.is_null(before), pc.is_null(after))
            same = pc.or_(pc.fill_null(pc.equal(before, after), False), both_null)
            unequal = pc.invert(same)
        differ = pc.or_(differ, unequal)
    return differ
