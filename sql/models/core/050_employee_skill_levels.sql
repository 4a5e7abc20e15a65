-- Level of employee e in skill s on date D: the highest level among e's evidence
-- for s valid on D (valid_from <= D < valid_until). Inactive employees have no rows.
-- Levels count only the evidence L&D's policy counts (evidence_policy, config/evidence.toml;
-- by default a credential whose proof failed never counts, an unverified one counts, flagged).
-- Read from skill_level_spans (that highest level as date ranges, materialised from
-- evidence): one row per person, skill and date, however much evidence they have.
create or replace macro employee_skill_levels_on(dates, root := null, org_unit := null) as table
with people as (
    select as_of, employee_id from active_employees_on(dates, root := root, org_unit := org_unit)
),

final as (
    select p.as_of, s.employee_id, s.skill, s.level
    from people as p
    inner join skill_level_spans as s
      on p.employee_id = s.employee_id
     and p.as_of >= s.valid_from
     and (s.valid_until is null or p.as_of < s.valid_until)
)

select * from final;

create or replace macro employee_skill_levels(as_of, root := null, org_unit := null) as table
select employee_id, skill, level from employee_skill_levels_on([cast(as_of as date)], root := root, org_unit := org_unit);
