"""Runs eval cases against a target, checks thresholds, compares with the baseline."""

from __future__ import annotations

import json
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .datasets import Case
from .metrics import Result, compute
from .targets import Target


def run_cases(cases: list[Case], target: Target, progress: Callable[[int], None] | None = None) -> list[Result]:
    """Ask every case (follow-ups after their previous question, in one conversation)."""
    results = []
    for i, case in enumerate(cases):
        conv = f"eval-{case.id}"
        if case.previous_question:
            target.ask(case.previous_question, conv)
        t0 = time.perf_counter()
        answer = target.ask(case.question, conv)
        seconds = time.perf_counter() - t0
        retrieved = target.retrieve(case.question, 10) if case.expected_doc_ids else None
        results.append(Result(case, answer, seconds, retrieved))
        if progress:
            progress(i + 1)
    return results


def check_thresholds(metrics: dict[str, float], path: Path) -> list[str]:
    """Broken thresholds, as readable lines (empty when all hold)."""
    spec = tomllib.loads(path.read_text("utf-8"))
    broken = []
    for name, floor in spec.get("min", {}).items():
        value = metrics.get(name)
        if value is None or value < floor:
            broken.append(f"{name} = {value} < {floor}")
    for name, ceiling in spec.get("max", {}).items():
        value = metrics.get(name)
        if value is None or value > ceiling:
            broken.append(f"{name} = {value} > {ceiling}")
    return broken


def compare(metrics: dict[str, float], baseline_path: Path) -> dict[str, dict[str, float | None]]:
    """Each metric beside its baseline value and the difference."""
    base: dict[str, Any] = json.loads(baseline_path.read_text("utf-8")).get("metrics", {}) \
        if baseline_path.exists() else {}
    return {k: {"value": v, "baseline": base.get(k), "delta": round(v - base[k], 4) if k in base else None}
            for k, v in metrics.items()}


def evaluate(cases: list[Case], target: Target, thresholds: Path, baseline: Path,
             progress: Callable[[int], None] | None = None) -> tuple[dict[str, Any], list[str]]:
    """The report (metrics, confusion, latency, failures, comparison) and any broken thresholds."""
    report = compute(run_cases(cases, target, progress))
    report["comparison"] = compare(report["metrics"], baseline)
    broken = check_thresholds(report["metrics"], thresholds)
    report["broken_thresholds"] = broken
    return report, broken
