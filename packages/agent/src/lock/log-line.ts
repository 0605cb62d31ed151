/** What one log line says about lock contention or the RBAC denials behind a write storm. */
export type LogEvent =
  | {
      kind: 'lock';
      /** Retries k8s-dqlite spent (`exec (try: N)`); 500 is its whole budget. */
      tries: number | undefined;
      /** The kine key named in the line, when there is one. */
      key: string | undefined;
      /** Bounded form of the key for metric labels (`leases`). */
      prefix: string;
      /** The line's own timestamp (epoch ms), when it carries one we can read. */
      at: number | undefined;
    }
  | { kind: 'forbidden'; serviceAccount: string; at: number | undefined };

const LOCKED = /database is locked/;
// k8s-dqlite's retry loop (pkg/backend/sqlite/driver.go): `exec (try: 500): database is locked`.
const TRIES = /\((?:try|tries): (\d+)\)\s*:\s*database is locked/;
const KEY = /for key (\/[^\s:"',]+)/;
const ANY_REGISTRY_KEY = /(\/registry\/[^\s:"',]+)/;
// apiserver RBAC denial as controllers log it: User "system:serviceaccount:NS:NAME" cannot …
const FORBIDDEN = /forbidden: User \\?"system:serviceaccount:([^:"\\]+):([^"\\]+)\\?" cannot/;

/** Classify one log line; undefined when it is about neither locks nor RBAC denials. */
export function parseLogLine(line: string, now = Date.now()): LogEvent | undefined {
  if (LOCKED.test(line)) {
    const tries = TRIES.exec(line)?.[1];
    const key = KEY.exec(line)?.[1] ?? ANY_REGISTRY_KEY.exec(line)?.[1];
    return {
      kind: 'lock',
      tries: tries === undefined ? undefined : Number(tries),
      key,
      prefix: keyPrefix(key),
      at: parseLineTime(line, now),
    };
  }
  const denied = FORBIDDEN.exec(line);
  if (denied) {
    return { kind: 'forbidden', serviceAccount: `${denied[1]}/${denied[2]}`, at: parseLineTime(line, now) };
  }
  return undefined;
}

/**
 * Keys become labels only as their storage prefix, the same form the core's `prefixes[]` uses
 * (`leases`, `services/specs`, `crd.projectcalico.org/ipamhandles`): resource types are a
 * bounded set, object names are not.
 */
export function keyPrefix(key: string | undefined): string {
  if (!key) return 'unknown';
  const parts = key.split('/').filter(Boolean);
  if (parts[0] !== 'registry') return parts[0] ?? 'unknown';
  const resource = parts[1];
  if (!resource) return 'unknown';
  // CRDs are stored under their group, and services under specs/endpoints: two segments name them.
  const twoLevel = (resource.includes('.') || resource === 'services') && parts.length > 3;
  return twoLevel ? `${resource}/${parts[2]}` : resource;
}

const RFC3339 = /\b(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/;
// klog header: Lmmdd hh:mm:ss.uuuuuu (no year; kubelite and the controllers log this way).
const KLOG = /\b[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\s/;
// syslog / journalctl short format: "Apr  2 10:11:12".
const SYSLOG = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})\b/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The time a line was logged, so windows replayed from a file keep their real shape. Formats
 * without a year (klog, syslog) take the current one, or last year when that would be in the future.
 */
export function parseLineTime(line: string, now = Date.now()): number | undefined {
  const iso = RFC3339.exec(line)?.[1];
  if (iso) {
    const at = Date.parse(iso.includes('T') ? iso : iso.replace(' ', 'T'));
    if (Number.isFinite(at)) return at;
  }
  const klog = KLOG.exec(line);
  if (klog) {
    const [, mm, dd, h, m, s, frac] = klog;
    const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
    return withoutYear(now, Number(mm) - 1, Number(dd), Number(h), Number(m), Number(s), ms);
  }
  const syslog = SYSLOG.exec(line);
  if (syslog) {
    const month = MONTHS.indexOf(syslog[1]!);
    if (month >= 0) {
      return withoutYear(
        now,
        month,
        Number(syslog[2]),
        Number(syslog[3]),
        Number(syslog[4]),
        Number(syslog[5]),
        0,
      );
    }
  }
  return undefined;
}

function withoutYear(now: number, month: number, day: number, h: number, m: number, s: number, ms: number) {
  const year = new Date(now).getUTCFullYear();
  const at = Date.UTC(year, month, day, h, m, s, ms);
  // A day's slack for clock skew; beyond that the line is from December of last year.
  return at > now + 86_400_000 ? Date.UTC(year - 1, month, day, h, m, s, ms) : at;
}
