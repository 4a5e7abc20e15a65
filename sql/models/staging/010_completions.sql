-- Learning records as the app and BI users see them: every loaded record,
-- minus the xAPI statements that a voiding statement cancelled. `verification` is an Open
-- Badges record's proof check (verified, failed, unsigned, unverifiable; null for other sources).
create or replace view completions as
with records as (
    select * from completion_records
),

voided as (
    select statement_id from voided_statements
),

final as (
    select
        r.employee_id,
        r.course_id,
        r.status,
        r.completed_at,
        r.score,
        r.expires_at,
        r.source_kind,
        r.source_record_id,
        r.batch_id,
        r.vendor,
        r.verification,
        r.verification_reason
    from records as r
    where not (r.source_kind = 'xapi' and r.source_record_id in (select statement_id from voided))
)

select * from final;
