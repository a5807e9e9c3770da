import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ESLINT = join(__dirname, '..', 'node_modules', 'eslint', 'bin', 'eslint.js');

/**
 * The messages ESLint, with the project's config, gives `code` as if it were the file `filePath`
 * (in a child process: the config is an ES module, which jest's module sandbox cannot load).
 */
async function lint(code: string, filePath: string): Promise<string[]> {
  const run = spawnSync(process.execPath, [ESLINT, '--stdin', '--stdin-filename', filePath, '--format', 'json'], {
    cwd: join(__dirname, '..'),
    input: code,
    encoding: 'utf8',
  });
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('layer rules (eslint.config.mjs)', () => {
  it('src/context/ imports no module (not even an entity type), nor the server: modules register what they add', async () => {
    const refused = [expect.stringMatching(/no-restricted-imports: .*src\/context\/ imports no module/)];
    expect(
      await lint(
        `import { seeShare } from '../modules/share/share.policy';\nexport const rule = seeShare;\n`,
        'src/context/x.ts',
      ),
    ).toEqual(refused);
    expect(
      await lint(
        `import type { Account } from '../modules/account/account.entity';\nexport type A = Account;\n`,
        'src/context/x.ts',
      ),
    ).toEqual(refused);
    expect(
      await lint(
        `import { startGraphqlServer } from '../server/graphql-server';\nexport const s = startGraphqlServer;\n`,
        'src/context/x.ts',
      ),
    ).toEqual(refused);
    expect(
      await lint(`import { isId } from '../common/ids';\nexport const check = isId;\n`, 'src/context/x.ts'),
    ).toEqual([]);
  });

  it('domain rules import neither typeorm nor graphql; policies may only name their types', async () => {
    expect(
      await lint(`import { In } from 'typeorm';\nexport const any = In;\n`, 'src/modules/share/share-rules.ts'),
    ).toEqual([expect.stringMatching(/Domain rules are pure/)]);
    expect(
      await lint(
        `import { Brackets } from 'typeorm';\nexport const any = Brackets;\n`,
        'src/modules/share/share.policy.ts',
      ),
    ).toEqual([expect.stringMatching(/Policies are pure/)]);
    expect(
      await lint(
        `import type { EntityManager } from 'typeorm';\nexport type Any = EntityManager;\n`,
        'src/modules/share/share.policy.ts',
      ),
    ).toEqual([]);
  });
});
