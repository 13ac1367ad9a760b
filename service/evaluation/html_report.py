"""A self-contained HTML report with inline SVG charts (no scripts, no external requests)."""

from __future__ import annotations

from html import escape
from typing import Any

from .metrics import CLASSES


def _heatmap(confusion: dict[str, dict[str, int]]) -> str:
    rows = [r for r in (*CLASSES, "safe") if r in confusion]
    cell, left, top = 74, 210, 170
    width, height = left + cell * len(CLASSES) + 10, top + cell * len(rows) + 10
    parts = [f'<svg role="img" aria-label="Confusion matrix" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="system-ui,sans-serif" font-size="12">']
    for j, col in enumerate(CLASSES):
        x = left + j * cell + cell / 2
        parts.append(f'<text x="{x}" y="{top - 8}" transform="rotate(-35 {x} {top - 8})">{escape(col)}</text>')
    for i, row in enumerate(rows):
        total = sum(confusion[row].values()) or 1
        y = top + i * cell
        parts.append(f'<text x="{left - 8}" y="{y + cell / 2 + 4}" text-anchor="end">{escape(row)}</text>')
        for j, col in enumerate(CLASSES):
            n = confusion[row].get(col, 0)
            share = n / total
            ok = col == row or (row == "safe" and col in ("answered", "not_found"))
            color = f"rgba(16,120,90,{0.1 + 0.85 * share:.2f})" if ok else f"rgba(200,60,40,{0.08 + 0.9 * share:.2f})"
            fg = "#fff" if share > 0.55 else "#111"
            parts.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{color}"/>'
                         f'<text x="{left + j * cell + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle" '
                         f'fill="{fg}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _bars(values: dict[str, float], label: str) -> str:
    width, bar, gap, left = 560, 26, 10, 190
    height = len(values) * (bar + gap) + 10
    parts = [f'<svg role="img" aria-label="{escape(label)}" width="{width}" height="{height}" '
             f'font-family="system-ui,sans-serif" font-size="12">']
    for i, (name, v) in enumerate(values.items()):
        y = i * (bar + gap) + 5
        w = max(1.0, (width - left - 60) * v)
        parts.append(f'<text x="{left - 8}" y="{y + bar / 2 + 4}" text-anchor="end">{escape(name)}</text>'
                     f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="#0a7a5c" rx="3"/>'
                     f'<text x="{left + w + 6:.1f}" y="{y + bar / 2 + 4}">{v:.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _curve(points: list[tuple[int, float]]) -> str:
    width, height, pad = 420, 220, 40
    if not points:
        return "<p>No retrieval metrics.</p>"
    xs = {k: pad + (width - 2 * pad) * i / max(len(points) - 1, 1) for i, (k, _) in enumerate(points)}
    ys = {k: height - pad - (height - 2 * pad) * v for k, v in points}
    path = " ".join(f"{'M' if i == 0 else 'L'}{xs[k]:.1f},{ys[k]:.1f}" for i, (k, _) in enumerate(points))
    dots = "".join(f'<circle cx="{xs[k]:.1f}" cy="{ys[k]:.1f}" r="4" fill="#0a7a5c"/>'
                   f'<text x="{xs[k]:.1f}" y="{ys[k] - 10:.1f}" text-anchor="middle">{v:.3f}</text>'
                   f'<text x="{xs[k]:.1f}" y="{height - pad + 18}" text-anchor="middle">k={k}</text>'
                   for k, v in points)
    return (f'<svg role="img" aria-label="Retrieval recall at k" width="{width}" height="{height}" '
            f'font-family="system-ui,sans-serif" font-size="12"><line x1="{pad}" y1="{height - pad}" '
            f'x2="{width - pad}" y2="{height - pad}" stroke="#999"/><path d="{path}" fill="none" stroke="#0a7a5c" '
            f'stroke-width="2"/>{dots}</svg>')


def _blank(value: float | None, fmt: str = "{}") -> str:
    return "" if value is None else fmt.format(value)


def render(report: dict[str, Any], title: str) -> str:
    """The whole page."""
    m = report["metrics"]
    recalls = {k: m[k] for k in ("crisis_recall", "dosing_recall", "personal_advice_recall",
                                 "not_found_rate_off_corpus", "answered_rate_answerable", "key_phrase_hit_rate")
               if k in m}
    curve = [(k, m[f"retrieval_recall_at_{k}"]) for k in (1, 5, 10) if f"retrieval_recall_at_{k}" in m]
    rows = "".join(
        f"<tr><td>{escape(k)}</td><td>{v['value']}</td><td>{_blank(v['baseline'])}</td>"
        f"<td>{_blank(v['delta'], '{:+.4f}')}</td></tr>" for k, v in report["comparison"].items())
    lat = "".join(f"<tr><td>{escape(o)}</td><td>{v['n']}</td><td>{v['p50_ms']}</td><td>{v['p95_ms']}</td></tr>"
                  for o, v in report["latency"].items())
    fails = "".join(
        f"<tr><td>{escape(f['id'])}</td><td>{escape(f['question'])}</td><td>{escape(f['expected'])}</td>"
        f"<td>{escape(f['got'])}</td><td>{escape(f['key_phrase'] or '')}</td><td>{escape(f['answer'])}</td>"
        f"<td>{escape('; '.join(f['citations']))}</td></tr>" for f in report["failures"])
    broken = "".join(f"<li>{escape(b)}</li>" for b in report.get("broken_thresholds", []))
    status = f"<ul class=bad>{broken}</ul>" if broken else "<p class=ok>All thresholds hold.</p>"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<style>body{{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1b1b}}
table{{border-collapse:collapse;margin:1rem 0;width:100%}}td,th{{border:1px solid #ddd;padding:.35rem .5rem;
text-align:left;vertical-align:top;font-size:13px}}th{{background:#f3f6f5}}.ok{{color:#0a6a4f}}.bad{{color:#b3261e}}
section{{margin:2rem 0}}.charts{{display:flex;flex-wrap:wrap;gap:2rem}}</style></head><body>
<h1>{escape(title)}</h1><p>{report['cases']} cases.</p>{status}
<section><h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>baseline</th><th>change</th></tr>{rows}</table>
</section><section class="charts"><div><h2>Outcomes (expected rows, got columns)</h2>{_heatmap(report['confusion'])}
</div><div><h2>Recall by category</h2>{_bars(recalls, 'Recall by category')}<h2>Retrieval recall@k</h2>
{_curve(curve)}</div></section><section><h2>Latency</h2><table><tr><th>outcome</th><th>n</th><th>p50 ms</th>
<th>p95 ms</th></tr>{lat}</table></section><section><h2>Failures ({len(report['failures'])})</h2><table><tr><th>id</th>
<th>question</th><th>expected</th><th>got</th><th>key phrase</th><th>answer</th><th>citations</th></tr>{fails}</table>
</section></body></html>"""
