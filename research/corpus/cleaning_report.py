"""What the cleaner removed from one document: every dropped span, and counts per rule."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dropped:
    """One removed span: 1-based line and column in the document's text, the rule, the text."""

    line: int
    column: int
    rule: str
    text: str


@dataclass
class CleaningReport:
    """What each rule removed from one document, and every removed span."""

    chars_in: int = 0
    chars_out: int = 0
    lines_in: int = 0
    lines_out: int = 0
    rules: dict = field(default_factory=dict)
    damaged_spans: int = 0
    damaged_examples: list = field(default_factory=list)
    script: str = "simplified"
    traditional_share: float = 0.0
    dropped: list = field(default_factory=list)
    body: tuple = (0, 0)  # first and last line (1-based) of the plan's body
    #: The raw lines as read (decoded, script-converted, white space folded), for the metadata
    #: read from the document's structure; not part of the report.
    lines: list = field(default_factory=list, repr=False)

    def count(self, rule: str, chars: int = 0, lines: int = 0) -> None:
        """Add to a rule's counts (with nothing to add: list the rule with zero counts)."""
        entry = self.rules.setdefault(rule, {"chars_removed": 0, "lines_removed": 0})
        entry["chars_removed"] += chars
        entry["lines_removed"] += lines

    def drop(self, rule: str, line: int, text: str, column: int = 1, whole_line: bool = True) -> None:
        """Record a removed span (and count it under its rule)."""
        if not text:
            return
        self.count(rule, len(text), 1 if whole_line else 0)
        self.dropped.append(Dropped(line, column, rule, text))

    def dropped_rows(self, doc_id: str) -> list[dict]:
        """The removed spans as rows of ``dropped.csv``."""
        return [{"doc_id": doc_id, "line": d.line, "column": d.column, "rule": d.rule,
                 "chars": len(d.text), "text": d.text} for d in self.dropped]

    def as_dict(self) -> dict:
        return {
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "lines_in": self.lines_in,
            "lines_out": self.lines_out,
            "body_lines": list(self.body),
            "script": self.script,
            "traditional_share": round(self.traditional_share, 4),
            "damaged_spans": self.damaged_spans,
            "damaged_examples": self.damaged_examples,
            "rules": self.rules,
        }
