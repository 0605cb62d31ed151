// The built dqlite-agent as a child process: what the DaemonSet and the systemd unit run.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Analysis } from '@dqlite-analyzer/core';

export const AGENT_MAIN = fileURLToPath(new URL('../../packages/agent/dist/main.js', import.meta.url));

export interface AgentProcess {
  url: string;
  child: ChildProcess;
  /** Everything it logged (pino JSON lines) so far. */
  output(): string;
  get(path: string): Promise<{ status: number; text: string }>;
  /** SIGTERM and wait for the exit code (bounded). */
  stop(): Promise<number | null>;
}

/** Start the agent on a free loopback port and wait until it listens. */
export async function startAgentProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<AgentProcess> {
  const child = spawn(process.execPath, [AGENT_MAIN, '--listen', '127.0.0.1:0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr!.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not listen within 20 s:\n${output}`)), 20_000);
    const check = () => {
      const match = /Server listening at (https?:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${code}:\n${output}`));
    });
  });
  let url: string;
  try {
    url = await listening;
  } catch (error) {
    // Never leave an agent behind when the test gives up on it.
    child.kill('SIGKILL');
    throw error;
  }
  let exited: Promise<number | null> | undefined;
  return {
    url,
    child,
    output: () => output,
    async get(path) {
      const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
      return { status: response.status, text: await response.text() };
    },
    stop() {
      exited ??= new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.kill('SIGTERM');
      });
      return exited;
    },
  };
}

/** The agent's analysis of the snapshot file `name`, once /api/v1/analysis publishes it (bounded). */
export async function analysisOf(agent: AgentProcess, name: string, ms = 90_000): Promise<Analysis> {
  const deadline = Date.now() + ms;
  for (;;) {
    const response = await agent.get('/api/v1/analysis');
    if (response.status === 200) {
      const analysis = JSON.parse(response.text) as Analysis;
      if (analysis.source.dataFile.endsWith(name)) return analysis;
    }
    if (Date.now() > deadline) throw new Error(`${name} not analysed:\n${agent.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
