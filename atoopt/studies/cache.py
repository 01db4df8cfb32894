"""Finished cases, kept by a hash of their inputs, so a study resumes where it stopped.

The key of a case is the SHA-256 of everything its result depends on: the base
instance's tables and settings, the case's overrides, the solver settings and
the cache format. A record is one JSON line appended (and flushed to disk) the
moment its case finishes, so a study killed half-way loses only the cases still
running; a half-written last line is ignored. Renaming a case keeps its result;
changing anything it depends on solves it again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..instance import Instance
from .definition import Case

#: Bump when a record's fields or meaning change: old records are then not reused.
CACHE_FORMAT = 1


def instance_digest(instance: Instance) -> str:
    """SHA-256 of the instance's tables and settings (ids, numbers and order)."""
    digest = hashlib.sha256()
    for frame in (
        instance.components,
        instance.configurations,
        instance.bom,
        instance.scenarios,
        instance.demand,
        instance.resources,
        instance.resource_use,
    ):
        digest.update(frame.to_csv().encode())
    digest.update(json.dumps(instance.settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def case_key(digest: str, case: Case, solver: dict) -> str:
    """The cache key of one case of the instance with ``digest`` under ``solver`` settings."""
    payload = {
        "format": CACHE_FORMAT,
        "instance": digest,
        "overrides": [o.key() for o in case.overrides],
        "solver": solver,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


class CaseCache:
    """A JSON-lines file of finished case records, read once and appended to."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.records: dict[str, dict] = {}
        self._torn = False  # the file ends in a half-written line: start the next one on its own line
        if self.path.exists():
            data = self.path.read_bytes()
            self._torn = bool(data) and not data.endswith(b"\n")
            with self.path.open(encoding="utf-8") as handle:
                for line in handle:
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError:  # the line being written when the study was stopped
                        continue
                    if isinstance(record, dict) and "key" in record:
                        self.records[record["key"]] = record

    def get(self, key: str) -> dict | None:
        return self.records.get(key)

    def put(self, record: dict) -> None:
        """Keep ``record`` (it has a ``key``) on disk before returning."""
        self.records[record["key"]] = record
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(("\n" if self._torn else "") + json.dumps(record, allow_nan=True) + "\n")
            self._torn = False
            handle.flush()
            os.fsync(handle.fileno())

    def __len__(self) -> int:
        return len(self.records)


def default_cache_path(output: str | Path) -> Path:
    """``<output>.cache.jsonl`` beside the comparison workbook."""
    output = Path(output)
    return output.with_name(output.name + ".cache.jsonl")
