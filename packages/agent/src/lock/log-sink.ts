import { EventEmitter } from 'node:events';
import { type LogEvent, parseLogLine } from './log-line.js';
import type { LockWindows } from './windows.js';

// k8s-dqlite keeps all of kine in one database, named k8s (pkg/server/server.go).
const KINE_DATABASE = 'k8s';

/**
 * Where parsed log lines go: lock errors into the windows, RBAC denials counted here.
 * Shared by the file and journal sources. Emits 'forbidden' (service account).
 */
export class LogSink extends EventEmitter {
  lines = 0;
  constructor(private readonly windows: LockWindows) {
    super();
  }

  /**
   * Feed one line. `at` is the time the source knows (read time for a file, the journal's own
   * timestamp); with `preferLineTime` the line's own timestamp wins when it has one, so a file
   * read in bursts keeps the spacing of its errors.
   */
  line(text: string, at: number, preferLineTime: boolean): LogEvent | undefined {
    this.lines += 1;
    const event = parseLogLine(text, at);
    if (!event) return undefined;
    if (event.kind === 'lock') {
      this.windows.record({
        source: 'logs',
        at: preferLineTime ? (event.at ?? at) : at,
        tries: event.tries,
        key: event.key,
        prefix: event.prefix,
        database: KINE_DATABASE,
      });
    } else {
      this.emit('forbidden', event.serviceAccount);
    }
    return event;
  }
}
