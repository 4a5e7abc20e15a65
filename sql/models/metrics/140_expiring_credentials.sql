-- Evidence that lapses within `days` after the date (as_of < valid_until <= as_of + days),
-- for active employees: the certificates and badges someone must renew. One row per piece of
-- evidence: a credential that attests several skills has a row per skill, all with its
-- source_record_id (count credentials with count(distinct source_record_id)).
create or replace macro expiring_credentials(as_of, days := 90, root := null, org_unit := null) as table
with people as (
    select employee_id, full_name, team, department from active_employees(as_of, root := root, org_unit := org_unit)
),

lapsing as (
    select * from evidence
    where valid_until is not null
      and valid_from <= cast(as_of as date)
      and valid_until > cast(as_of as date)
      and valid_until <= cast(as_of as date) + cast(days as integer)
),

final as (
    select
        p.employee_id, p.full_name, p.team, p.department,
        l.course_id, c.title, c.credential_type, l.skill, l.level,
        l.valid_from, l.valid_until, l.source_record_id,
        date_diff('day', cast(as_of as date), l.valid_until) as days_left
    from lapsing as l
    inner join people as p on l.employee_id = p.employee_id
    left join courses as c on l.course_id = c.course_id
)

select * from final;
