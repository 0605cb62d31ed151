#!/usr/bin/env bash
# Values are CAST(... AS BLOB): SQLite's || yields TEXT, whose length() stops at the first NUL.
# Regenerate examples/sample-snapshot/: a real snapshot written by a real dqlite node (Debian
# go-dqlite's dqlite-demo) holding a small kine database with the marks of the incident this
# tool exists for: a hot key with thousands of revisions, a kine compaction that left free
# pages behind, leftover gap rows and tombstones.
# Usage: scripts/make-sample-snapshot.sh [OUT_DIR]   (needs dqlite-demo, dqlite, python3)
set -euo pipefail
out="${1:-$(dirname "$0")/../examples/sample-snapshot}"
work="$(mktemp -d /tmp/dqa-sample-XXXXXX)"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
db_port="$(port)"; api_port="$(port)"
dqlite-demo --api "127.0.0.1:${api_port}" --db "127.0.0.1:${db_port}" --dir "$work" >"$work/node.log" 2>&1 &
node_pid=$!
trap 'kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
data="$work/127.0.0.1:${db_port}"
# The shell reports a failed statement on its output and still exits 0: fail on "Error:".
shell() {
  local output
  output="$(dqlite -s "127.0.0.1:${db_port}" "$1" 2>&1)"
  if grep -q 'Error:' <<<"$output"; then echo "$output" | tr '>' '\n' | grep 'Error:' >&2; exit 1; fi
}
for _ in $(seq 1 100); do echo "SELECT 1;" | dqlite -s "127.0.0.1:${db_port}" demo >/dev/null 2>&1 && break; sleep 0.2; done

{
  # k8s-dqlite v1.1–v1.6 schema (pkg/kine/drivers/sqlite/schema.go), user_version 1.
  echo "CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created INTEGER, deleted INTEGER, create_revision INTEGER NOT NULL, prev_revision INTEGER, lease INTEGER, value BLOB, old_value BLOB);"
  echo "CREATE INDEX kine_name_index ON kine (name, id);"
  echo "CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON kine (prev_revision, name);"
  echo "PRAGMA user_version = 1;"
  # 400 objects in a few resources: pods, configmaps, Calico IPAM handles (JSON), events.
  echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150) INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) SELECT '/registry/pods/default/web-' || i, 1, 0, 0, 0, 0, CAST(X'6b387300' || randomblob(1200) AS BLOB), NULL FROM n;"
  echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) SELECT '/registry/configmaps/kube-system/cm-' || i, 1, 0, 0, 0, 0, CAST(X'6b387300' || randomblob(600) AS BLOB), NULL FROM n;"
  echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120) INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) SELECT '/registry/crd.projectcalico.org/ipamhandles/k8s-pod-network.' || hex(randomblob(8)), 1, 0, 0, 0, 0, CAST('{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"IPAMHandle\",\"spec\":{\"handleID\":\"k8s-pod-network\",\"block\":{\"10.1.0.0/26\":1}}}' AS BLOB), NULL FROM n;"
  echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) SELECT '/registry/events/default/web-' || i || '.17a', 1, 0, 0, 0, 3600, CAST(X'6b387300' || randomblob(400) AS BLOB), NULL FROM n;"
  # The hot key: the scheduler's lease renewed 3000 times, one row per renewal as kine writes
  # it; AUTOINCREMENT makes the ids seq+1, seq+2, ... so each row's prev_revision is known.
  echo "WITH RECURSIVE b(s) AS (SELECT seq FROM sqlite_sequence WHERE name = 'kine'), n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) SELECT '/registry/leases/kube-system/kube-scheduler', i = 1, 0, CASE WHEN i = 1 THEN 0 ELSE s + 1 END, CASE WHEN i = 1 THEN 0 ELSE s + i - 1 END, 0, CAST(X'6b387300' || randomblob(300) AS BLOB), CASE WHEN i = 1 THEN NULL ELSE CAST(X'6b387300' || randomblob(300) AS BLOB) END FROM n, b;"
  # 40 pods deleted: tombstones carrying the last value in old_value.
  echo "INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) SELECT name, 0, 1, id, id, 0, NULL, value FROM kine WHERE name LIKE '/registry/pods/default/web-%' AND CAST(substr(name, 28) AS INTEGER) <= 40;"
  # Leftover gap rows from an old kine watch loop: explicit id = revision, named after it.
  echo "WITH RECURSIVE b(s) AS (SELECT seq FROM sqlite_sequence WHERE name = 'kine'), n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25) INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision, lease, value, old_value) SELECT s + i, 'gap-' || (s + i), 0, 1, 0, 0, 0, NULL, NULL FROM n, b;"
  # kine's compaction up to revision 2500 (k8s-dqlite backend.go): superseded rows, then tombstones.
  echo "INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES ('compact_rev_key', 1, 0, 0, 0, 0, NULL, NULL);"
  echo "DELETE FROM kine WHERE id IN (SELECT prev_revision FROM kine WHERE name != 'compact_rev_key' AND created = 0 AND prev_revision != 0 AND 0 < id AND id <= 2500);"
  echo "DELETE FROM kine WHERE deleted = 1 AND 0 < id AND id <= 2500;"
  echo "UPDATE kine SET prev_revision = max(prev_revision, 2500) WHERE name = 'compact_rev_key';"
  # 600 more renewals after the compaction: the backlog the next compaction would clear.
  echo "WITH RECURSIVE b(s, p) AS (SELECT seq, (SELECT max(id) FROM kine WHERE name = '/registry/leases/kube-system/kube-scheduler') FROM sqlite_sequence WHERE name = 'kine'), n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) SELECT '/registry/leases/kube-system/kube-scheduler', 0, 0, 401, CASE WHEN i = 1 THEN p ELSE s + i - 1 END, 0, CAST(X'6b387300' || randomblob(300) AS BLOB), CAST(X'6b387300' || randomblob(300) AS BLOB) FROM n, b;"
} > "$work/k8s.sql"
shell k8s < "$work/k8s.sql"

# Push the Raft log past dqlite's snapshot threshold (1024 entries) with writes to another database.
for i in $(seq 1 1100); do echo "INSERT INTO filler VALUES ($i);"; done | { echo "CREATE TABLE filler (i INTEGER);"; cat; } > "$work/pad.sql"
shell pad < "$work/pad.sql"
for _ in $(seq 1 100); do ls "$data"/snapshot-*.meta >/dev/null 2>&1 && break; sleep 0.2; done
snap="$(ls "$data"/snapshot-*.meta | sort | tail -1)"
snap="${snap%.meta}"
rm -rf "$out" && mkdir -p "$out"
cp "$snap" "$snap.meta" "$data/info.yaml" "$data/cluster.yaml" "$out/"
echo "wrote $out/$(basename "$snap")"
