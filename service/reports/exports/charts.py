"""The chapter's charts as PNG images (matplotlib, Agg; no display, no pyplot state).

Why greys and hatches: a municipal plan is printed, often in black and white, and copied; a
chart whose series differ only by hue turns into grey bars nobody can tell apart. The series
here differ by lightness and pattern, every bar has a black edge, and each bar carries its
number, so the chart reads without colour and without a legend lookup.

A hidden cell draws no bar: "–" stands where the bar would start, the same mark as in the
table. It is never drawn as zero.
"""

from __future__ import annotations

import io
import textwrap

from service.reports.exports.content import HIDDEN, Cell, Column, number_text

STYLES = (
    {"color": "#404040", "hatch": None},
    {"color": "#B0B0B0", "hatch": None},
    {"color": "#FFFFFF", "hatch": "///"},
    {"color": "#FFFFFF", "hatch": None},
    {"color": "#FFFFFF", "hatch": "xx"},
)
WIDTH_INCHES = 6.3  # 16 cm: the text width of an A4 page with 2.5 cm margins
DPI = 150


def png(kind: str, categories: list[str], series: list[tuple[Column, list[Cell]]], *, unit: str,
        locale: str) -> bytes:
    """A grouped bar (``bar``: horizontal) or column chart of the published cells of ``series``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    horizontal = kind == "bar"
    n_series = len(series)
    legend = 0.35 if n_series > 1 else 0.0
    height = (0.7 + legend + 0.17 * len(categories) * n_series + 0.12 * len(categories)) if horizontal \
        else 3.0 + legend
    figure = Figure(figsize=(WIDTH_INCHES, max(2.2, height)), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    band = 0.8 / n_series
    published = [cell.value for _column, cells in series for cell in cells if cell.published]
    top = max(published, default=0) or 1
    for k, (column, cells) in enumerate(series):
        style = STYLES[k % len(STYLES)]
        positions = [i - 0.4 + band * (k + 0.5) for i in range(len(categories))]
        shown = [(p, c.value) for p, c in zip(positions, cells, strict=True) if c.published]
        if shown:
            where, values = zip(*shown, strict=True)
            draw = axes.barh if horizontal else axes.bar
            bars = draw(where, values, band * 0.92, label=column.label, color=style["color"], hatch=style["hatch"],
                        edgecolor="#000000", linewidth=0.7)
            axes.bar_label(bars, labels=[number_text(v, locale) for v in values], padding=2, fontsize=7)
        elif n_series > 1:
            axes.bar([], [], label=column.label, color=style["color"], hatch=style["hatch"], edgecolor="#000000")
        for p, cell in zip(positions, cells, strict=True):
            if cell.hidden:
                if horizontal:
                    axes.text(top * 0.01, p, HIDDEN, va="center", ha="left", fontsize=8)
                else:
                    axes.text(p, top * 0.01, HIDDEN, va="bottom", ha="center", fontsize=8)
    wrap = 30 if horizontal else max(8, int(70 / max(len(categories), 1)))
    labels = ["\n".join(textwrap.wrap(category, wrap)) or category for category in categories]
    formatter = FuncFormatter(lambda value, _pos: number_text(value, locale))
    if horizontal:
        axes.set_yticks(range(len(categories)), labels, fontsize=8)
        axes.set_ylim(len(categories) - 0.5, -0.5)  # the first row on top, as in the table
        axes.set_xlim(0, top * 1.15)
        axes.xaxis.set_major_formatter(formatter)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        axes.set_xlabel(unit, fontsize=8)
        axes.grid(axis="x", color="#D0D0D0", linewidth=0.6)
    else:
        axes.set_xticks(range(len(categories)), labels, fontsize=8)
        axes.set_ylim(0, top * 1.15)
        axes.yaxis.set_major_formatter(formatter)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        axes.set_ylabel(unit, fontsize=8)
        axes.grid(axis="y", color="#D0D0D0", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.tick_params(labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if n_series > 1:
        figure.legend(*axes.get_legend_handles_labels(), fontsize=8, frameon=False, loc="lower center",
                      ncol=min(n_series, 4))
    # Margins from the label sizes (8 pt: about 0.07 inch a character, 0.14 inch a line) rather than
    # tight_layout, which draws the figure once more only to measure it.
    tall = figure.get_figheight()
    longest = max((len(line) for label in labels for line in label.split("\n")), default=1)
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    if horizontal:
        left = min(0.45, (longest * 0.068 + 0.25) / WIDTH_INCHES)
        bottom = (0.5 + legend) / tall
    else:
        left = 0.75 / WIDTH_INCHES
        bottom = (0.3 + 0.14 * lines + legend) / tall
    figure.subplots_adjust(left=left, right=0.97, top=1 - 0.15 / tall, bottom=bottom)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()
