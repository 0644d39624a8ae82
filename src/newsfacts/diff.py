"""Comparing two data packages: rows added, removed and changed by primary key,
schema changes, and the SemVer bump the change requires.

Data SemVer (README "Versions"): a column removed, renamed or retyped, or a
table removed, is a breaking change (major); new rows or new columns or tables
are minor; changed rows only are a patch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from newsfacts.snapshot import Snapshot, open_snapshot

BUMPS = ("none", "patch", "minor", "major")


@dataclass
class TableDiff:
    name: str
    added: int = 0
    removed: int = 0
    changed: int = 0
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    columns_retyped: list[str] = field(default_factory=list)


@dataclass
class PackageDiff:
    old_version: str
    new_version: str
    tables: list[TableDiff] = field(default_factory=list)
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)

    @property
    def bump(self) -> str:
        """The smallest SemVer bump this change requires."""
        if self.tables_removed or any(t.columns_removed or t.columns_retyped for t in self.tables):
            return "major"
        if self.tables_added or any(t.columns_added or t.added or t.removed for t in self.tables):
            return "minor"
        if any(t.changed for t in self.tables):
            return "patch"
        return "none"

    def summary(self) -> str:
        lines = [
            f"Data changes from {self.old_version} to {self.new_version} "
            f"(requires a {self.bump} version bump):",
            "",
        ]
        for name in self.tables_added:
            lines.append(f"- table `{name}` added")
        for name in self.tables_removed:
            lines.append(f"- table `{name}` removed")
        for t in self.tables:
            parts = []
            if t.added or t.removed or t.changed:
                parts.append(f"{t.added} rows added, {t.removed} removed, {t.changed} changed")
            for label, columns in (
                ("added", t.columns_added),
                ("removed", t.columns_removed),
                ("retyped", t.columns_retyped),
            ):
                if columns:
                    parts.append(f"columns {label}: {', '.join(columns)}")
            if parts:
                lines.append(f"- `{t.name}`: " + "; ".join(parts))
        if len(lines) == 2:
            lines.append("- no changes")
        return "\n".join(lines) + "\n"


def _keyed_rows(snapshot: Snapshot, table: str, key_fields: list[str]) -> dict[str, str]:
    """Row fingerprint by primary key (or by the whole row when there is none)."""
    arrow = snapshot.arrow(table)
    rows = arrow.to_pylist()
    keyed = {}
    for row in rows:
        text = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
        key = json.dumps([row.get(k) for k in key_fields], default=str) if key_fields else text
        keyed[key] = hashlib.sha256(text.encode()).hexdigest()
    return keyed


def diff_packages(old: str | Path | Snapshot, new: str | Path | Snapshot) -> PackageDiff:
    old = old if isinstance(old, Snapshot) else open_snapshot(old)
    new = new if isinstance(new, Snapshot) else open_snapshot(new)
    result = PackageDiff(old.version, new.version)
    old_tables, new_tables = old.table_names(), new.table_names()
    result.tables_added = [t for t in new_tables if t not in old_tables]
    result.tables_removed = [t for t in old_tables if t not in new_tables]
    for name in [t for t in old_tables if t in new_tables]:
        table = TableDiff(name)
        old_fields = {f["name"]: f["type"] for f in old.fields(name)}
        new_fields = {f["name"]: f["type"] for f in new.fields(name)}
        table.columns_added = [c for c in new_fields if c not in old_fields]
        table.columns_removed = [c for c in old_fields if c not in new_fields]
        table.columns_retyped = [
            c for c in old_fields if c in new_fields and old_fields[c] != new_fields[c]
        ]
        key = new.resource(name)["schema"].get("primaryKey", [])
        if all(k in old_fields for k in key):
            before, after = _keyed_rows(old, name, key), _keyed_rows(new, name, key)
            table.added = sum(1 for k in after if k not in before)
            table.removed = sum(1 for k in before if k not in after)
            shared_columns_changed = bool(table.columns_added or table.columns_removed)
            table.changed = sum(
                1
                for k in after
                if k in before and after[k] != before[k] and not shared_columns_changed
            )
        result.tables.append(table)
    return result


def parse_version(text: str) -> tuple[int, int, int]:
    parts = text.split("+")[0].split("-")[0].split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a semantic version (X.Y.Z): {text!r}")
    return int(parts[0]), int(parts[1]), int(parts[2])


def next_version(previous: str, bump: str) -> str:
    major, minor, patch = parse_version(previous)
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return previous


def is_allowed(previous: str, bump: str, proposed: str) -> bool:
    """Whether ``proposed`` is at least the version that ``bump`` requires."""
    return parse_version(proposed) >= parse_version(next_version(previous, bump)) and (
        bump == "none" or parse_version(proposed) > parse_version(previous)
    )
