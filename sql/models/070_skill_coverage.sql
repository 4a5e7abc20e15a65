-- Coverage(team, skill, D): among active employees of the team whose role requires
-- the skill, the share whose level is at least the required level. Every team with
-- active people is crossed with every required skill; where nobody in the team
-- requires a skill, required_headcount is 0 and coverage is NULL (no value, not 0%).
create or replace macro skill_coverage(as_of) as table
with pairs as (
    select * from requirement_status(as_of)
),
team_list as (
    select distinct team from active_employees(as_of) where team is not null
),
skill_list as (
    select distinct skill from requirements
),
per_team as (
    select team, skill, count(*) as required_headcount, count(*) filter (where met) as covered_headcount
    from pairs
    group by team, skill
),
final as (
    select
        t.team,
        s.skill,
        coalesce(p.required_headcount, 0) as required_headcount,
        coalesce(p.covered_headcount, 0) as covered_headcount,
        case when coalesce(p.required_headcount, 0) > 0
             then p.covered_headcount / p.required_headcount end as coverage
    from team_list as t
    cross join skill_list as s
    left join per_team as p on p.team = t.team and p.skill = s.skill
)
select * from final;
