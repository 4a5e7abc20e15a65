-- Rejected rows have a life: a rejection stays open until a later load of the same kind
-- carries the same source record and accepts it (resolved), or L&D mark it ignored with a
-- reason. The row itself is never deleted, so the history of what was rejected stays.
--   record_key:        the source record the row was (a learning record's source_record_id,
--                      a company row's key), when the file says which; else null
--   resolved_by_batch: the load that accepted the same record later
--   ignored_reason:    why L&D ignore it; ignored_at: when
alter table rejected_rows add column record_key varchar;
alter table rejected_rows add column resolved_by_batch integer;
alter table rejected_rows add column ignored_reason varchar;
alter table rejected_rows add column ignored_at timestamp;
