"""The comparison as one self-contained HTML page: inline SVG charts, no scripts, no network.

The page must open from a folder copied off the machine that ran it, so the
charts are drawn here as SVG strings (a few rectangles and lines each) and
the styles are inline. The layout lives in the jinja template
`agentkit/templates/report/compare.html.jinja`; this module computes what it
shows: a per-request latency timeline of both models, bars for decode tok/s
and TTFT, and the decision diff table.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from agentkit.harness.diff import describe_divergence
from agentkit.harness.metrics import TimelineBar
from agentkit.harness.summary import CompareSummary

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "report"
COLORS = ["#3b6fb6", "#d9822b"]  # model A, model B
PURPOSE_SHADE = {"react": 1.0, "critique": 0.55, "revise": 0.7, "plan": 0.45, "replan": 0.45, "synthesize": 0.8}


def render_html(summary: CompareSummary) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    labels = summary.labels
    return env.get_template("compare.html.jinja").render(
        s=summary, colors=dict(zip(labels, COLORS)), describe=describe_divergence, fmt=_fmt,
        timeline=timeline_svg(summary.timeline, labels),
        tps_bars=bar_svg("decode tok/s (median)", {l: summary.models[l].decode_tps for l in labels}),
        ttft_bars=bar_svg("TTFT p50 ms", {l: summary.models[l].ttft_p50_ms for l in labels}),
    )


def timeline_svg(timeline: dict[str, list[TimelineBar]], labels: list[str], width: int = 900) -> Markup:
    """One lane per model; one rectangle per request from its start to its end (TTFT darker)."""
    lane, left, top = 34, 90, 20
    end = max((r.start_s + r.total_s for rs in timeline.values() for r in rs), default=1.0) or 1.0
    scale = (width - left - 10) / end
    height = top + lane * len(labels) + 30
    parts = [(f'<svg class="chart" id="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" '
              f'height="{height}" role="img" aria-label="per-request latency timeline">')]
    for i, label in enumerate(labels):
        y = top + i * lane
        parts.append(f'<text x="4" y="{y + 18}" font-size="12">{escape(label)}</text>')
        for r in timeline.get(label, []):
            x, w = left + r.start_s * scale, max(r.total_s * scale, 1.0)
            opacity = PURPOSE_SHADE.get(r.purpose, 1.0)
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="24" fill="{COLORS[i]}" '
                         f'fill-opacity="{opacity}"><title>{escape(r.purpose)}: {r.total_s:.2f} s</title></rect>')
            if r.ttft_s:
                parts.append(f'<rect x="{x:.1f}" y="{y + 20}" width="{max(r.ttft_s * scale, 1.0):.1f}" height="4" '
                             f'fill="#222"/>')
    # A time axis with five ticks, so widths read as seconds.
    axis_y = top + lane * len(labels) + 4
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - 10}" y2="{axis_y}" stroke="#888"/>')
    for k in range(6):
        t = end * k / 5
        parts.append(f'<text x="{left + t * scale:.1f}" y="{axis_y + 16}" font-size="11" text-anchor="middle">'
                     f'{t:.0f} s</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_svg(title: str, values: dict[str, float | None], width: int = 420) -> Markup:
    """Horizontal bars, one per model, labelled with their value."""
    left, bar, gap = 90, 26, 10
    top = 24
    height = top + len(values) * (bar + gap) + 4
    biggest = max((v for v in values.values() if v), default=1.0)
    parts = [(f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
              f'role="img" aria-label="{escape(title)}"><text x="4" y="15" font-size="13" font-weight="bold">'
              f'{escape(title)}</text>')]
    for i, (label, value) in enumerate(values.items()):
        y = top + i * (bar + gap)
        w = (width - left - 60) * (value or 0) / biggest
        parts.append(f'<text x="4" y="{y + 17}" font-size="12">{escape(label)}</text>'
                     f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{COLORS[i % 2]}"/>'
                     f'<text x="{left + w + 6:.1f}" y="{y + 17}" font-size="12">'
                     f'{"-" if value is None else f"{value:.0f}"}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"
