// Every list in an Analysis is bounded, whatever the snapshot holds: 200,000 webhooks made a 195 MB
// JSON report and a 151 MB /api/v1/analysis (issue #12 §3). The checks read the whole lists first;
// what the Analysis hands over (JSON, the agent's API and metrics, the reports) keeps the first
// ANALYSIS_LIST_LIMIT entries of each list, and `truncatedLists` says which were cut and from how
// many. Lists are in their documented order (most first where they are ranked), so the first
// entries are the ones that matter.

/** The most entries any list of an Analysis keeps (README, "The JSON form"). */
export const ANALYSIS_LIST_LIMIT = 1000;

/**
 * Cut every array under `value` (objects and arrays, recursively) to its first `limit` entries, in
 * place. Returns each cut list's path (`objects.webhooks`, `databases[2].tables`) and its length.
 */
export function boundLists(value: object, limit = ANALYSIS_LIST_LIMIT): Record<string, number> {
  const cut: Record<string, number> = {};
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      if (node.length > limit) {
        cut[path] = node.length;
        node.length = limit;
      }
      for (const [i, item] of node.entries()) walk(item, `${path}[${i}]`);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) walk(child, path ? `${path}.${key}` : key);
    }
  };
  walk(value, '');
  return cut;
}
