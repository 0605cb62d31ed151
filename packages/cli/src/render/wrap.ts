// Line breaking for the 80-column text report. Widths count code points: the report's own symbols
// (…, ×, →) are one column wide, and Kubernetes keys are ASCII.

/** Columns a string takes on a terminal. */
export const widthOf = (text: string): number => [...text].length;

/**
 * Word-wrap to `width` columns (the first line to `firstWidth`); a word longer than a line is cut
 * into line-sized pieces. Linear in the text's length, however long one word is.
 */
export function wrapWords(text: string, width: number, firstWidth = width): string[] {
  const lines: string[] = [];
  const room = () => Math.max(1, lines.length === 0 ? firstWidth : width);
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    const chars = [...word];
    let at = 0;
    while (at < chars.length) {
      const left = chars.length - at;
      if (line && widthOf(line) + 1 + left <= room()) {
        line += ` ${at === 0 ? word : chars.slice(at).join('')}`;
        break;
      }
      if (line) {
        lines.push(line);
        line = '';
        continue;
      }
      if (left <= room()) {
        line = at === 0 ? word : chars.slice(at).join('');
        break;
      }
      const size = room();
      lines.push(chars.slice(at, at + size).join(''));
      at += size;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * Fit a block of shell commands to `width` columns without changing what it does when pasted:
 * comments wrap into more comment lines, commands break between words outside quotes with a
 * trailing backslash, and here-documents (manifests) are left exactly as they are. A single word
 * longer than the line (a quoted SQL statement) stays whole: cutting it would change the command.
 */
export function wrapShell(block: string, width: number): string[] {
  const out: string[] = [];
  let heredocEnd: string | undefined;
  for (const line of reflowComments(block.split('\n'), width)) {
    if (heredocEnd !== undefined) {
      out.push(line);
      if (line.trim() === heredocEnd) heredocEnd = undefined;
      continue;
    }
    const marker = /<<-?\s*(['"]?)([A-Za-z_]+)\1/.exec(line);
    if (marker) heredocEnd = marker[2];
    if (widthOf(line) <= width || line.endsWith('\\')) {
      out.push(line);
      continue;
    }
    const indent = /^\s*/.exec(line)![0];
    const body = line.slice(indent.length);
    // `#   command` (three spaces; `#  (not shown …)` has two): a command left as a comment
    // (leaked-ipam's steps for after a Calico upgrade) breaks as a command, each line still a
    // comment, so that uncommented it runs as printed.
    const commented = /^(#\s{3,})(\S.*)$/.exec(body);
    if (commented) {
      out.push(...breakCommand(indent + commented[1]!, shellWords(commented[2]!), width));
      continue;
    }
    if (body.startsWith('#')) {
      const text = body.replace(/^#+\s?/, '');
      for (const part of wrapWords(text, width - indent.length - 2)) out.push(`${indent}# ${part}`);
      continue;
    }
    out.push(...breakCommand(indent, shellWords(body), width));
  }
  return out;
}

function breakCommand(indent: string, words: string[], width: number): string[] {
  const lines: string[] = [];
  const continued = `${indent}    `;
  let line = indent;
  for (const [i, word] of words.entries()) {
    const start = line === indent || line === continued;
    // A trailing comment: a backslash inside it continues nothing, so what did not fit after the
    // command goes on comment lines of its own, never on a line a shell would run.
    if (word.startsWith('#') && !start) {
      const comment = words.slice(i).join(' ');
      if (widthOf(line) + 1 + widthOf(comment) <= width) lines.push(`${line} ${comment}`);
      else {
        lines.push(line);
        const text = comment.replace(/^#+\s?/, '');
        for (const part of wrapWords(text, width - continued.length - 2)) lines.push(`${continued}# ${part}`);
      }
      return lines;
    }
    // Leave room for " \" on every line but the last.
    if (!start && widthOf(line) + 1 + widthOf(word) + 2 > width) {
      lines.push(`${line} \\`);
      line = continued + word;
    } else {
      line = start ? line + word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

/** Split a command at spaces that are outside quotes (the places a shell splits words too). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      word += c;
      if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else if (c === quote) quote = undefined;
    } else if (c === ' ') {
      if (word) words.push(word);
      word = '';
    } else {
      word += c;
      if (c === '\\' && i + 1 < command.length) word += command[++i];
      else if (c === '"' || c === "'") quote = c;
    }
  }
  if (word) words.push(word);
  return words;
}

const PLAIN_COMMENT = /^(\s*)# \S/;

// A comment line ending a sentence or introducing what follows ends its paragraph: joined to the
// next, two remarks read as one ("... since when: "x" is not a valid name").
const PARAGRAPH_END = /[.:!?]$/;

/**
 * A comment paragraph written for a wider screen: when one of its lines is too long, join the run of
 * plain `# text` lines (same indent; not `#   indented` examples; up to a line ending a sentence) so
 * it wraps as one paragraph.
 */
function reflowComments(lines: string[], width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const indent = PLAIN_COMMENT.exec(lines[i]!)?.[1];
    if (indent === undefined) {
      out.push(lines[i++]!);
      continue;
    }
    let end = i + 1;
    while (
      end < lines.length &&
      !PARAGRAPH_END.test(lines[end - 1]!) &&
      PLAIN_COMMENT.exec(lines[end]!)?.[1] === indent
    )
      end++;
    const run = lines.slice(i, end);
    if (run.some((line) => widthOf(line) > width)) {
      const text = run.map((line) => line.slice(indent.length + 2)).join(' ');
      out.push(...wrapWords(text, width - indent.length - 2).map((part) => `${indent}# ${part}`));
    } else out.push(...run);
    i = end;
  }
  return out;
}
