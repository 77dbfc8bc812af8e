"""What changed between two dataset versions: files added, removed and changed (folders);
schema changes and rows added or removed (data frames, by row hashes)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DatasetDiff:
    old: str  # content ids
    new: str
    added: tuple[tuple[str, int], ...] = ()  # (path, size)
    removed: tuple[tuple[str, int], ...] = ()
    changed: tuple[tuple[str, int, int], ...] = ()  # (path, old size, new size)
    schema_changes: tuple[str, ...] = ()
    rows_added: int = 0
    rows_removed: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def same(self) -> bool:
        return self.old == self.new

    def __str__(self) -> str:
        if self.same:
            return f"identical ({self.old[:12]})"
        lines = [f"{self.old[:12]} → {self.new[:12]}"]
        for path, size in self.added:
            lines.append(f"  + {path} ({size} bytes)")
        for path, size in self.removed:
            lines.append(f"  - {path} ({size} bytes)")
        for path, old, new in self.changed:
            lines.append(f"  ~ {path} ({old} → {new} bytes)")
        lines += [f"  schema: {c}" for c in self.schema_changes]
        if self.rows_added or self.rows_removed:
            lines.append(f"  rows: +{self.rows_added} −{self.rows_removed}")
        lines += [f"  {n}" for n in self.notes]
        if self.added or self.removed or self.changed:
            lines.append(
                f"  {len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"
            )
        return "\n".join(lines)


def diff_manifests(
    old_id: str, new_id: str, old: list[tuple[str, int, str]], new: list[tuple[str, int, str]]
) -> DatasetDiff:
    """Entries are (path, size, content id)."""
    a = {p: (s, h) for p, s, h in old}
    b = {p: (s, h) for p, s, h in new}
    return DatasetDiff(
        old_id,
        new_id,
        added=tuple((p, b[p][0]) for p in sorted(b.keys() - a.keys())),
        removed=tuple((p, a[p][0]) for p in sorted(a.keys() - b.keys())),
        changed=tuple(
            (p, a[p][0], b[p][0]) for p in sorted(a.keys() & b.keys()) if a[p][1] != b[p][1]
        ),
    )


def diff_frames(
    old_id: str,
    new_id: str,
    old_schema: dict[str, Any],
    new_schema: dict[str, Any],
    old_rows: bytes | None,
    new_rows: bytes | None,
) -> DatasetDiff:
    changes = []
    a = dict(zip(old_schema.get("columns", []), old_schema.get("dtypes", []), strict=False))
    b = dict(zip(new_schema.get("columns", []), new_schema.get("dtypes", []), strict=False))
    changes += [f"column {c!r} added ({b[c]})" for c in b if c not in a]
    changes += [f"column {c!r} removed ({a[c]})" for c in a if c not in b]
    changes += [f"column {c!r}: {a[c]} → {b[c]}" for c in a if c in b and a[c] != b[c]]
    for key in ("dtype", "shape", "index"):
        if old_schema.get(key) != new_schema.get(key):
            changes.append(f"{key}: {old_schema.get(key)} → {new_schema.get(key)}")
    notes: tuple[str, ...] = ()
    added = removed = 0
    if old_rows is not None or new_rows is not None:
        if a.keys() == b.keys():
            old_c, new_c = _counts(old_rows), _counts(new_rows)
            added = sum((new_c - old_c).values())
            removed = sum((old_c - new_c).values())
        else:
            notes = ("rows not compared: the columns differ",)
    return DatasetDiff(
        old_id,
        new_id,
        schema_changes=tuple(changes),
        rows_added=added,
        rows_removed=removed,
        notes=notes,
    )


def _counts(rows: bytes | None) -> Counter[bytes]:
    if not rows:
        return Counter()
    return Counter(rows[i : i + 8] for i in range(0, len(rows), 8))
