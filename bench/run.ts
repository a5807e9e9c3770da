import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { environment, formatTable, type Part, type PartResult, type Size } from './bench-kit';
import { expiryPart } from './parts/expiry.bench';
import { fanoutPart } from './parts/fanout.bench';
import { graphPart } from './parts/graph.bench';
import { lifecyclePart } from './parts/lifecycle.bench';

const PARTS: Part[] = [graphPart, fanoutPart, lifecyclePart, expiryPart];
const SIZES: Size[] = ['tiny', 'default', 'large'];
const RESULTS_FILE = join(__dirname, 'results', 'latest.json');

/** `npm run bench -- [part …] [--size tiny|default|large]`: runs the parts, prints, writes the results. */
export async function runBench(argv: string[], resultsFile = RESULTS_FILE): Promise<PartResult[]> {
  const sizeAt = argv.indexOf('--size');
  const size = (sizeAt >= 0 ? argv[sizeAt + 1] : 'default') as Size;
  if (!SIZES.includes(size)) throw new Error(`--size must be one of ${SIZES.join(', ')}, got "${argv[sizeAt + 1]}"`);
  const names = argv.filter((arg, i) => !arg.startsWith('--') && !(sizeAt >= 0 && i === sizeAt + 1));
  const unknown = names.filter((name) => !PARTS.some((part) => part.name === name));
  if (unknown.length) {
    throw new Error(`unknown part ${unknown.join(', ')}: choose from ${PARTS.map((part) => part.name).join(', ')}`);
  }
  const chosen = names.length ? PARTS.filter((part) => names.includes(part.name)) : PARTS;
  const env = environment();
  console.log(
    `devshare bench · size ${size} · ${env.cores} cores, ${env.memoryGiB} GiB · ${env.cpu} · node ${env.node} · ${env.commit}`,
  );
  const results: PartResult[] = [];
  for (const part of chosen) {
    const result = await part.run(size);
    results.push(result);
    console.log(`\n== ${result.part}: ${result.workload}\n${formatTable(result.rows)}`);
    for (const note of result.notes) console.log(`  · ${note}`);
  }
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify({ ...env, size, parts: results }, null, 2)}\n`);
  console.log(`\nwritten to ${resultsFile}`);
  return results;
}

if (require.main === module) {
  runBench(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
