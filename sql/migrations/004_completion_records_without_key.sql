-- completion_records without its primary-key index: the loader already keeps one row per
-- (source_kind, source_record_id) -- it de-duplicates every file against what is stored and
-- replaces a stored record by deleting it first -- and the index made each large load pay
-- for building and checking it. Same columns, same rows.
create table completion_records_next (
    source_kind      varchar not null,
    source_record_id varchar not null,
    employee_id      varchar not null,
    course_id        varchar not null,
    status           varchar not null,
    completed_at     timestamp,
    score            double,
    expires_at       timestamp,
    vendor           varchar,
    batch_id         integer not null,
    row_number       integer
);
insert into completion_records_next select * from completion_records;
drop table completion_records;
alter table completion_records_next rename to completion_records;
