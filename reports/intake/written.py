"""The plan's text as the county wrote it, for what is saved and shown.

The readers match on normalised text (:func:`reports.intake.units.normalise`: full-width to half-width,
"：" → ":", "（一）" → "(一)", "，" → ",", whitespace dropped), and build names, contents and titles from it.
:func:`as_written` maps such a string back onto the source it was cut from: every stretch of it that the
source holds is replaced by the source's own characters (its "：", "（一）", "，", full-width digits and the
spaces inside a line), and only what the reader added itself ("。" joining a heading to its text, a "\\n"
between two rows, a synthesised "主要目标") stays as the reader wrote it. Pure.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")


class Source:
    """Raw text and its normalised form, with the raw position every normalised character came from."""

    def __init__(self, raw: str):
        self.raw = raw
        chars, positions = [], []
        for index, char in enumerate(raw):
            for normal in unicodedata.normalize("NFKC", char):
                if not normal.isspace():
                    chars.append(normal)
                    positions.append(index)
        self.normal = "".join(chars)
        self.positions = positions

    def slice(self, start: int, end: int) -> str:
        """The raw text behind normalised characters start…end, line breaks (a wrapped cell or line) dropped."""
        return LINE_BREAK.sub("", self.raw[self.positions[start] : self.positions[end - 1] + 1])


def _punctuation(text: str) -> bool:
    return bool(text) and all(unicodedata.category(c).startswith("P") for c in text)


def as_written(text: str, *raw: str) -> str:
    """`text`, built by a reader from the normalised form of `raw`, in the characters of `raw`."""
    if not text or not any(raw):
        return text
    source = Source("\n".join(r for r in raw if r))
    out = []
    matcher = SequenceMatcher(None, text, source.normal, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(source.slice(j1, j2))
        elif op == "replace" and _punctuation(text[i1:i2]) and _punctuation(source.normal[j1:j2]):
            out.append(source.slice(j1, j2))  # "。" joining a title to its text where the source has "："
        elif op in ("replace", "delete"):  # what the reader wrote itself; "insert" is source it left out
            out.append(text[i1:i2])
    return "".join(out).strip()


def proposals_as_written(proposals: list[dict], *raw: str) -> list[dict]:
    """Each proposed indicator's name and the phrase it was read from, in the characters of the task's text."""
    for proposal in proposals:
        for key in ("name", "source_phrase"):
            proposal[key] = as_written(proposal.get(key) or "", *raw)
    return proposals
