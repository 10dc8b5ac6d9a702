"""Reading the session report's page back (templates/report.html) as a person sees it."""

from __future__ import annotations

from html.parser import HTMLParser


class Sections(HTMLParser):
    """The report's step sections: each one's id, kind and text, and its chart rows as (label, number)."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: dict[str, dict] = {}
        self._step: dict | None = None
        self._row: list[str] | None = None
        self._cell: str | None = None  # "label" or "num" while inside one

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and (a.get("id") or "").startswith("step-"):
            self._step = {"kind": a["data-kind"], "class": a["class"], "text": "", "rows": []}
            self.steps[a["id"][5:]] = self._step
        elif self._step is not None and tag == "tr" and self._row is None:
            self._row, self._right = [], "right" in (a.get("class") or "").split()
        elif self._cell == "label" and tag == "span" and "sr-only" in (a.get("class") or ""):
            self._cell = "hidden"  # "right answer" for a screen reader: the row's class says it
        elif self._row is not None and tag == "th" and a.get("scope") == "row":
            self._cell, self._label = "label", ""
        elif self._row is not None and tag in ("span", "td") and "num" in (a.get("class") or "").split():
            self._cell, self._num = "num", ""

    def handle_endtag(self, tag):
        if tag == "section":
            self._step = None
        elif tag == "tr" and self._row is not None:
            if self._row and self._step is not None:
                self._step["rows"].append((*self._row, self._right))
            self._row = None
        elif tag == "span" and self._cell == "hidden":
            self._cell = "label"
        elif tag == "th" and self._cell == "label":
            self._row.append(" ".join(self._label.replace("✓", "").split()))
            self._cell = None
        elif tag in ("span", "td") and self._cell == "num":
            self._row.append(int(self._num))
            self._cell = None

    def handle_data(self, data):
        if self._step is not None:
            self._step["text"] += data
        if self._cell == "label":
            self._label += data
        elif self._cell == "num":
            self._num += data
