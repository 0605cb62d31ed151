import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Analysis, jsonText } from '@dqlite-analyzer/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Registry } from 'prom-client';
import { type AgentParts, registerCollectors } from './collectors/index.js';
import { readiness } from './readiness.js';

export interface ServerOptions {
  sources: AgentParts;
  /** Bearer token required on /metrics and /api/*; /healthz and /readyz stay open for probes. */
  token?: string | undefined;
  tls?: { certFile: string; keyFile: string } | undefined;
  /** Serve /api/v1/analysis (the full Analysis names keys, leases and service accounts). */
  analysisApi?: boolean;
  staleAfterSeconds: number;
  /** fastify's logger option: false in tests, pino options in production. */
  logger?: boolean | { level: string };
}

const LANDING = `<!doctype html><html><head><title>dqlite-agent</title></head><body>
<h1>dqlite-agent</h1><ul>
<li><a href="metrics">/metrics</a></li><li><a href="healthz">/healthz</a></li><li><a href="readyz">/readyz</a></li>
<li><a href="api/v1/analysis">/api/v1/analysis</a></li><li><a href="api/v1/windows">/api/v1/windows</a></li>
</ul></body></html>`;

/** Build the HTTP server (not listening); one Registry per server, never prom-client's global one. */
export function buildServer(options: ServerOptions): FastifyInstance {
  const tls = options.tls;
  const app = Fastify({
    logger: options.logger ?? false,
    ...(tls ? { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } } : {}),
  }) as unknown as FastifyInstance;
  const registry = new Registry();
  const updateAll = registerCollectors(registry, options.sources, (error) =>
    app.log.warn({ err: error }, 'collector failed'),
  );
  const guard = bearerGuard(options.token);

  app.get('/', async (_request, reply) => reply.type('text/html').send(LANDING));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const state = readiness(options.sources, options.staleAfterSeconds);
    return reply.code(state.ready ? 200 : 503).send(state);
  });
  app.get('/metrics', { onRequest: guard }, async (_request, reply) => {
    updateAll();
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/api/v1/analysis', { onRequest: guard }, async (_request, reply) => {
    if (options.analysisApi === false) {
      return reply.code(404).send({ error: 'the analysis API is disabled (analysisApi: false)' });
    }
    const analysis = options.sources.runner.latest;
    if (!analysis) return reply.code(503).send({ error: 'no snapshot analysed yet' });
    return reply.type(JSON_TYPE).send(analysisJson(analysis));
  });
  app.get('/api/v1/windows', { onRequest: guard }, async (_request, reply) => {
    const windows = options.sources.windows.recent().map((window) => ({
      ...window,
      start: new Date(window.start).toISOString(),
      end: new Date(window.end).toISOString(),
      durationSeconds: (window.end - window.start) / 1000,
    }));
    return reply.type(JSON_TYPE).send(jsonText({ windows }));
  });
  return app;
}

const JSON_TYPE = 'application/json; charset=utf-8';

// The API's JSON escapes what the CLI's --format json escapes (names from the snapshot reach an
// operator's terminal through curl): jsonText, written once per analysis, not once per request.
const analysisJsonTexts = new WeakMap<Analysis, string>();
function analysisJson(analysis: Analysis): string {
  let text = analysisJsonTexts.get(analysis);
  if (text === undefined) {
    text = jsonText(analysis);
    analysisJsonTexts.set(analysis, text);
  }
  return text;
}

function bearerGuard(token: string | undefined) {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!expected) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    // Constant-time compare so the token cannot be guessed byte by byte from response times.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
    }
  };
}
