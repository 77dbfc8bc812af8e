"""The result of a duplicate search: groups of identical files, largest waste first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DuplicateGroup:
    """Files with the same content: ``size`` bytes each, blake3 ``content_id``."""

    size: int
    content_id: str
    locations: tuple[str, ...]  # sorted

    @property
    def wasted_bytes(self) -> int:
        """Bytes that keeping a single copy would free."""
        return self.size * (len(self.locations) - 1)


@dataclass(frozen=True)
class DuplicateReport:
    """Duplicate groups, most wasted bytes first, and how much was looked at."""

    groups: tuple[DuplicateGroup, ...]
    files_scanned: int  # distinct files listed (blobs and empty files included)
    bytes_scanned: int  # their total size

    @property
    def wasted_bytes(self) -> int:
        return sum(g.wasted_bytes for g in self.groups)

    def to_text(self) -> str:
        """A readable table: one row per group, then its locations, then a total line."""
        lines = []
        if self.groups:
            lines.append(f"{'wasted':>10}  {'copies':>6}  {'size':>10}  content id")
            for g in self.groups:
                lines.append(
                    f"{human_bytes(g.wasted_bytes):>10}  {len(g.locations):>6}  "
                    f"{human_bytes(g.size):>10}  {g.content_id[:16]}…"
                )
                lines.extend(f"    {loc}" for loc in g.locations)
        redundant = sum(len(g.locations) - 1 for g in self.groups)
        lines.append(
            f"total: {human_bytes(self.wasted_bytes)} wasted by {redundant} redundant "
            f"cop{'y' if redundant == 1 else 'ies'} in {len(self.groups)} group(s); "
            f"{self.files_scanned:,} file(s), {human_bytes(self.bytes_scanned)} scanned"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def to_pandas(self) -> Any:
        """A DataFrame with one row per location: group, content_id, size, copies,
        wasted_bytes (of the group), location."""
        import pandas as pd

        rows = [
            (i, g.content_id, g.size, len(g.locations), g.wasted_bytes, loc)
            for i, g in enumerate(self.groups)
            for loc in g.locations
        ]
        columns = ["group", "content_id", "size", "copies", "wasted_bytes", "location"]
        return pd.DataFrame.from_records(rows, columns=columns)


def human_bytes(n: int) -> str:
    """``n`` bytes as "512 B", "1.5 KiB", "2.0 GiB"..."""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"
