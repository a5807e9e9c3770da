import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench } from '../bench/run';

/* Keeps `npm run bench` working: every part at its tiny size. The figures themselves are not checked here. */
describe('npm run bench', () => {
  it('runs every part at --size tiny, prints its table and writes the results file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devshare-bench-smoke-'));
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const file = join(dir, 'latest.json');
      const results = await runBench(['--size', 'tiny'], file);
      expect(results.map((result) => result.part)).toEqual(['graph', 'fanout', 'lifecycle', 'expiry']);
      for (const result of results) expect(result.rows.length).toBeGreaterThan(0);
      const written = JSON.parse(readFileSync(file, 'utf8'));
      expect(written).toMatchObject({ size: 'tiny', parts: results });
      expect(log.mock.calls.flat().join('\n')).toContain('== lifecycle:');
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('names an unknown part or size in its error', async () => {
    await expect(runBench(['graphs'])).rejects.toThrow(
      'unknown part graphs: choose from graph, fanout, lifecycle, expiry',
    );
    await expect(runBench(['--size', 'huge'])).rejects.toThrow(
      '--size must be one of tiny, default, large, got "huge"',
    );
  });
});
