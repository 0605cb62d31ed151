// Issue #12 §1: the text report breaks a `verify:` command to fit 80 columns; the lines as printed,
// pasted into bash, must still be that one command (a break after a backslash, the `# prints`
// comment on lines of its own) and run nothing else.
import { pasteProblems, runPasted, verifyCommands } from '@dqlite-analyzer/test-support/paste';
import { describe, expect, it } from 'vitest';
import { RENDERERS } from '../../src/formats.js';
import { CONTEXT, SAMPLE } from './fixture.js';

/** Each verify command of a text report, as the lines it is printed on (indentation and all). */
function printedVerifies(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!line.endsWith(' verify:')) return;
    const indent = /^ */.exec(lines[i + 1]!)![0].length;
    let end = i + 1;
    while (end < lines.length && /^ */.exec(lines[end]!)![0].length >= indent) end++;
    out.push(lines.slice(i + 1, end).join('\n'));
  });
  return out;
}

describe('the text report’s verify commands', () => {
  it('pasted as printed, each runs the command of the analysis and nothing else', () => {
    const text = RENDERERS.text.analysis(SAMPLE, CONTEXT);
    const printed = printedVerifies(text);
    const commands = SAMPLE.findings.flatMap((f) => verifyCommands(f.evidence));
    expect(printed.length).toBe(commands.length);
    expect(printed.some((p) => p.includes('\\\n'))).toBe(true);
    printed.forEach((script, i) => {
      expect({ script, problems: pasteProblems(script) }).toEqual({ script, problems: [] });
      expect(runPasted(script).calls).toEqual(runPasted(commands[i]!).calls);
    });
  });
});
