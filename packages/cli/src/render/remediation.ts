// A corrected ClusterRole is ~70 lines of YAML: printed whole, it buries every finding after it. The
// text report shows such a manifest as one comment saying where the full one is; markdown keeps it,
// HTML folds it into <details>, JSON has the finding's remediation unchanged.

/** Here-document bodies longer than this are left out of the text report (unless asked for). */
export const LONG_MANIFEST_LINES = 12;

const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_]+)\1/;

/** Lines of the longest here-document body in a remediation (0 without one). */
export function longestManifest(remediation: string): number {
  let longest = 0;
  let start = -1;
  let end: string | undefined;
  remediation.split('\n').forEach((line, i) => {
    if (end === undefined) {
      const marker = HEREDOC.exec(line);
      if (marker) [start, end] = [i, marker[2]];
    } else if (line.trim() === end) {
      longest = Math.max(longest, i - start - 1);
      end = undefined;
    }
  });
  return longest;
}

/**
 * The remediation with each long here-document (its command, body and end marker) replaced by one
 * comment naming the command and where the whole block is. Nothing of what is left changes, so the
 * rest still pastes; the left-out command is a comment, so pasting never runs half of it.
 */
export function shortenRemediation(remediation: string): string {
  const lines = remediation.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = HEREDOC.exec(line);
    const close = marker ? lines.findIndex((l, j) => j > i && l.trim() === marker[2]) : -1;
    if (!marker || close < 0 || close - i - 1 <= LONG_MANIFEST_LINES) {
      out.push(line);
      continue;
    }
    const indent = /^\s*/.exec(line)![0];
    // `#  (` keeps it out of the comment paragraphs around it when the text report reflows them;
    // the `<<` marker stays out of it, or the wrapping would take the lines after it for a manifest.
    const command = line.replace(HEREDOC, '').trim();
    out.push(
      `${indent}#  (not shown: \`${command}\` with a ${close - i - 1}-line manifest on stdin; ` +
        '--full-remediation prints it here, --format markdown and -o report.html always do)',
    );
    i = close;
  }
  return out.join('\n');
}
