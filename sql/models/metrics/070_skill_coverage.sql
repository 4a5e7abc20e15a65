-- Coverage(team, skill, D): among active employees of the team whose role requires
-- the skill, the share whose level is at least the required level. Every team with
-- active people is crossed with every required skill; where nobody in the team
-- requires a skill, required_headcount is 0 and coverage is NULL (no value, not 0%).
-- Levels count only the evidence L&D's policy counts (evidence_policy, config/evidence.toml;
-- by default a credential whose proof failed never counts, an unverified one counts, flagged).
-- The coverage formula, for a cell and for any sum of cells: covered over required people,
-- no value (not 0%) where nobody requires the skill.
create or replace macro coverage_share(covered, required) as
case when required > 0 then covered / required end;

create or replace macro skill_coverage_on(dates, root := null, org_unit := null) as table
with pairs as (
    select * from requirement_status_on(dates, root := root, org_unit := org_unit)
),

team_list as (
    select distinct as_of, team, department from active_employees_on(dates, root := root, org_unit := org_unit) where team is not null
),

skill_list as (
    select distinct skill from requirements
),

per_team as (
    select as_of, team, skill, count(*) as required_headcount, count(*) filter (where met) as covered_headcount
    from pairs
    group by as_of, team, skill
),

final as (
    select
        t.as_of,
        t.team,
        t.department,
        s.skill,
        coalesce(p.required_headcount, 0) as required_headcount,
        coalesce(p.covered_headcount, 0) as covered_headcount,
        coverage_share(coalesce(p.covered_headcount, 0), coalesce(p.required_headcount, 0)) as coverage
    from team_list as t
    cross join skill_list as s
    left join per_team as p on t.as_of = p.as_of and t.team = p.team and s.skill = p.skill
)

select * from final;

create or replace macro skill_coverage(as_of, root := null, org_unit := null) as table
select team, skill, required_headcount, covered_headcount, coverage, department
from skill_coverage_on([cast(as_of as date)], root := root, org_unit := org_unit);
