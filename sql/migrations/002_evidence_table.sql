-- Evidence is materialised: the view evidence_source (sql/models) defines it, this
-- table holds its rows, and every load refreshes the rows of the people it touched.
drop view if exists evidence;
create table evidence (
    employee_id      varchar not null,
    skill            varchar not null,
    level            integer not null,
    valid_from       date not null,
    valid_until      date,
    evidence_kind    varchar not null,
    course_id        varchar,
    source_kind      varchar not null,
    source_record_id varchar not null
);
