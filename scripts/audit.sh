#!/usr/bin/env bash
# pnpm audit for CI: fails on high or critical advisories. When the registry's audit endpoint cannot
# answer — it does not implement it (404, 405, any other HTTP error) or cannot be reached (DNS,
# refused, reset, TLS, timeout) — it prints a warning and passes: that says nothing about our
# dependencies, and CI must not go red for it. Any other failure of pnpm audit fails, as it cannot
# be told apart from a broken audit.
#
#   scripts/audit.sh [more pnpm audit options, e.g. --registry URL]
#
# Exit codes: 0 no high/critical advisory, or the endpoint unavailable (warning); 1 advisories;
# 2 pnpm audit failed for another reason.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$(mktemp)"
err="$(mktemp)"
trap 'rm -f "$out" "$err"' EXIT

# pnpm audit exits 1 both for advisories and for errors; --json tells them apart: a report has
# "advisories" (already filtered to --audit-level), an error is {"error": {"code", "message"}}.
status=0
pnpm audit --audit-level high --json "$@" >"$out" 2>"$err" || status=$?

node - "$out" "$err" "$status" <<'EOF'
const { readFileSync } = require('node:fs');
const [outFile, errFile, statusText] = process.argv.slice(2);
const stdout = readFileSync(outFile, 'utf8');
const stderr = readFileSync(errFile, 'utf8').trim();
const status = Number(statusText);
let result;
try {
  result = JSON.parse(stdout);
} catch {
  result = undefined;
}

const fail = (code, text) => {
  console.error(text);
  process.exit(code);
};

if (result && typeof result.advisories === 'object' && result.advisories !== null) {
  const advisories = Object.values(result.advisories);
  const counts = result.metadata?.vulnerabilities ?? {};
  const below = ['info', 'low', 'moderate'].map((s) => `${counts[s] ?? 0} ${s}`).join(', ');
  if (advisories.length === 0 && status === 0) {
    console.log(
      `pnpm audit: no high or critical advisories in ${result.metadata?.totalDependencies ?? '?'} dependencies (below the threshold: ${below})`,
    );
    process.exit(0);
  }
  if (advisories.length === 0) fail(2, `pnpm audit exited with ${status} but reported no advisories:\n${stdout}\n${stderr}`);
  const lines = advisories.map((a) => {
    const paths = (a.findings ?? []).flatMap((f) => f.paths ?? []).slice(0, 3).join(', ');
    return `  ${a.severity}: ${a.module_name} ${a.vulnerable_versions ?? ''} — ${a.title} (${a.url})${paths ? `\n    via ${paths}` : ''}`;
  });
  fail(1, `pnpm audit: ${advisories.length} high or critical advisories:\n${lines.join('\n')}\nRun pnpm audit for details; pnpm audit --fix adds overrides.`);
}

const error = result?.error;
const HTTP_CODES = new Set(['ERR_PNPM_AUDIT_BAD_RESPONSE', 'ERR_PNPM_AUDIT_ENDPOINT_NOT_EXISTS']);
// node-fetch's network errors name the URL they were fetching: only those about the audit endpoint.
const ENDPOINT_UNREACHABLE = /(request to|network timeout at:?) \S*\/-\/npm\/v1\/security\/audits/;
if (error && (HTTP_CODES.has(error.code) || ENDPOINT_UNREACHABLE.test(error.message ?? ''))) {
  const text =
    `WARNING: dependencies NOT audited: the registry's audit endpoint is unavailable (${error.code}: ${error.message}).\n` +
    'This is not a vulnerability, so CI continues; run pnpm audit against a registry that implements it.';
  console.error(text);
  // GitHub Actions shows this line as an annotation; elsewhere it is one more line of the warning.
  if (process.env.GITHUB_ACTIONS) console.log(`::warning title=pnpm audit skipped::${text.split('\n')[0]}`);
  process.exit(0);
}
fail(
  2,
  `pnpm audit failed, and not because the audit endpoint is unavailable (exit ${status}):\n${stdout.trim()}\n${stderr}`,
);
EOF
