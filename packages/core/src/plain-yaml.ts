// The small subset of YAML that most runs read and write, without loading the yaml package: its
// module was ~15-25 ms of the sample snapshot's analysis child, for three short node files and one
// ClusterRole (bench/RESULTS.md, issue 17 fourth pass). Each function answers only where its
// answer is the one the yaml package gives (test/core/plain-yaml.test.ts checks both against it),
// and undefined elsewhere: the caller then loads yaml.

// A string written plain by yaml's stringify and read back as that string: a letter first (so no
// number, no indicator), then no character YAML treats specially. Only the core schema's keywords
// (and YAML 1.1's booleans, to be safe) start with a letter and read as something else.
const PLAIN = /^[A-Za-z][A-Za-z0-9._/-]*$/;
const KEYWORDS = /^(true|false|null|yes|no|on|off|y|n)$/i;
// Quoted by yaml's stringify as "…" with nothing to escape.
const QUOTED = new Set(['', '*']);

/** What stringifyPlainYaml() writes: maps of strings, lists and maps (an undefined entry is left out, as yaml does). */
export type YamlValue = string | YamlValue[] | YamlMap;
export type YamlMap = { [key: string]: YamlValue | undefined };

/**
 * `value` as the yaml package's `stringify(value)` writes it (2-space indent, block style), or
 * undefined when it holds a string or an empty list or map whose spelling is left to the package.
 */
export function stringifyPlainYaml(value: YamlMap): string | undefined {
  const lines: string[] = [];
  return writeMap(value, '', lines) ? `${lines.join('\n')}\n` : undefined;
}

function scalar(text: string): string | undefined {
  if (PLAIN.test(text) && !KEYWORDS.test(text)) return text;
  return QUOTED.has(text) ? `"${text}"` : undefined;
}

// Each entry `key: value` at `pad`; a nested map or list on the lines after its key.
function writeMap(map: YamlMap, pad: string, lines: string[], first?: string): boolean {
  const entries = Object.entries(map).filter((entry): entry is [string, YamlValue] => entry[1] !== undefined);
  if (entries.length === 0) return false;
  for (const [i, [key, value]] of entries.entries()) {
    const lead = i === 0 && first !== undefined ? first : pad;
    if (scalar(key) !== key) return false;
    if (typeof value === 'string') {
      const text = scalar(value);
      if (text === undefined) return false;
      lines.push(`${lead}${key}: ${text}`);
    } else {
      lines.push(`${lead}${key}:`);
      if (!writeNested(value, `${pad}  `, lines)) return false;
    }
  }
  return true;
}

function writeNested(value: YamlValue[] | YamlMap, pad: string, lines: string[]): boolean {
  if (!Array.isArray(value)) return writeMap(value, pad, lines);
  if (value.length === 0) return false;
  for (const item of value) {
    if (typeof item === 'string') {
      const text = scalar(item);
      if (text === undefined) return false;
      lines.push(`${pad}- ${text}`);
    } else if (Array.isArray(item)) {
      return false;
    } else if (!writeMap(item, `${pad}  `, lines, `${pad}- `)) {
      return false;
    }
  }
  return true;
}

// go-dqlite's node files (info.yaml, cluster.yaml: yaml.v2 Marshal of its NodeInfo) are a map, or a
// list of maps, of `Key: value` lines: an id and a role as digits, an address as host:port.
const ENTRY = /^([A-Za-z]+): ([0-9]+|[A-Za-z0-9.-]+:[0-9]+)$/;

/**
 * The value of a node file as the yaml package's `parse(text, { intAsBigInt: true })` reads it
 * (digits as bigint), or undefined when it is not in the form go-dqlite writes.
 */
export function parseNodeYaml(text: string): unknown {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) return undefined;
  if (!lines[0]!.startsWith('- ')) return entries(lines);
  // A list: each item's first line after `- `, the rest indented by two spaces.
  const items: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('- ')) items.push([line.slice(2)]);
    else if (line.startsWith('  ')) items.at(-1)!.push(line.slice(2));
    else return undefined;
  }
  const list = items.map(entries);
  return list.every((item) => item !== undefined) ? list : undefined;
}

function entries(lines: string[]): Record<string, string | bigint> | undefined {
  const map: Record<string, string | bigint> = {};
  for (const line of lines) {
    const match = ENTRY.exec(line);
    if (!match || match[1]! in map) return undefined;
    const value = match[2]!;
    map[match[1]!] = /^[0-9]+$/.test(value) ? BigInt(value) : value;
  }
  return map;
}
