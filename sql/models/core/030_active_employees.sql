-- Employees at work on each of a list of dates: hired on or before it and not yet
-- gone (the leave date is the last working day, so a leaver still counts on it).
-- root: only the reporting tree of that manager (the viewer's scope); null = everyone.
-- org_unit: only a department or team ('company' or null = all).
create or replace macro active_employees_on(dates, root := null, org_unit := null) as table
with days as (
    select distinct cast(listed_day as date) as as_of from (select unnest(dates) as listed_day) as listed
),

scope as (
    select employee_id from reporting_tree(root)
),

final as (
    select d.as_of, e.*
    from days as d
    inner join employees as e
      on (e.hire_date is null or d.as_of >= e.hire_date)
     and (e.leave_date is null or d.as_of <= e.leave_date)
    where (root is null or e.employee_id in (select employee_id from scope))
      and (org_unit is null or org_unit = 'company' or e.department = org_unit or e.team = org_unit)
)

select * from final;

create or replace macro active_employees(as_of, root := null, org_unit := null) as table
select * exclude (as_of) from active_employees_on([cast(as_of as date)], root := root, org_unit := org_unit);
