-- The evidence behind each level on a date: for every employee and skill with valid evidence,
-- the level (as employee_skill_levels) and the strongest kind of evidence among the pieces at that
-- level valid on the date (valid_from <= date < valid_until): its strength and label from L&D's
-- policy (evidence_policy), "(flagged)" when the policy flags it (an unverified credential).
-- Evidence the policy does not count is not in `evidence`, so it is never behind a level.
create or replace macro level_evidence(as_of) as table
with valid as (
    select employee_id, skill, level, strength, flagged, strength_kind
    from evidence
    where valid_from <= as_of and (valid_until is null or as_of < valid_until)
),

top_level as (
    select employee_id, skill, max(level) as level
    from valid
    group by employee_id, skill
),

ranked as (
    select
        v.employee_id,
        v.skill,
        v.level,
        v.strength,
        v.flagged,
        p.label,
        row_number() over (
            partition by v.employee_id, v.skill order by v.strength desc, v.flagged asc, p.label asc
        ) as strongest
    from valid as v
    inner join top_level as t on v.employee_id = t.employee_id and v.skill = t.skill and v.level = t.level
    inner join evidence_policy as p on v.strength_kind = p.kind
),

final as (
    select
        employee_id,
        skill,
        level,
        strength,
        flagged,
        label || case when flagged then ' (flagged)' else '' end as evidence
    from ranked
    where strongest = 1
)

select * from final;
