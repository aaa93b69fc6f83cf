"""A tile-grid map of Iran's 31 provinces, laid out by hand.

One square per province at (row, column), north at row 0 and west at column
0, keeping each province next to its real neighbours as far as a grid can.
It needs no map data from anywhere (Plotly's geo traces fetch topojson from a
CDN, which office networks cannot reach).
"""

from __future__ import annotations

# ISO 3166-2:IR code → (row, column).
TILES: dict[str, tuple[int, int]] = {
    "IR-04": (0, 0),  # West Azerbaijan
    "IR-03": (0, 1),  # East Azerbaijan
    "IR-24": (0, 2),  # Ardabil
    "IR-12": (1, 0),  # Kurdistan
    "IR-19": (1, 1),  # Zanjan
    "IR-01": (1, 2),  # Gilan
    "IR-02": (1, 3),  # Mazandaran
    "IR-27": (1, 4),  # Golestan
    "IR-28": (1, 5),  # North Khorasan
    "IR-05": (2, 0),  # Kermanshah
    "IR-13": (2, 1),  # Hamadan
    "IR-26": (2, 2),  # Qazvin
    "IR-30": (2, 3),  # Alborz
    "IR-23": (2, 4),  # Tehran
    "IR-20": (2, 5),  # Semnan
    "IR-09": (2, 6),  # Razavi Khorasan
    "IR-16": (3, 0),  # Ilam
    "IR-15": (3, 1),  # Lorestan
    "IR-00": (3, 2),  # Markazi
    "IR-25": (3, 3),  # Qom
    "IR-10": (3, 4),  # Isfahan
    "IR-21": (3, 5),  # Yazd
    "IR-29": (3, 6),  # South Khorasan
    "IR-06": (4, 1),  # Khuzestan
    "IR-14": (4, 2),  # Chaharmahal and Bakhtiari
    "IR-17": (4, 3),  # Kohgiluyeh and Boyer-Ahmad
    "IR-07": (4, 4),  # Fars
    "IR-08": (4, 5),  # Kerman
    "IR-11": (4, 6),  # Sistan and Baluchestan
    "IR-18": (5, 3),  # Bushehr
    "IR-22": (5, 5),  # Hormozgan
}
ROWS = 1 + max(r for r, _ in TILES.values())
COLUMNS = 1 + max(c for _, c in TILES.values())


def tile_of(code: str) -> tuple[int, int] | None:
    return TILES.get(code)


def tile_name(name: str) -> str:
    """A long province name on two lines so it fits its tile (escaped for Plotly's label HTML)."""
    from reports.plotly_text import label

    if len(name) <= 9 or " " not in name:
        return label(name)
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return f"{label(name[:cut])}<br>{label(name[cut + 1 :])}"
