"""Skills suggested for catalog courses that teach none.

A course the catalog lists without skills gives nobody evidence, so it is invisible to every
metric. For each such course, every skill of the warehouse (the skills file, and any skill
the catalog or the requirements name) gets a score: how close in meaning the course's title
(and description, where the catalog gives one) is to the skill, by sentence embeddings
(all-MiniLM-L6-v2, etl.suggest_model). A skill is compared twice, by its name alone and by
its name with its description, and keeps the better of the two cosine similarities: a title
often names the skill outright ("Docker Deep Dive"), and as often describes it without naming
it ("Connect and Protect: Networks and Network Security"). The score is that similarity,
between -1 and 1; the higher, the closer.

L&D accept a suggestion (the course then teaches the skill, ``course_skills.source =
'suggested'``, and the people who completed it hold the skill from their completion date) or
reject it (never proposed again for that course). A catalog loaded again keeps accepted
suggestions while it still lists the course without skills; once the catalog itself names the
course's skills, its list replaces them (etl.load).

The level an accepted suggestion gives (``suggested_level``): 1 (Novice) unless the title says
more: 3 for advanced, expert, master, masterclass, professional or specialty; 2 for
intermediate, associate or practitioner. On the Data page L&D may pick another.
"""

from __future__ import annotations

import argparse
import re
import sys

import numpy as np
import orjson
import polars as pl

import warehouse
from etl.suggest_model import ModelMissing, encoder

__all__ = [
    "ModelMissing",
    "SuggestionError",
    "accept",
    "accept_best",
    "add_command",
    "reject",
    "score_matrix",
    "suggested_level",
    "suggestions",
    "untagged_courses",
    "warehouse_skills",
]

#: Suggestions listed per course (the best ones; fewer only when the warehouse knows fewer skills).
PER_COURSE = 5

_LEVEL_WORDS = (
    (3, re.compile(r"\b(advanced|expert|master|masterclass|professional|specialty)\b", re.IGNORECASE)),
    (2, re.compile(r"\b(intermediate|associate|practitioner)\b", re.IGNORECASE)),
)


class SuggestionError(Exception):
    """A suggestion that cannot be accepted or rejected; the message is one sentence."""


def suggested_level(title: str | None) -> int:
    """The level (1-5) an accepted suggestion gives: what the title says of depth, else 1 (Novice)."""
    for level, words in _LEVEL_WORDS:
        if title and words.search(title):
            return level
    return 1


def warehouse_skills(con) -> pl.DataFrame:
    """Every skill the warehouse knows (`skill`, `description`): the skills file's, and those the catalog
    or the requirements name without the skills file listing them (no description)."""
    return con.sql(
        """
        with named as (
            select skill from course_skills
            union
            select skill from requirements
        )
        select skill, description from skills
        union all
        select skill, cast(null as varchar) as description from named where skill not in (select skill from skills)
        order by skill
        """
    ).pl()


def untagged_courses(con) -> pl.DataFrame:
    """Catalog courses that teach no skill (`course_id`, `title`, `description`)."""
    return con.sql(
        """
        select c.course_id, c.title, c.description
        from courses as c
        where not exists (select 1 from course_skills as cs where cs.course_id = c.course_id)
        order by c.course_id
        """
    ).pl()


def course_text(title: str | None, description: str | None) -> str:
    """What a course is compared by: its title, and its description where the catalog gives one."""
    parts = [p.strip() for p in (title, description) if p and p.strip()]
    return ". ".join(parts)


def skill_texts(skill: str, description: str | None) -> tuple[str, str]:
    """The two ways a skill is compared: its name, and its name with its description."""
    return skill, f"{skill}: {description.strip()}" if description and description.strip() else skill


def score_matrix(courses: list[str], skills: list[tuple[str, str | None]]) -> np.ndarray:
    """Scores (courses x skills): the better of the cosine similarities of a course's text with the
    skill's name and with its name and description."""
    if not courses or not skills:
        return np.zeros((len(courses), len(skills)), dtype=np.float32)
    model = encoder()
    c = model.encode(courses)
    names, described = zip(*(skill_texts(s, d) for s, d in skills), strict=True)
    both = model.encode([*names, *described])
    return np.maximum(c @ both[: len(skills)].T, c @ both[len(skills) :].T)


def suggestions(con, per_course: int = PER_COURSE) -> pl.DataFrame:
    """The best suggestions for every untagged course, best first: `course_id, title, skill, score, rank,
    level` (the level accepting it gives). Skills L&D rejected for a course are left out."""
    schema = {
        "course_id": pl.Utf8,
        "title": pl.Utf8,
        "skill": pl.Utf8,
        "score": pl.Float64,
        "rank": pl.Int64,
        "level": pl.Int64,
    }
    courses = untagged_courses(con)
    skills = warehouse_skills(con)
    if courses.is_empty() or skills.is_empty():
        return pl.DataFrame(schema=schema)
    rejected = {tuple(r) for r in con.sql("select course_id, skill from course_skill_rejections").fetchall()}
    scores = score_matrix(
        [course_text(t, d) for t, d in courses.select("title", "description").iter_rows()],
        list(skills.select("skill", "description").iter_rows()),
    )
    names = skills["skill"].to_list()
    rows = []
    for i, (course_id, title) in enumerate(courses.select("course_id", "title").iter_rows()):
        # best first; equal scores in the skills' alphabetical order
        order = sorted(range(len(names)), key=lambda j: (-float(scores[i, j]), names[j]))
        kept = [j for j in order if (course_id, names[j]) not in rejected][:per_course]
        level = suggested_level(title)
        rows += [
            (course_id, title, names[j], round(float(scores[i, j]), 4), rank, level)
            for rank, j in enumerate(kept, start=1)
        ]
    return pl.DataFrame(rows, schema=schema, orient="row")


