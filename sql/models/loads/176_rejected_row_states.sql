-- Each rejected row with its state: 'resolved' once a later load accepted the same source
-- record, 'ignored' once L&D said why it needs no fix, else 'open'. Counts and the Data
-- page show open rows; the rest stay for the history.
create or replace view rejected_row_states as
select
    r.batch_id,
    b.file_name,
    b.kind,
    r.row_number,
    r.reason,
    r.raw,
    r.record_key,
    r.resolved_by_batch,
    r.ignored_reason,
    r.ignored_at,
    case
        when r.resolved_by_batch is not null then 'resolved'
        when r.ignored_at is not null then 'ignored'
        else 'open'
    end as state
from rejected_rows as r
inner join import_batches as b on r.batch_id = b.batch_id;
