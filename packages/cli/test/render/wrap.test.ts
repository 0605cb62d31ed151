import { describe, expect, it } from 'vitest';
import { shellWords, wrapShell, wrapWords } from '../../src/render/wrap.js';

describe('wrapping for 80 columns', () => {
  it('wraps words and cuts a word longer than the line', () => {
    expect(wrapWords('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapWords('x 0123456789', 4)).toEqual(['x', '0123', '4567', '89']);
  });

  it('wraps the first line to its own width (a hanging prefix), linear in a long word', () => {
    expect(wrapWords('aa bb cc dd', 5, 2)).toEqual(['aa', 'bb cc', 'dd']);
    const long = wrapWords('y'.repeat(100_000), 40, 10);
    expect(long[0]).toHaveLength(10);
    expect(long.slice(1, -1).every((line) => line.length === 40)).toBe(true);
    expect(long.join('')).toHaveLength(100_000);
  });

  it('splits shell words outside quotes only', () => {
    expect(shellWords(`a 'b c' "d \\" e" f\\ g`)).toEqual(['a', `'b c'`, `"d \\" e"`, 'f\\ g']);
  });

  it('breaks long commands with a backslash, reflows comments, leaves here-documents alone', () => {
    const block = [
      '# a comment that is far too long for the narrow width given here',
      '# and its second line',
      `kubectl get thing --with 'a quoted argument' --and more --options here`,
      "kubectl apply -f - <<'EOF'",
      'a manifest line that is longer than the width but must stay whole',
      'EOF',
    ].join('\n');
    expect(wrapShell(block, 30)).toEqual([
      '# a comment that is far too',
      '# long for the narrow width',
      '# given here and its second',
      '# line',
      'kubectl get thing --with \\',
      "    'a quoted argument' \\",
      '    --and more --options \\',
      '    here',
      "kubectl apply -f - <<'EOF'",
      'a manifest line that is longer than the width but must stay whole',
      'EOF',
    ]);
  });
});

describe('a run of comments', () => {
  it('reflows each sentence as its own paragraph: a line ending in . or : ends one', () => {
    // Three comments of one remediation (hostile-names' leader-election-churn): joined, they read
    // "... since when: "r<F>F" is not ... printed for it. Why leaders lose them".
    const block = [
      '# Who holds the leases now, and since when:',
      '# "r<F>F" is not a valid Lease name, so no command is printed for it.',
      '# Why leaders lose them (missed renew deadline, "database is locked"):',
      "sudo journalctl -u snap.microk8s.daemon-kubelite --since -1h | grep -E 'leaderelection'",
    ].join('\n');
    const lines = wrapShell(block, 50);
    for (const start of ['# Who holds', '# "r<F>F" is not', '# Why leaders']) {
      expect(lines.filter((l) => l.startsWith(start))).toHaveLength(1);
    }
  });
});

describe('a command with a trailing comment', () => {
  it('puts what does not fit of the comment on comment lines, never after a backslash', () => {
    const command = `sqlite3 -readonly DIR/k8s.db "SELECT count(*) FROM kine"  # prints 10500 (with --keep-copies DIR)`;
    expect(wrapShell(command, 40)).toEqual([
      'sqlite3 -readonly DIR/k8s.db \\',
      '    "SELECT count(*) FROM kine"',
      '    # prints 10500 (with --keep-copies',
      '    # DIR)',
    ]);
    expect(wrapShell('a b # c', 40)).toEqual(['a b # c']);
  });
});

describe('wrapWords on a long word', () => {
  it('is linear: a 2 MB word in about a second at most (it was quadratic: minutes)', () => {
    const started = performance.now();
    const lines = wrapWords(`a ${'x'.repeat(2_000_000)} b`, 78);
    // ~0.3 s alone, more on a loaded machine; the quadratic version ran for minutes.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(lines[0]).toBe('a');
    expect(lines.slice(1, -1).every((line) => line.length === 78)).toBe(true);
    expect(lines.join('').replace(/[ab ]/g, '').length).toBe(2_000_000);
    expect(lines.at(-1)).toMatch(/^x* b$/);
  });
});

describe('a commented-out command', () => {
  it('breaks as the command it is, each line still a comment, so uncommenting it gives the command', () => {
    // leaked-ipam on Calico v3.13: the calicoctl steps are comments until Calico is upgraded.
    const line =
      '#   export DATASTORE_TYPE=kubernetes KUBECONFIG=/var/snap/microk8s/current/credentials/client.config';
    const lines = wrapShell(line, 60);
    expect(lines).toEqual([
      '#   export DATASTORE_TYPE=kubernetes \\',
      '#       KUBECONFIG=/var/snap/microk8s/current/credentials/client.config',
    ]);
    expect(lines.map((l) => l.replace(/^# {3}/, '')).join('\n')).toBe(
      'export DATASTORE_TYPE=kubernetes \\\n    KUBECONFIG=/var/snap/microk8s/current/credentials/client.config',
    );
  });
});
