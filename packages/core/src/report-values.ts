// `@dqlite-analyzer/core/report-values`: the values a report renderer needs beside the Analysis
// (number formats, finding ids, a model constant), without loading the analysis (SQLite,
// protobuf, the checks): the CLI's own process stays light while its analysis child works.

export { KINE_RETRY_BUDGET_SECONDS } from './checks/lock-window.js';
export { FINDING_IDS, type FindingId, isFindingId } from './finding-id.js';
export { formatBytes, formatCount, formatPercent, plural } from './format.js';
export { jsonText } from './json-text.js';
export { cutMiddle, STRING_LIMIT } from './long-strings.js';
