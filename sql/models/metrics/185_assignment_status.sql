-- Each assignment made on or before the date, of an active employee in the scope, with its
-- status on that date (the one rule both the People and the Coverage pages read):
--   done:        a completed or passed record of that person for that course, dated on or after
--                the day it was assigned and on or before the date (done_on: the first such day);
--   overdue:     not done, and the due date is before the date;
--   in_progress: not done nor overdue, with other learning activity of that person for that
--                course (an enrolment, progress, a failed attempt) dated between the two days;
--   assigned:    none of these.
-- Records are matched by the catalog's course id (each export's course ids and URLs reach it
-- through the course aliases when it is loaded); records without a date do not count.
create or replace macro assignment_status(as_of, root := null, org_unit := null) as table
with people as (
    select employee_id, full_name, team, department
    from active_employees(as_of, root := root, org_unit := org_unit)
),

assigned as (
    select * from assignments
    where cast(assigned_at as date) <= cast(as_of as date)
),

records as (
    select
        a.assignment_id,
        r.status,
        cast(r.completed_at as date) as record_day
    from assigned as a
    inner join completions as r on a.employee_id = r.employee_id and a.course_id = r.course_id
    where r.completed_at is not null
      and cast(r.completed_at as date) >= cast(a.assigned_at as date)
      and cast(r.completed_at as date) <= cast(as_of as date)
),

progress as (
    select
        assignment_id,
        min(record_day) filter (where status in ('completed', 'passed')) as done_on,
        count(*) filter (where status not in ('completed', 'passed')) as other_records
    from records
    group by assignment_id
),

final as (
    select
        a.assignment_id,
        a.employee_id,
        p.full_name,
        p.team,
        p.department,
        a.course_id,
        c.title,
        a.skill,
        a.target_level,
        a.assigned_by,
        a.assigned_at,
        a.due_on,
        g.done_on,
        case
            when g.done_on is not null then 'done'
            when a.due_on < cast(as_of as date) then 'overdue'
            when coalesce(g.other_records, 0) > 0 then 'in_progress'
            else 'assigned'
        end as status
    from assigned as a
    inner join people as p on a.employee_id = p.employee_id
    left join progress as g on a.assignment_id = g.assignment_id
    left join courses as c on a.course_id = c.course_id
)

select * from final;
