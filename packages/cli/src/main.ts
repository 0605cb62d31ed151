#!/usr/bin/env node
import { isAnalysisChild } from '@dqlite-analyzer/core/child';
import { prestartAnalysis, stopAnalysis } from './analysis-child.js';
import { reportLoadFailure } from './load-failure.js';

// Started again as its own analysis child (analysis-child.ts): only the core loads, not the CLI.
if (isAnalysisChild()) {
  const { serveAnalysisChild } = await import('@dqlite-analyzer/core');
  await serveAnalysisChild().catch((error: Error) => {
    process.stderr.write(`dqlite-analyze: ${error.message}\n`);
    process.exitCode = 2;
  });
} else {
  prestartAnalysis();
  await import('./cli-main.js').catch(async (error: unknown) => {
    await stopAnalysis();
    reportLoadFailure(error);
  });
}
