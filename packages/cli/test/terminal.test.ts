import { describe, expect, it } from 'vitest';
import { resolveFormat, showProgress, type Terminal, useColor } from '../src/terminal.js';

const tty: Terminal = { stdoutIsTTY: true, stderrIsTTY: true, env: {} };
const pipe: Terminal = { stdoutIsTTY: false, stderrIsTTY: false, env: {} };

describe('format, colour and progress defaults', () => {
  it('is text unless --format or the --output extension says otherwise, also when piped', () => {
    expect(resolveFormat(undefined, undefined)).toBe('text');
    expect(resolveFormat(undefined, 'report.HTML')).toBe('html');
    expect(resolveFormat(undefined, 'out/report.md')).toBe('markdown');
    expect(resolveFormat(undefined, 'analysis.json')).toBe('json');
    expect(resolveFormat(undefined, 'report.txt')).toBe('text');
    expect(resolveFormat('json', 'report.html')).toBe('json');
  });

  it('colours text on a terminal only, and never with --no-color or NO_COLOR', () => {
    expect(useColor('text', undefined, true, tty)).toBe(true);
    expect(useColor('text', undefined, true, pipe)).toBe(false);
    expect(useColor('text', 'report.txt', true, tty)).toBe(false);
    expect(useColor('markdown', undefined, true, tty)).toBe(false);
    expect(useColor('text', undefined, false, tty)).toBe(false);
    expect(useColor('text', undefined, true, { ...tty, env: { NO_COLOR: '1' } })).toBe(false);
    // no-color.org: an empty NO_COLOR does not count.
    expect(useColor('text', undefined, true, { ...tty, env: { NO_COLOR: '' } })).toBe(true);
    expect(useColor('text', undefined, true, { ...pipe, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(useColor('text', undefined, true, { ...pipe, env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(useColor('text', undefined, true, { ...tty, env: { TERM: 'dumb' } })).toBe(false);
  });

  it('draws progress when stderr is a terminal and --quiet is off', () => {
    expect(showProgress(false, tty)).toBe(true);
    expect(showProgress(true, tty)).toBe(false);
    expect(showProgress(false, { ...tty, stderrIsTTY: false })).toBe(false);
  });
});
