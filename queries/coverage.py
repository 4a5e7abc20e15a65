"""Queries of the Skill coverage page: the team x skill matrix, its order, single points of failure, trends."""

from __future__ import annotations

from datetime import date

import polars as pl

from planner import model as plan_model
from queries import suppression as hide
from queries._sql import SCOPE, month_ends, run
from queries.registry import Audience, query

#: The row of a coverage matrix: the team, or its department when rows are departments.
_ROW = "case when $by = 'department' then coalesce(c.department, 'No department') else c.team end"
_CATEGORY = "($category is null or coalesce(s.category, 'Uncategorised') = $category)"


def _coverage_flags(
    con, dates: list[date], skill: str | None = None, teams: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Which units' coverage executives may not see, per date and skill (hide.protect_tree on the
    people who need the skill in every unit). `teams`: the skill's rows of skill_coverage_on for the whole
    company per date, team and department, when the caller has them already."""

    def decide(missing: list[date]) -> pl.DataFrame:
        if teams is not None:
            rows = teams.filter(pl.col("as_of").is_in(missing)).with_columns(pl.lit(skill).alias("skill"))
            sizes = hide.tree_sizes(rows, ["as_of", "skill"], "required_headcount")
            return hide.protect_tree(sizes, ["as_of", "skill"], hide.team_departments(con))
        sizes = hide.org_tree_sizes(
            con,
            "select as_of, skill, team, department, required_headcount from skill_coverage_on($dates) "
            "where $skill is null or skill = $skill",
            ["as_of", "skill"],
            "sum(required_headcount)",
            dates=missing,
            skill=skill,
        )
        return hide.protect_tree(sizes, ["as_of", "skill"], hide.team_departments(con))

    return hide.decided_by_date(("coverage", skill), dates, decide)


def _mark_rows(frame: pl.DataFrame, flags: pl.DataFrame, unit, by: str) -> pl.DataFrame:
    """Add the org tree's decision to rows named by team (``team``) or department (``by="department"``)
    and skill; a team's selection is the team whatever its rows are called."""
    here = hide.unit_node(flags, unit)
    if here[0] == "team":
        mine = flags.filter(pl.col("unit") == here[1]).filter(pl.col("unit_type") == "team")
        frame = frame.join(mine.select("skill", hide.TREE_FLAG), on="skill", how="left", maintain_order="left")
    else:
        rows = flags.filter(pl.col("unit_type") == by).select(pl.col("unit").alias("team"), "skill", hide.TREE_FLAG)
        frame = frame.join(rows, on=["team", "skill"], how="left", maintain_order="left")
    return frame.with_columns(pl.col(hide.TREE_FLAG).fill_null(False))  # no row: nobody needs the skill anywhere


@query(
    Audience.EVERYONE,
    small_groups=hide.hide_small_cells(
        "required_headcount", ["team", "skill"], ["coverage", "covered_headcount", "required_headcount"]
    ),
)
def coverage_matrix(
    con, as_of: date, root=None, unit=None, category: str | None = None, by: str = "team"
) -> pl.DataFrame:
    """Coverage per row x skill; rows are teams, or departments (``by="department"``) when a
    selection holds too many teams to show one row each. The row's name is in ``team``."""
    frame = run(
        con,
        f"""
        select {_ROW} as team, any_value(c.department) as department, c.skill,
               coalesce(any_value(s.category), 'Uncategorised') as category,
               sum(c.required_headcount) as required_headcount, sum(c.covered_headcount) as covered_headcount,
               coverage_share(sum(c.covered_headcount), sum(c.required_headcount)) as coverage
        from skill_coverage($as_of, {SCOPE}) as c
        left join skills as s on s.skill = c.skill
        where {_CATEGORY}
        group by all
        order by team, c.skill
    """,
        as_of=as_of,
        root=root,
        unit=unit,
        category=category,
        by=by,
    )
    # the page asks for the rows' and skills' order next: their gaps are these cells' (kept while the data
    # stays the same, so coverage_order reads no coverage again)
    hide.decided(("coverage_order", as_of, root, unit, category, by), lambda: _order_of(frame))
    return frame if root is not None else _mark_rows(frame, _coverage_flags(con, [as_of]).drop("as_of"), unit, by)


