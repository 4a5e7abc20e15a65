"""How good the skill suggestions are, on real course titles: top-1 and top-3 accuracy of the
sentence-embedding scores (etl.suggest) and of a keyword-overlap baseline.

    python -m tests.suggest_quality

The titles (tests/fixtures/suggest/course_titles.csv, where they come from in README.md beside
it) each name the one skill of the demo company's 60 (sample_data/company/skills.csv) a course
of that title teaches; a suggestion is right when that skill is first (top-1) or among the first
three (top-3) of all 60 skills, ranked as `etl suggest-skills` ranks them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from etl import suggest

ROOT = Path(__file__).resolve().parent.parent
TITLES = ROOT / "tests" / "fixtures" / "suggest" / "course_titles.csv"
SKILLS = ROOT / "sample_data" / "company" / "skills.csv"

#: Words a keyword match should not count: English function words, and words course titles use
#: whatever they teach.
_STOP_TEXT = (
    "a an and the of for to in on with from by your you at as is are be how what "
    "course bootcamp complete introduction intro fundamentals basics essentials part getting started hands learning"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class Accuracy:
    top1: float
    top3: float
    courses: int

    def line(self, name: str) -> str:
        return f"{name}: top-1 {self.top1:.1%}, top-3 {self.top3:.1%} ({self.courses} courses)"


def labelled_titles() -> list[tuple[str, str]]:
    with open(TITLES, newline="", encoding="utf-8") as fh:
        return [(r["title"], r["skill"]) for r in csv.DictReader(fh)]


def skills() -> list[tuple[str, str]]:
    with open(SKILLS, newline="", encoding="utf-8") as fh:
        return [(r["skill"], r["description"]) for r in csv.DictReader(fh)]


def accuracy(scores: np.ndarray, names: list[str], gold: list[str]) -> Accuracy:
    """Top-1 and top-3 accuracy of a (courses x skills) score matrix; ties in the skills' alphabetical
    order, as etl.suggest breaks them (a tie is no free win)."""
    top1 = top3 = 0
    for i, right in enumerate(gold):
        ranked = sorted(range(len(names)), key=lambda j: (-float(scores[i, j]), names[j]))
        best = [names[j] for j in ranked[:3]]
        top1 += best[0] == right
        top3 += right in best
    return Accuracy(top1 / len(gold), top3 / len(gold), len(gold))


def _words(text: str) -> set[str]:
    """Lower-cased words without the stop words, a plural 's' dropped ('containers' meets 'container')."""
    found = re.findall(r"[a-z0-9+#]+", text.lower())
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in found if w not in STOP_WORDS}


def keyword_scores(titles: list[str], known: list[tuple[str, str]]) -> np.ndarray:
    """The baseline: words a title shares with the skill's name (counted twice) and with its description."""
    return np.array(
        [
            [2 * len(_words(t) & _words(name)) + len(_words(t) & _words(description)) for name, description in known]
            for t in titles
        ],
        dtype=np.float32,
    )


def measure() -> tuple[Accuracy, Accuracy]:
    """(embeddings, keyword baseline) on the labelled titles."""
    rows = labelled_titles()
    known = skills()
    names = [name for name, _ in known]
    titles, gold = [t for t, _ in rows], [s for _, s in rows]
    embedded = suggest.score_matrix([suggest.course_text(t, None) for t in titles], known)
    return accuracy(embedded, names, gold), accuracy(keyword_scores(titles, known), names, gold)


def main() -> None:
    embedded, keywords = measure()
    print(embedded.line("sentence embeddings (all-MiniLM-L6-v2)"))
    print(keywords.line("keyword overlap (baseline)"))


if __name__ == "__main__":
    main()
