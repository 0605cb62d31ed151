'use strict';
// Stands in for the `bindings` package inside the single executable (docs/binary.md): better-sqlite3
// calls require('bindings')('better_sqlite3.node') to find its addon (WiseLibs/better-sqlite3:
// lib/database.js). The executable's loader (loader.cjs) has unpacked the addon and loaded it once;
// every thread loads it again by the same path, which the dynamic linker answers from the copy
// already mapped even though the file is gone (glibc: elf/dl-load.c, _dl_map_object).
let addon;
module.exports = function bindings() {
  if (addon === undefined) {
    const path = process.env.DQLITE_ANALYZE_SQLITE_ADDON;
    if (!path) throw new Error('the SQLite addon was not unpacked (DQLITE_ANALYZE_SQLITE_ADDON is unset)');
    const module = { exports: {} };
    process.dlopen(module, path);
    addon = module.exports;
  }
  return addon;
};
