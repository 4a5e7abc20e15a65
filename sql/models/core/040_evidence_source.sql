-- Evidence: what gives an employee a skill at a level from a date, until when.
-- A completed or passed course gives the skills the catalog says it teaches; it is
-- valid until the record's own expiry, else for the catalog's validity_months,
-- else indefinitely. Failed records are no evidence. Assessments are evidence too.
-- The table `evidence` holds this view's rows, refreshed by every load (warehouse.refresh_evidence),
-- so that the metrics do not recompute it on every query.
create or replace view evidence_source as
with outcomes as (
    select * from completions where status in ('completed', 'passed') and completed_at is not null
),

course_evidence as (
    select
        o.employee_id,
        cs.skill,
        cs.level,
        cast(o.completed_at as date) as valid_from,
        coalesce(
            cast(o.expires_at as date),
            case when c.validity_months is not null
                 then cast(cast(o.completed_at as date) + interval 1 month * c.validity_months as date) end
        ) as valid_until,
        'course' as evidence_kind,
        o.course_id,
        o.source_kind,
        o.source_record_id
    from outcomes as o
    inner join course_skills as cs on o.course_id = cs.course_id
    inner join courses as c on o.course_id = c.course_id
),

assessment_evidence as (
    select
        employee_id,
        skill,
        level,
        assessed_at as valid_from,
        cast(null as date) as valid_until,
        'assessment' as evidence_kind,
        cast(null as varchar) as course_id,
        'assessment' as source_kind,
        coalesce(source, 'assessment') || ':' || employee_id || ':' || skill || ':' || assessed_at as source_record_id
    from assessments
),

final as (
    select * from course_evidence
    union all
    select * from assessment_evidence
)

select * from final;
