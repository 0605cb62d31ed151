-- The kine queries behind dqlite-analyze's headline, as an operator would type them into the
-- sqlite3 CLI after extracting the database (bench/by-hand.sh runs this file).
.mode list
-- Rows, and rows not marked deleted (every version not yet compacted).
SELECT count(*), sum(deleted = 0) FROM kine;
-- Live keys and their bytes: the latest revision of each name, when it is not a delete.
SELECT count(*), sum(length(k.name) + coalesce(length(k.value), 0) + coalesce(length(k.old_value), 0))
FROM kine AS k
JOIN (SELECT name, max(id) AS id FROM kine GROUP BY name) AS latest ON k.id = latest.id
WHERE k.deleted = 0 AND k.name != 'compact_rev_key' AND k.name NOT LIKE 'gap-%';
-- Rows and bytes per resource: GROUP BY the key's directory (everything up to its last '/').
SELECT rtrim(name, replace(name, '/', '')) AS directory, count(*) AS rows,
       sum(length(name) + coalesce(length(value), 0) + coalesce(length(old_value), 0)) AS bytes
FROM kine GROUP BY directory ORDER BY bytes DESC LIMIT 10;
-- The most-written keys.
SELECT name, count(*) AS revisions FROM kine GROUP BY name ORDER BY revisions DESC LIMIT 20;
-- The current and compact revisions.
SELECT max(id) FROM kine;
SELECT prev_revision FROM kine WHERE name = 'compact_rev_key';
-- SQLite's own consistency check, as dqlite runs after a restore.
PRAGMA quick_check;
