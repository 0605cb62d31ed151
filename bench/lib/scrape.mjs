// Scraping the agent the benchmarks start: one timed GET, a metric's value, latency percentiles.
import { request } from 'node:http';

/** One GET of `path` on loopback: milliseconds to the last byte, the status and the body. */
export function get(port, path = '/metrics', timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${path} timed out`)));
    req.end();
  });
}

/** The value of the first sample of `name` (with its labels, if given) in a Prometheus text body. */
export const metric = (body, name) => {
  const line = body.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

export function percentiles(samples) {
  const v = [...samples].sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  const r = (x) => Math.round(x * 10) / 10;
  return { scrapes: v.length, p50: r(at(0.5)), p90: r(at(0.9)), p99: r(at(0.99)), max: r(v.at(-1)) };
}
