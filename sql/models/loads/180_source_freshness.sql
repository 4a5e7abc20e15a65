-- What was loaded when: the import history (newest first) and, per source, the files
-- loaded, the records they hold, the latest record and the rejected rows still open (not
-- resolved by a later load, not ignored). Read by the Data page and by `python -m etl status`.
create or replace view import_history as
select
    batch_id, file_name, kind, status, rows_read, rows_loaded, rows_duplicate, rows_rejected,
    message, started_at, finished_at
from import_batches
order by batch_id desc;

create or replace view source_freshness as
with records as (
    select source_kind, max(completed_at) as latest_record, count(*) as records
    from completions
    group by source_kind
),

loads as (
    select
        kind, max(finished_at) as last_loaded, sum(rows_loaded) as rows_loaded, count(*) as files
    from import_batches
    where status = 'loaded'
    group by kind
),

open_rejects as (
    select kind, count(*) as rejected
    from rejected_row_states
    where state = 'open'
    group by kind
),

final as (
    select
        l.kind as source, l.files, coalesce(r.records, l.rows_loaded) as records,
        r.latest_record, l.last_loaded, coalesce(o.rejected, 0) as rejected
    from loads as l
    left join records as r on l.kind = r.source_kind
    left join open_rejects as o on l.kind = o.kind
)

select * from final
order by latest_record is null, source;

-- Erasures of personal data: how many, the latest when and of how many rows; never whose
-- (the erasures table holds no more). One row, also when there was none.
create or replace view erasure_summary as
select
    count(*) as erasures,
    coalesce(sum(rows_removed), 0) as rows_removed,
    max(erased_at) as last_erased_at,
    arg_max(rows_removed, erased_at) as last_rows_removed
from erasures;
