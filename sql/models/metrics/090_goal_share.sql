-- A strategic goal's population on each date (goal_population_on) and how many of
-- them hold the skill at min_level: the goal's share.
-- Levels count only the evidence L&D's policy counts (evidence_policy, config/evidence.toml;
-- by default a credential whose proof failed never counts, an unverified one counts, flagged).
create or replace macro goal_share_on(dates, root := null, org_unit := null) as table
with members as (
    select as_of, goal_id, skill, min_level, employee_id
    from goal_population_on(dates, root := root, org_unit := org_unit)
),

levels as (  -- employee_skill_levels_on's rows, for the goals' members and skills only
    select m.as_of, m.goal_id, m.employee_id, s.level
    from members as m
    inner join skill_level_spans as s
      on m.employee_id = s.employee_id
     and m.skill = s.skill
     and m.as_of >= s.valid_from
     and (s.valid_until is null or m.as_of < s.valid_until)
),

days as (
    select distinct cast(listed_day as date) as as_of from (select unnest(dates) as listed_day) as listed
),

population as (
    select m.as_of, m.goal_id, m.employee_id, coalesce(l.level, 0) >= m.min_level as meets
    from members as m
    left join levels as l on m.as_of = l.as_of and m.goal_id = l.goal_id and m.employee_id = l.employee_id
),

final as (
    select
        d.as_of,
        g.goal_id,
        count(p.employee_id) as population,
        count(p.employee_id) filter (where p.meets) as meeting,
        case when count(p.employee_id) > 0
             then count(p.employee_id) filter (where p.meets) / count(p.employee_id) end as share
    from goals as g
    cross join days as d
    left join population as p on g.goal_id = p.goal_id and d.as_of = p.as_of
    group by d.as_of, g.goal_id
)

select * from final;

create or replace macro goal_share(as_of, root := null, org_unit := null) as table
select * exclude (as_of) from goal_share_on([cast(as_of as date)], root := root, org_unit := org_unit);
