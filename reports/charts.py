"""Bar charts drawn on the server as SVG, the same markup in the web page and in the PDF.

No JavaScript and no image files: each chart is inline `<svg role="img">` with a `<title>` and a `<desc>`
that states every value in words (the text alternative read by screen readers), and every bar carries
its value printed beside it, so that no information rests on colour alone. Labels sit above their bar,
so long theme names are never cut. All text is escaped here; the result is marked safe for templates.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LEFT = 4
VALUE_ROOM = 190  # room kept right of the longest bar for its printed value
BAR_HEIGHT = 16
LABEL_HEIGHT = 15
ROW_GAP = 10
FONT = "DejaVu Sans, Arial, sans-serif"
TEXT_COLOUR = "#111111"
AXIS_COLOUR = "#6b6b6b"
BAR_COLOUR = "#1d3f72"  # dark blue: 10.6:1 against white
WOMEN_COLOUR = "#7b2a83"  # plum: 8.5:1 against white
MEN_COLOUR = "#1f6f5c"  # dark green: 6.2:1 against white


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    text: str  # the value as printed, French format (e.g. "1 300,00 € (59 %)")


@dataclass(frozen=True)
class Series:
    name: str  # e.g. "Femmes"
    colour: str
    values: Sequence[Decimal | int]
    texts: Sequence[str]  # each value as printed


@dataclass(frozen=True)
class Group:
    label: str  # e.g. "Participant·es"


def _bar_width(value, maximum) -> float:
    if not maximum or not value or value <= 0:
        return 0.0
    width = float(value) / float(maximum) * (WIDTH - LEFT - VALUE_ROOM)
    return max(width, 1.5)


def _text(x: float, y: float, content: str, *, size: int = 11, weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" font-weight="{weight}" '
        f'fill="{TEXT_COLOUR}">{escape(content)}</text>'
    )


def _svg(*, chart_id: str, title: str, description: str, height: int, body: list[str]) -> SafeString:
    title_id, desc_id = f"{chart_id}-titre", f"{chart_id}-description"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # every text above went through escape()


def values_description(description: str, bars: Sequence[Bar]) -> str:
    """A chart's description stating every bar's value: `description` (French, with `%(values)s`) filled with
    "label : value ; label : value"."""
    return description % {"values": " ; ".join(f"{bar.label} : {bar.text}" for bar in bars)}


def horizontal_bar_chart(*, chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """One bar per row (e.g. amount granted by theme), the label above the bar, the value after it.

    Returns an empty string when there is nothing to draw (no bar, or every value is zero).
    """
    if not bars or not any(bar.value for bar in bars):
        return mark_safe("")
    maximum = max(bar.value for bar in bars)
    row = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = ROW_GAP + row * len(bars)
    body = []
    y = ROW_GAP
    for bar in bars:
        body.append(_text(LEFT, y + 11, bar.label))
        bar_y = y + LABEL_HEIGHT
        width = _bar_width(bar.value, maximum)
        body.append(f'<rect x="{LEFT}" y="{bar_y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>')
        body.append(_text(LEFT + width + 6, bar_y + 12, bar.text, weight="bold"))
        y += row
    body.append(
        f'<line x1="{LEFT}" y1="{ROW_GAP}" x2="{LEFT}" y2="{height - ROW_GAP / 2:.1f}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    return _svg(chart_id=chart_id, title=title, description=description, height=height, body=body)


def grouped_bar_chart(
    *, chart_id: str, title: str, description: str, groups: Sequence[Group], series: Sequence[Series]
) -> SafeString:
    """For each group (e.g. participants, mobilised residents) one bar per series (women, men).

    Each bar is preceded by its series' name and followed by its value, so the chart reads without the
    legend and without telling colours apart. Empty string when every value is zero.
    """
    if not groups or not any(value for s in series for value in s.values):
        return mark_safe("")
    maximum = max(value for s in series for value in s.values)
    name_room = max(len(s.name) for s in series) * 7 + 12
    inner_bar = BAR_HEIGHT + 4
    group_height = LABEL_HEIGHT + inner_bar * len(series) + ROW_GAP
    legend_height = 22
    height = legend_height + ROW_GAP + group_height * len(groups)
    body = []
    # Legend: a swatch and the series' name.
    x = LEFT
    for s in series:
        body.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{escape(s.colour)}"/>')
        body.append(_text(x + 16, 14, s.name))
        x += 16 + len(s.name) * 7 + 24
    y = legend_height + ROW_GAP
    for index, group in enumerate(groups):
        body.append(_text(LEFT, y + 11, group.label, weight="bold"))
        bar_y = y + LABEL_HEIGHT
        for s in series:
            value, text = s.values[index], s.texts[index]
            body.append(_text(LEFT, bar_y + 12, s.name, size=10))
            width = _bar_width(value, maximum) * (WIDTH - LEFT - VALUE_ROOM - name_room) / (WIDTH - LEFT - VALUE_ROOM)
            body.append(
                f'<rect x="{LEFT + name_room}" y="{bar_y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{escape(s.colour)}"/>'
            )
            body.append(_text(LEFT + name_room + width + 6, bar_y + 12, text, weight="bold"))
            bar_y += inner_bar
        y += group_height
    return _svg(chart_id=chart_id, title=title, description=description, height=height, body=body)