def _order_of(matrix: pl.DataFrame) -> pl.DataFrame:
    """coverage_order's rows from coverage_matrix's cells: each row's and each skill's gap, the people short
    summed over the cells somebody needs (a cell's covered people never exceed its required ones)."""
    cells = matrix.filter(pl.col("required_headcount") > 0).with_columns(
        (pl.col("required_headcount") - pl.col("covered_headcount")).alias("gap")
    )
    return pl.concat(
        [
            cells.group_by(name, maintain_order=True)
            .agg(pl.col("gap").sum())
            .select(pl.lit(axis).alias("axis"), pl.col(name).alias("name"), "gap")
            for axis, name in (("team", "team"), ("skill", "skill"))
        ]
    )


@query(Audience.EVERYONE, small_groups=hide.null_column("gap"))  # executives: ordered by name only
def coverage_order(
    con, as_of: date, root=None, unit=None, category: str | None = None, by: str = "team"
) -> pl.DataFrame:
    """Rows (teams or departments) and skills of the coverage matrix, with their total gap (people short).
    Kept from coverage_matrix's cells when it ran first on the same arguments (the page asks for both)."""
    return hide.decided(
        ("coverage_order", as_of, root, unit, category, by),
        lambda: _order_sql(con, as_of, root, unit, category, by),
    )


def _order_sql(con, as_of: date, root, unit, category: str | None, by: str) -> pl.DataFrame:
    return run(
        con,
        f"""
        with c as (
            select {_ROW} as row_name, c.* from skill_coverage($as_of, {SCOPE}) as c left join skills as s on s.skill = c.skill
            where c.required_headcount > 0 and {_CATEGORY}
        )
        select 'team' as axis, row_name as name, sum(required_headcount - covered_headcount) as gap from c group by row_name
        union all
        select 'skill', skill, sum(required_headcount - covered_headcount) from c group by skill
    """,
        as_of=as_of,
        root=root,
        unit=unit,
        category=category,
        by=by,
    )


@query(
    Audience.EVERYONE,
    small_groups=hide.drop_small("people_needing_it", drop_columns=("people_holding_it",)),
)
def concentration_risk(con, as_of: date, root=None, unit=None, category: str | None = None) -> pl.DataFrame:
    """Team-skill pairs held at the required level by exactly one person who needs it. A lead is not listed
    as their own team's risk: the pairs whose one holder is the lead (`root`) are left out."""
    frame = run(
        con,
        f"""
        with c as (
            select c.*, coalesce(s.category, 'Uncategorised') as category
            from skill_coverage($as_of, {SCOPE}) as c left join skills as s on s.skill = c.skill
            where c.covered_headcount = 1 and {_CATEGORY}
              and not exists (
                  select 1 from requirement_status($as_of, {SCOPE}) as r
                  where r.team = c.team and r.skill = c.skill and r.met and r.employee_id = $root)
        )
        select team, skill, category, required_headcount as people_needing_it, covered_headcount as people_holding_it
        from c order by required_headcount desc, team, skill
    """,
        as_of=as_of,
        root=root,
        unit=unit,
        category=category,
    )
    if root is not None:
        return frame
    flags = _coverage_flags(con, [as_of]).drop("as_of").filter(pl.col("unit_type") == "team")
    rows = flags.select(pl.col("unit").alias("team"), "skill", hide.TREE_FLAG)
    return frame.join(rows, on=["team", "skill"], how="left", maintain_order="left")


@query(
    Audience.EVERYONE,
    small_groups=hide.hide_small("required_headcount", ["coverage", "covered_headcount", "required_headcount"]),
)
def coverage_trend(con, as_of: date, skill: str, root=None, unit=None, months: int = 24) -> pl.DataFrame:
    """Coverage of one skill across the unit month by month: covered / required people."""
    dates = month_ends(as_of, months)
    if root is None and (unit is None or unit == hide.COMPANY):
        # the whole company: its rows per team and department (which the org tree decision adds up) and
        # their totals (the trend) from one reading of skill_coverage_on
        rows = run(
            con,
            """
            with cells as (
                select as_of, team, department, sum(required_headcount) as required_headcount,
                       sum(covered_headcount) as covered_headcount
                from skill_coverage_on($dates)
                where skill = $skill
                group by as_of, team, department
            )
            select as_of, cast(null as varchar) as team, cast(null as varchar) as department,
                   sum(required_headcount) as required_headcount, sum(covered_headcount) as covered_headcount,
                   coverage_share(sum(covered_headcount), sum(required_headcount)) as coverage
            from cells
            group by as_of
            union all
            select as_of, team, department, required_headcount, covered_headcount, null from cells
        """,
            dates=dates,
            skill=skill,
        )
        frame = rows.filter(pl.col("team").is_null()).drop("team", "department").sort("as_of")
        teams = rows.filter(pl.col("team").is_not_null())
        return hide.mark_unit(frame, _coverage_flags(con, dates, skill, teams).drop("skill"), ["as_of"], unit)
    frame = run(
        con,
        f"""
        select as_of, sum(required_headcount) as required_headcount, sum(covered_headcount) as covered_headcount,
               coverage_share(sum(covered_headcount), sum(required_headcount)) as coverage
        from skill_coverage_on($dates, {SCOPE})
        where skill = $skill
        group by as_of order by as_of
    """,
        dates=dates,
        skill=skill,
        root=root,
        unit=unit,
    )
    if root is not None:
        return frame
    return hide.mark_unit(frame, _coverage_flags(con, dates, skill).drop("skill"), ["as_of"], unit)


