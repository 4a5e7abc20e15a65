-- Assignments: a course a team lead or L&D assigned to a person for a skill gap, with a due date.
-- Written by the app (the Coverage page), never by a load: a load leaves them as they are, and an
-- erasure removes the person's. Their status (assigned, in progress, done, overdue) is not stored:
-- the model assignment_status works it out as of any date from the learning records.
--   skill, target_level: the gap the course was chosen to close (the level the role requires)
--   assigned_by:        the e-mail of whoever assigned it (as signed in)
--   assigned_at:        when (UTC); due_on: the day it should be done by
create sequence assignment_seq start 1;
create table assignments (
    assignment_id integer primary key default nextval('assignment_seq'),
    employee_id   varchar not null,
    course_id     varchar not null,
    skill         varchar,
    target_level  integer,
    assigned_by   varchar not null,
    assigned_at   timestamp not null,
    due_on        date not null
);
