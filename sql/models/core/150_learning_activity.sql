-- Learning activity: every record with a date, with the vendor whose platform it
-- happened on (the provider profile's vendor, else the catalog's provider).
create or replace view learning_activity as
with records as (
    select * from completions where completed_at is not null
),

final as (
    select
        r.employee_id,
        r.course_id,
        r.status,
        r.completed_at as activity_at,
        cast(r.completed_at as date) as activity_date,
        coalesce(r.vendor, c.provider) as vendor,
        r.source_kind
    from records as r
    left join courses as c on r.course_id = c.course_id
)

select * from final;