def _completers(con, course_ids: list[str]) -> list[str]:
    """Everyone with a learning record of these courses (whose evidence may change)."""
    return [
        r[0]
        for r in con.execute(
            "select distinct employee_id from completion_records where list_contains(?, course_id)", [course_ids]
        ).fetchall()
    ]


def _write(con, accepted: list[tuple[str, str, int]]) -> None:
    """Add accepted (course, skill, level) rows and refresh the evidence of who completed those courses,
    in one transaction."""
    con.execute("begin transaction")
    try:
        for course_id, skill, level in accepted:
            con.execute(
                "insert into course_skills (course_id, skill, level, source) values (?, ?, ?, 'suggested')",
                [course_id, skill, level],
            )
            con.execute("delete from course_skill_rejections where course_id = ? and skill = ?", [course_id, skill])
        warehouse.refresh_evidence(con, _completers(con, [a[0] for a in accepted]))
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _untagged(con, course_id: str) -> None:
    known = con.execute(
        "select count(*), (select count(*) from course_skills where course_id = ?) from courses where course_id = ?",
        [course_id, course_id],
    ).fetchall()[0]
    if not known[0]:
        raise SuggestionError(f"There is no course {course_id} in the catalog.")
    if known[1]:
        raise SuggestionError(f"Course {course_id} already teaches a skill; suggestions are for untagged courses.")


def accept(con, course_id: str, skill: str, level: int) -> None:
    """Accept one suggestion: the course teaches the skill at this level (source 'suggested'), and the
    people who completed it hold the skill from then on."""
    if not isinstance(level, int) or not 1 <= level <= 5:
        raise SuggestionError("A skill level is a whole number from 1 to 5.")
    _untagged(con, course_id)
    if skill not in set(warehouse_skills(con)["skill"].to_list()):
        raise SuggestionError(f"The warehouse knows no skill {skill}.")
    _write(con, [(course_id, skill, level)])


def reject(con, course_id: str, skill: str) -> None:
    """Reject one suggestion: the skill is not proposed for the course again."""
    _untagged(con, course_id)
    con.execute(
        "insert or replace into course_skill_rejections values (?, ?, ?)", [course_id, skill, warehouse.now_utc()]
    )


def accept_best(con, min_score: float) -> pl.DataFrame:
    """Accept each untagged course's best suggestion whose score is at least `min_score`; the rows accepted."""
    best = suggestions(con, per_course=1).filter(pl.col("score") >= min_score)
    if best.height:
        _write(con, list(best.select("course_id", "skill", "level").iter_rows()))
    return best


# ---------------------------------------------------------------- command line


def add_command(sub) -> None:
    """`python -m etl suggest-skills`: list suggestions (--json), or accept the best ones (--accept)."""
    p = sub.add_parser("suggest-skills", help="suggest skills for catalog courses that teach none")
    p.add_argument("--json", action="store_true", help="print a JSON list of {course_id, skill, score}")
    p.add_argument("--accept", action="store_true", help="accept each course's best suggestion (needs --min-score)")
    p.add_argument("--min-score", type=float, help="the lowest score --accept takes (from -1 to 1; e.g. 0.5)")
    p.add_argument("--top", type=int, default=PER_COURSE, help=f"suggestions per course (default {PER_COURSE})")
    p.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)
    p.set_defaults(func=run_command)


def run_command(args) -> int:
    if args.accept and args.min_score is None:
        print("--accept needs --min-score: the lowest score to accept (e.g. 0.5).", file=sys.stderr)
        return 2
    if args.top < 1:
        print("--top is the number of suggestions per course: 1 or more.", file=sys.stderr)
        return 2
    path = warehouse.db_path(args.db)
    if not path.exists():
        print(f"There is no warehouse at {path.name}; load the catalog first.", file=sys.stderr)
        return 1
    try:
        con = warehouse.connect(path)  # a writer: an older warehouse is upgraded first
    except warehouse.WarehouseError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    try:
        if args.accept:
            accepted = accept_best(con, args.min_score)
            if accepted.height:
                warehouse.publish(path, con=con)
            _print(accepted, args.json)
            if not args.json:
                print(f"Accepted {accepted.height} suggestion(s) with a score of at least {args.min_score}.")
        else:
            _print(suggestions(con, per_course=args.top), args.json)
    except ModelMissing as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


def _print(frame: pl.DataFrame, as_json: bool) -> None:
    if as_json:
        rows = frame.select("course_id", "skill", "score").to_dicts()
        sys.stdout.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    for r in frame.iter_rows(named=True):
        print(f"{r['course_id']}\t{r['score']:.3f}\t{r['skill']}\t(level {r['level']})\t{r['title']}")
