-- Value for money of an org unit over a period: what its spend bought in skill levels.
--
-- spend: the unit's spend lines dated in the period (period_start up to and including
-- period_end), in the reporting currency (spend_reporting: each line at its month's FX
-- rate; the company's row also holds the lines no department carries, company licences say).
-- levels_gained: over the people of the unit at work on period_end and every skill they
-- hold then, the increase of the level held (employee_skill_levels) from the day before
-- period_start to period_end; a skill not held before counts from 0, a level that fell
-- (a certificate lapsed) counts 0, never less. people: those people, gaining or not.
-- cost_per_level: spend / levels_gained; null when nothing was gained, or while a spend
-- line of the unit has no FX rate (unconverted_lines).
-- One row per org unit: the company, each department, each team.
create or replace macro value_for_money(period_start, period_end) as table
with people as (
    select e.employee_id, e.team, e.department, b.employee_id is not null as at_work_before
    from active_employees(period_end) as e
    left join active_employees(cast(period_start as date) - 1) as b on e.employee_id = b.employee_id
),

-- The levels held on period_end (skill_level_spans), leaving out those whose range already ran
-- the day before period_start for someone at work then: the same range gives the same level on
-- both days, a gain of 0.
held_after as (
    select p.employee_id, s.skill, s.level
    from people as p
    inner join skill_level_spans as s
      on p.employee_id = s.employee_id
     and s.valid_from <= cast(period_end as date)
     and (s.valid_until is null or cast(period_end as date) < s.valid_until)
    where s.valid_from >= cast(period_start as date) or not p.at_work_before
),

held_before as (
    select employee_id, skill, level from employee_skill_levels(cast(period_start as date) - 1)
),

person_gains as (
    select
        p.employee_id,
        p.team,
        p.department,
        coalesce(sum(greatest(a.level - coalesce(b.level, 0), 0)), 0) as gained
    from people as p
    left join held_after as a on p.employee_id = a.employee_id
    left join held_before as b on a.employee_id = b.employee_id and a.skill = b.skill
    group by p.employee_id, p.team, p.department
),

lines as (
    select team, department, amount_reporting, fx_rate
    from spend_reporting
    where date between cast(period_start as date) and cast(period_end as date)
),

unit_gains as (
    select 'company' as unit_type, 'company' as unit, count(*) as people, sum(gained) as levels_gained
    from person_gains
    union all
    select 'department', department, count(*), sum(gained)
    from person_gains where department is not null group by department
    union all
    select 'team', team, count(*), sum(gained)
    from person_gains where team is not null group by team
),

unit_spend as (
    select 'company' as unit_type, 'company' as unit, sum(amount_reporting) as spend,
           count(*) filter (where fx_rate is null) as unconverted_lines
    from lines
    union all
    select 'department', department, sum(amount_reporting), count(*) filter (where fx_rate is null)
    from lines where department is not null group by department
    union all
    select 'team', team, sum(amount_reporting), count(*) filter (where fx_rate is null)
    from lines where team is not null group by team
),

final as (
    select
        coalesce(g.unit_type, s.unit_type) as unit_type,
        coalesce(g.unit, s.unit) as unit,
        cast(coalesce(g.people, 0) as bigint) as people,
        coalesce(s.spend, 0e0) as spend,
        cast(coalesce(s.unconverted_lines, 0) as bigint) as unconverted_lines,
        cast(coalesce(g.levels_gained, 0) as bigint) as levels_gained,
        case
            when coalesce(s.unconverted_lines, 0) = 0
                then coalesce(s.spend, 0e0) / nullif(coalesce(g.levels_gained, 0), 0)
        end as cost_per_level
    from unit_gains as g
    full join unit_spend as s on g.unit_type = s.unit_type and g.unit = s.unit
)

select * from final;
