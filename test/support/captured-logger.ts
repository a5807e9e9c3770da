import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';

/** The server's logger (its redaction included), writing JSON lines the test can read (`startTestServer({ logger })`). */
export function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', 'test', stream), lines };
}
