"""Text for Plotly labels: the one place user-supplied strings are escaped.

Plotly renders a subset of HTML in every label it draws (axis ticks, trace
names, in-bar text, hover boxes): `<a href>` becomes a clickable SVG link,
`<b>`, `<br>`, `<span style>` change the text. Office, province, scheme, bank
and funding-source names, and any title or note that reaches a figure, are
typed by people, so the chart builders pass each such string through `label`
before putting it in a figure, and only then add their own markup around it
(`<b>{label(name)}</b><br>…`). Plotly turns `&lt;`, `&gt;` and `&amp;` back into
the characters, so a name shows exactly as typed and never as markup.
"""

from __future__ import annotations

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def label(text) -> str:
    """`text` as Plotly label text that shows literally (None → "")."""
    return "" if text is None else str(text).translate(_ESCAPES)


def labels(texts) -> list[str]:
    return [label(t) for t in texts]
