import { describe, expect, it } from 'vitest';
import { scanKineTable } from '../../src/kine/table-scan.js';
import { INCIDENT_TRAILER, writeIncident } from '../checks/incident.js';
import { kineDb } from './kine-db.js';
import { readHotKeys, readKineRevisions, readPrefixUsage } from './reference-sql.js';

// The scan replaces three set-based queries; on every kine layout it must give exactly their figures.
describe('scanKineTable', () => {
  for (const layout of ['v1', 'v65536', 'legacy'] as const) {
    it(`equals the set-based SQL on the incident history (${layout} layout)`, () => {
      const db = kineDb(writeIncident, layout, INCIDENT_TRAILER);
      const scan = scanKineTable(db, { byNamespace: true, hotKeys: 20 });
      const { sequence: _sequence, ...revisions } = readKineRevisions(db);
      expect({ ...scan.revisions, sequence: undefined }).toEqual({ ...revisions, sequence: undefined });
      expect(scan.prefixes).toEqual(readPrefixUsage(db, { byNamespace: true }));
      expect(scan.hotKeys).toEqual(readHotKeys(db, 20));
      // The incident is not empty: the comparison above compared something.
      expect(scan.revisions.historyRows).toBeGreaterThan(10_000);
    });
  }
});
