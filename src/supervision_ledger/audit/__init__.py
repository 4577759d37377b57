"""Auditor replay and tamper evidence: history, state as of a past moment, digests,
verification and exports for independent verification (spec: docs/audit.md)."""

from .export import ExportSummary, export_jsonl
from .history import (
    AsOfUnavailable,
    HistoryEntry,
    HistoryPage,
    InvalidReference,
    aggregate_state,
    resolve_reference,
)
from .integrity import Digest, Finding, InvalidDigest, Problem, VerifyReport
from .redact import Redactor

__all__ = [
    "AsOfUnavailable",
    "Digest",
    "ExportSummary",
    "Finding",
    "HistoryEntry",
    "HistoryPage",
    "InvalidDigest",
    "InvalidReference",
    "Problem",
    "Redactor",
    "VerifyReport",
    "aggregate_state",
    "export_jsonl",
    "resolve_reference",
]
