import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startProcess } from '../../test/support/server-process';
import { graphqlClient } from '../../test/support/test-server';
import { startSmtp } from '../../test/support/test-smtp';
import { quantile, round, type Part, type Row, type Size } from '../bench-kit';

const LEVELS: Record<Size, number[]> = {
  tiny: [1, 10],
  default: [1, 100, 1_000, 5_000],
  large: [1, 1_000, 5_000, 10_000],
};
const EVENTS: Record<Size, number> = { tiny: 3, default: 20, large: 50 };
const CONNECT_WIDTH = 50;

/** One side of the comparison: something N sockets listen to, and a way to make it send one event. */
interface Target {
  pid: number;
  /** Opens one listening socket; `onEvent` gets the event's server timestamp (ms). */
  listen(onEvent: (sentAt: number) => void): Promise<() => void>;
  /** Makes the server send one event to every listening socket. */
  fire(): Promise<void>;
  close(): Promise<void>;
}

/** The resident memory of a process, in KiB (Linux). */
function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

async function devshareTarget(dir: string, maxEvents: number): Promise<Target> {
  // Production needs an SMTP server; the shares of this part go to e-mails without accounts, so it stays idle.
  const smtp = await startSmtp();
  const started = startProcess({
    PORT: '0',
    DATABASE_URL: `sqlite:${join(dir, 'fanout.sqlite')}`,
    DATA_DIR: dir,
    DEMO_DATA: 'false',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    WS_MAX_SOCKETS_PER_ACCOUNT: '100000',
    NODE_ENV: 'production',
    SMTP_URL: smtp.url,
  });
  const url = `http://127.0.0.1:${await started.port}/graphql`;
  const client = graphqlClient(url);
  const sharer = await client.signUp('Sharer');
  await client.gql(
    `mutation { createEnterprise(input: { name: "Fanout", dataCenter: EU }) { id } }`,
    {},
    {
      token: sharer.token,
    },
  );
  const deviceIds: string[] = [];
  for (let i = 0; i < maxEvents; i++) {
    const registered = await client.gql<{ registerDevice: { id: string } }>(
      `mutation ($serial: String!) { registerDevice(input: { serialNumber: $serial, name: "UPS", model: "M", plan: STANDARD }) { id } }`,
      { serial: `FANOUT-${i}` },
      { token: sharer.token },
    );
    deviceIds.push(registered.data!.registerDevice.id);
  }
  let fired = 0;
  return {
    pid: started.pid,
    async listen(onEvent) {
      const ws = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${sharer.token}` },
        retryAttempts: 0,
        lazy: false,
      });
      await new Promise<void>((resolve, reject) => {
        ws.on('connected', () => resolve());
        ws.on('closed', (event) => reject(new Error(`socket closed: ${(event as { code?: number }).code}`)));
      });
      ws.subscribe<{ shareStatusChanged: { at: string } }>(
        {
          query: `subscription { shareStatusChanged { cursor type at shareId status share { id status expiresAt } } }`,
        },
        {
          next: (result) => onEvent(Date.parse(result.data!.shareStatusChanged.at)),
          error: () => {},
          complete: () => {},
        },
      );
      return () => void ws.dispose();
    },
    async fire() {
      const deviceId = deviceIds[fired++];
      if (!deviceId) throw new Error('more events fired than devices registered');
      await client.gql(
        `mutation ($input: ShareDevicesInput!) { shareDevices(input: $input) { share { id } } }`,
        { input: { deviceIds: [deviceId], recipientEmail: `fanout${fired}@example.com`, permissions: ['MONITOR'] } },
        { token: sharer.token },
      );
    },
    async close() {
      started.kill('SIGTERM');
      await started.exit;
      await smtp.close();
    },
  };
}

async function bareTarget(): Promise<Target> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', 'support', 'bare-broadcast-server.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the baseline server exited (${code})`)));
  });
  // About the size of devshare's `next` message for the same event.
  const payload = 'x'.repeat(400);
  return {
    pid: child.pid!,
    async listen(onEvent) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}`);
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      socket.on('message', (data: Buffer) => onEvent(Date.parse((JSON.parse(data.toString()) as { at: string }).at)));
      return () => socket.close();
    },
    async fire() {
      await fetch(`http://127.0.0.1:${port}/broadcast`, { method: 'POST', body: payload });
    },
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** For each level: N listeners, then `events` events one after the other, each delivered to all. */
async function measure(label: string, target: Target, levels: number[], events: number): Promise<Row[]> {
  const rows: Row[] = [];
  const closers: (() => void)[] = [];
  let onEvent: (sentAt: number) => void = () => {};
  const baseRss = rssKiB(target.pid);
  try {
    for (const level of levels) {
      while (closers.length < level) {
        const batch = Math.min(CONNECT_WIDTH, level - closers.length);
        closers.push(...(await Promise.all(Array.from({ length: batch }, () => target.listen((at) => onEvent(at))))));
      }
      /** Fires one event; resolves with each listener's delay, once all `level` have it. */
      const deliver = () =>
        new Promise<number[]>((resolve, reject) => {
          const delays: number[] = [];
          const timeout = setTimeout(
            () => reject(new Error(`${label}: ${delays.length} of ${level} deliveries in 60 s`)),
            60_000,
          );
          onEvent = (sentAt) => {
            delays.push(Date.now() - sentAt);
            if (delays.length === level) {
              clearTimeout(timeout);
              resolve(delays);
            }
          };
          target.fire().catch(reject);
        });
      // The first event also tells that every subscription is in place.
      await deliver();
      await settle();
      const rssPerSocket = (rssKiB(target.pid) - baseRss) / level;
      const delays: number[] = [];
      const started = performance.now();
      for (let i = 0; i < events; i++) delays.push(...(await deliver()));
      const seconds = (performance.now() - started) / 1000;
      rows.push({
        server: label,
        subscribers: level,
        'p50 ms': quantile(delays, 0.5),
        'p99 ms': quantile(delays, 0.99),
        'max ms': Math.max(...delays),
        'events/s': round(events / seconds),
        'deliveries/s': round((events * level) / seconds),
        'RSS KiB/idle socket': level >= 1_000 ? round(rssPerSocket) : '-',
      });
    }
  } finally {
    for (const close of closers) close();
  }
  return rows;
}

/**
 * One status change delivered to 1…5,000 graphql-ws subscribers of devshare (a server process on a
 * SQLite file; the clients in this process), against a bare `ws` server broadcasting a payload of
 * the same size to the same number of sockets.
 */
export const fanoutPart: Part = {
  name: 'fanout',
  async run(size) {
    const levels = LEVELS[size];
    const events = EVENTS[size];
    const dir = mkdtempSync(join(tmpdir(), 'devshare-bench-'));
    const rows: Row[] = [];
    try {
      const devshare = await devshareTarget(dir, (events + 1) * levels.length);
      try {
        rows.push(...(await measure('devshare', devshare, levels, events)));
      } finally {
        await devshare.close();
      }
      const bare = await bareTarget();
      try {
        rows.push(...(await measure('bare ws (baseline)', bare, levels, events)));
      } finally {
        await bare.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return {
      part: 'fanout',
      workload: `${levels.join(', ')} subscribers of one account; ${events} share changes one after the other, each awaited at every subscriber; latency from the change's timestamp to receipt`,
      rows,
      notes: [
        'devshare re-reads the viewer and loads the event per subscriber per event (rights are checked at delivery): its cost grows with subscribers × events, where the bare server only serialises once',
      ],
    };
  },
};
