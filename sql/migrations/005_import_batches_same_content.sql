-- A file whose content was already loaded is not loaded again while nothing it depends on
-- has changed: its attempt is recorded with status 'unchanged' (besides 'loaded' and
-- 'failed') and names the batch that loaded that content. Batches loaded before this
-- migration have neither key, so their files load once more the next time.
--   read_options:  how the file was read (the reader's version, and the time zone and file
--                  name of a Moodle report or the mapping profile of a provider CSV);
--   basis_sha256:  a fingerprint of the warehouse data the load's outcome depends on (for
--                  learning records, the people and courses they resolve against), taken
--                  when the load finished;
--   same_as_batch: for an 'unchanged' attempt, the batch that loaded the same content.
alter table import_batches add column read_options varchar;
alter table import_batches add column basis_sha256 varchar;
alter table import_batches add column same_as_batch integer;
