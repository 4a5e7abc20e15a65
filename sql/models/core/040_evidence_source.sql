-- Evidence: what gives an employee a skill at a level from a date, until when.
-- A completed or passed course gives the skills it teaches (course_skills: those the catalog
-- names, source 'catalog', and those L&D accepted from suggestions for a course the catalog
-- left untagged, source 'suggested'; both count alike); it is
-- valid until the record's own expiry, else for the catalog's validity_months,
-- else indefinitely. Failed records are no evidence. Assessments are evidence too.
--
-- Each piece is weighed by its kind (strength_kind): a credential (an Open Badges record)
-- by its proof check: verified_credential, failed_credential, or unverified_credential
-- (unsigned, unverifiable, or loaded before proofs were checked); any other course record
-- is a course completion (course); an assessment whose source names "self" is
-- self_reported, any other an assessment. L&D's policy (the table evidence_policy, from
-- config/evidence.toml) gives each kind its strength, says whether it counts (by default a
-- failed credential never counts, an unverified one counts and is flagged): evidence that
-- does not count is left out here, so levels, coverage, readiness and goals follow it.
-- The table `evidence` holds this view's rows, refreshed by every load (warehouse.refresh_evidence),
-- so that the metrics do not recompute it on every query.
-- evidence_of(batches) computes the rows of the learning records of these import batches only
-- (null: every row, assessments included): a load adds the evidence of the records it wrote
-- (warehouse.add_evidence) without reading anyone else's.
create or replace macro evidence_of(batches) as table
with outcomes as (
    select * from completions
    where status in ('completed', 'passed') and completed_at is not null
      and (batches is null or batch_id in (select unnest(batches)))
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
        o.source_record_id,
        case
            when o.source_kind <> 'badge' then 'course'
            when o.verification = 'verified' then 'verified_credential'
            when o.verification = 'failed' then 'failed_credential'
            else 'unverified_credential'
        end as strength_kind
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
        coalesce(source, 'assessment') || ':' || employee_id || ':' || skill || ':' || assessed_at as source_record_id,
        case when lower(coalesce(source, '')) like '%self%' then 'self_reported' else 'assessment' end as strength_kind
    from assessments
    where batches is null
),

weighed as (
    select * from course_evidence
    union all
    select * from assessment_evidence
),

final as (
    select
        w.employee_id,
        w.skill,
        w.level,
        w.valid_from,
        w.valid_until,
        w.evidence_kind,
        w.course_id,
        w.source_kind,
        w.source_record_id,
        w.strength_kind,
        p.strength,
        p.flagged
    from weighed as w
    inner join evidence_policy as p on w.strength_kind = p.kind
    where p.counts
)

select * from final;

create or replace view evidence_source as
select * from evidence_of(cast(null as integer[]));
