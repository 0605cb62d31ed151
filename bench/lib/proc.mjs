// Processes under a pid, from Linux's /proc/<pid>/task/<tid>/children (each thread's children).
import { readdirSync, readFileSync } from 'node:fs';

/** The pids of `pid`'s child processes now; none once it has gone. */
export function childrenOf(pid) {
  const children = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const listed = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean);
      children.push(...listed.map(Number));
    }
  } catch {
    // Gone (or a thread ended) between the listing and the read.
  }
  return children;
}

/** `pid` and every process under it now. */
export function treeOf(pid) {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...childrenOf(tree[i]));
  return tree;
}
