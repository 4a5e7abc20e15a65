-- Skill levels as date ranges, materialised from `evidence` (the view skill_level_spans_source
-- in sql/models defines the rows; etl.warehouse.refresh_evidence refreshes them with the evidence).
-- Filled from the evidence already stored when this migration is applied (etl.warehouse.migrate).
create table skill_level_spans (
    employee_id varchar not null,
    skill       varchar not null,
    level       integer not null,
    valid_from  date not null,
    valid_until date
);
