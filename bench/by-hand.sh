#!/usr/bin/env bash
# What an operator runs by hand to learn what dqlite-analyze's headline says, without it:
#   by-hand.sh SNAPSHOT WORKDIR
# decompress the snapshot to a file, split the payload with a short script, sqlite3_analyzer for
# the storage figures, then the kine queries and a quick_check with the sqlite3 CLI.
set -euo pipefail
here=$(dirname "$0")
snapshot=$1
work=$2
lz4 -d -q -f "$snapshot" "$work/payload"
python3 "$here/by-hand-extract.py" "$work/payload" "$work/out"
rm "$work/payload"
sqlite3_analyzer "$work/out/k8s" > /dev/null
sqlite3 "$work/out/k8s" < "$here/by-hand-kine.sql" > /dev/null
