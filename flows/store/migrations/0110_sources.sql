-- Petition.source names the upstream entry a petition came from (config [[upstream]] name, e.g.
-- district, hotline) or 'ledger' for a walk-in. Until now there was one upstream, the district
-- system, written 'upstream'. A ref is unique per source (the index says so; core/refs.py
-- store_ref keeps the primary key unique when two sources bring the same ref).
UPDATE petitions
   SET source = 'district',
       data = json_set(data, '$.source', 'district', '$.source_label', '区信访系统')
 WHERE source = 'upstream';
-- Whether the upstream closed the matter is now decided at intake from the site's vocabulary
-- (Petition.closed); the district's closed statuses were 已办结 and 已存档.
UPDATE petitions
   SET data = json_set(data, '$.closed', json('true'))
 WHERE source = 'district' AND json_extract(data, '$.status') IN ('已办结', '已存档');
CREATE UNIQUE INDEX petitions_source_ref ON petitions(source, ref);