#: Up to this many people in a team or department, requirement_people reads the evidence of those people only
#: (above, testing each piece of evidence against the list costs about what it saves).
_LISTED_PEOPLE = 5000


@query(Audience.NAMED)
def requirement_people(
    con,
    as_of: date,
    root=None,
    unit=None,
    team: str | None = None,
    skill: str | None = None,
    department: str | None = None,
) -> pl.DataFrame:
    """The people behind a coverage cell (or a team's whole matrix): level vs required level, and the
    strongest evidence behind the level (`evidence`, L&D's policy: level_evidence)."""
    people = None
    if skill is None and (team is not None or department is not None):
        listed = run(
            con,
            f"""
            select employee_id from active_employees($as_of, {SCOPE})
            where ($team is null or team = $team)
              and ($department is null or coalesce(department, 'No department') = $department)
        """,
            as_of=as_of,
            root=root,
            unit=unit,
            team=team,
            department=department,
        )["employee_id"]
        people = listed.to_list() if listed.len() <= _LISTED_PEOPLE else None
    # level_evidence ranks the evidence of the cell's skill, or of the team's people, only, where the join
    # alone would rank everyone's evidence first (a team's people at 50,000: 1.35 s to 0.33 s at 1M records)
    return run(
        con,
        f"""
        with e as (
            select * from level_evidence($as_of, only_people := cast($people as varchar[]), only_skill := $skill)
        )
        select r.employee_id, r.full_name, r.role, r.team, r.skill, r.required_level, r.level, r.gap, r.met,
               r.weight, e.evidence, e.strength as evidence_strength
        from requirement_status($as_of, {SCOPE}) as r
        left join e on e.employee_id = r.employee_id and e.skill = r.skill
        where ($team is null or r.team = $team) and ($skill is null or r.skill = $skill)
          and ($department is null or coalesce(r.department, 'No department') = $department)
        order by r.team, r.full_name, r.skill
    """,
        as_of=as_of,
        root=root,
        unit=unit,
        team=team,
        skill=skill,
        department=department,
        people=people,
    )


@query(Audience.NAMED)
def assignment_courses(con, as_of: date, skill: str, level: int = 1) -> pl.DataFrame:
    """The catalog's courses that close a gap in `skill` up to `level` (1: every course teaching it):
    cheapest then shortest first (the learning path's ranking), with price in the reporting currency and hours."""
    return plan_model.courses_for(con, as_of, skill, level)


@query(Audience.NAMED)
def assignment_counts(
    con,
    as_of: date,
    root=None,
    unit=None,
    team: str | None = None,
    department: str | None = None,
    skill: str | None = None,
) -> pl.DataFrame:
    """Per person with assignments in the selection (a team, a department, one skill's): how many are
    assigned, in progress, done and overdue on the date (the rule of assignment_status)."""
    return run(
        con,
        f"""
        select employee_id, full_name, team,
               count(*) filter (where status = 'assigned') as assigned,
               count(*) filter (where status = 'in_progress') as in_progress,
               count(*) filter (where status = 'done') as done,
               count(*) filter (where status = 'overdue') as overdue
        from assignment_status($as_of, {SCOPE})
        where ($team is null or team = $team) and ($skill is null or skill = $skill)
          and ($department is null or coalesce(department, 'No department') = $department)
        group by employee_id, full_name, team
        order by full_name, employee_id
    """,
        as_of=as_of,
        root=root,
        unit=unit,
        team=team,
        department=department,
        skill=skill,
    )
