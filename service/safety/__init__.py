"""Safety triage: runs on every question before retrieval, independent of the index and of any LLM."""

from .triage import Triage, TriageDecision

__all__ = ["Triage", "TriageDecision"]
