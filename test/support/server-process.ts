import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface Started {
  pid: number;
  exit: Promise<{ code: number | null; stderr: string; stdout: string }>;
  port: Promise<number>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs `src/main.ts` as `npm start` does, in a process of its own. */
export function startProcess(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    // Every request of a test comes from 127.0.0.1: one address's rate would be the whole test's.
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10000000',
      RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: '10000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let listening: (port: number) => void;
  let failedToStart: (error: Error) => void;
  const port = new Promise<number>((resolve, reject) => ((listening = resolve), (failedToStart = reject)));
  // A test that only awaits `exit` must not see the start failure as an unhandled rejection.
  port.catch(() => {});
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const match = /"port":(\d+)/.exec(stdout);
    if (match) listening(Number(match[1]));
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) =>
    child.on('exit', (code) => {
      failedToStart(new Error(`the server exited (${code}) before listening: ${stderr || stdout}`));
      resolve({ code, stderr, stdout });
    }),
  );
  return { pid: child.pid!, exit, port, kill: (signal) => child.kill(signal) };
}
