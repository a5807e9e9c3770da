import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { ConfigError, loadConfig } from '../../src/config';
import { Account } from '../../src/modules/account/account.entity';
import { PasswordHasher } from '../../src/modules/account/password';
import { errorCodes, startTestServer, TEST_PASSWORD, type TestServer } from '../support/test-server';

/*
 * Issue 11: "JWTs without `exp` accepted; scrypt N=2^14 (OWASP minimum 2^17); any 8 characters
 * accepted as a password".
 */

const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`;
const LOG_IN = `mutation ($email: Email!, $password: String!) { logIn(email: $email, password: $password) { token } }`;
const ME = `{ me { id } }`;

describe('session tokens', () => {
  const secret = randomBytes(32);
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { jwtSecret: secret } });
  });
  afterAll(() => server.close());

  /** A token signed with the server's own secret, with the claims given. */
  const handSigned = (claims: { sub?: string; iat?: number; exp?: number }) => {
    let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('devshare');
    if (claims.sub) jwt = jwt.setSubject(claims.sub);
    if (claims.iat) jwt = jwt.setIssuedAt(claims.iat);
    if (claims.exp) jwt = jwt.setExpirationTime(claims.exp);
    return jwt.sign(secret);
  };

  it('a correctly signed token without exp (or without iat or sub) answers UNAUTHENTICATED', async () => {
    const { account } = await server.signUp();
    const now = Math.floor(Date.now() / 1000);
    // The same token with every claim works: only the missing claim makes the difference.
    const complete = await handSigned({ sub: account.id, iat: now, exp: now + 600 });
    expect(errorCodes(await server.gql(ME, {}, { token: complete }))).toEqual([]);
    for (const token of [
      await handSigned({ sub: account.id, iat: now }),
      await handSigned({ sub: account.id, exp: now + 600 }),
      await handSigned({ iat: now, exp: now + 600 }),
    ]) {
      const response = await server.gql(ME, {}, { token });
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('password policy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('signUp refuses a password under 12 characters, a common one and one made of the e-mail, with BAD_USER_INPUT and a plain message', async () => {
    const refusals = [
      ['elevenchars', 'at least 12 characters'],
      ['password1234', 'too common or too easy to guess'],
      ['qwertyuiop123', 'too common or too easy to guess'],
      ['Password1234!', 'too common or too easy to guess'],
      ['aaaaaaaaaaaaaaaa', 'too common or too easy to guess'],
      ['marguerite.dupont2024', 'too common or too easy to guess'],
    ];
    for (const [password, message] of refusals) {
      const response = await server.gql(SIGN_UP, {
        input: { email: 'marguerite.dupont@example.com', password, name: 'Marguerite Dupont' },
      });
      expect({ password, codes: errorCodes(response) }).toEqual({ password, codes: ['BAD_USER_INPUT'] });
      expect(response.errors![0].message).toContain(message);
    }
  });

  it('long, unpredictable passwords are accepted (the test password and the demo password among them)', async () => {
    for (const password of [TEST_PASSWORD, 'devshare-demo', 'plum tractor wizard 42']) {
      const response = await server.gql(SIGN_UP, {
        input: { email: `${randomBytes(4).toString('hex')}@example.com`, password, name: 'Fine' },
      });
      expect({ password, codes: errorCodes(response) }).toEqual({ password, codes: [] });
    }
  });
});

describe('password hashing', () => {
  it("the scrypt cost is OWASP's N = 2^17 by default, and production refuses a lower one", () => {
    const base = { JWT_SECRET: 'x'.repeat(32), DATA_DIR: '/nonexistent', SMTP_URL: 'smtp://127.0.0.1:25' };
    expect(loadConfig(base).passwordHashLog2Cost).toBe(17);
    expect(loadConfig({ ...base, PASSWORD_HASH_LOG2_COST: '12' }).passwordHashLog2Cost).toBe(12);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', PASSWORD_HASH_LOG2_COST: '16' })).toThrow(
      new ConfigError('PASSWORD_HASH_LOG2_COST', 'must be a whole number from 17 to 20, got "16"'),
    );
    expect(loadConfig({ ...base, NODE_ENV: 'production' }).passwordHashLog2Cost).toBe(17);
  });

  it('a hash at N = 2^17 (128 MiB) is made and checked within what scrypt may use', async () => {
    const hasher = new PasswordHasher(17);
    const stored = await hasher.hash(TEST_PASSWORD);
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await hasher.verify(TEST_PASSWORD, stored)).toEqual({ valid: true, needsRehash: false });
    expect(await hasher.verify('wrong password', stored)).toEqual({ valid: false, needsRehash: false });
  });

  it('a hash stored with N = 2^14 is replaced by one at the configured cost on the next successful logIn', async () => {
    const server = await startTestServer({ config: { passwordHashLog2Cost: 15 } });
    try {
      const { account } = await server.signUp('Old Timer');
      const accounts = server.app.db.dataSource.getRepository(Account);
      const weak = await new PasswordHasher(14).hash(TEST_PASSWORD);
      await accounts.update(account.id, { passwordHash: weak });

      // A wrong password changes nothing.
      expect(errorCodes(await server.gql(LOG_IN, { email: account.email, password: 'not the password' }))).toEqual([
        'UNAUTHENTICATED',
      ]);
      expect((await accounts.findOneByOrFail({ id: account.id })).passwordHash).toBe(weak);

      expect(errorCodes(await server.gql(LOG_IN, { email: account.email, password: TEST_PASSWORD }))).toEqual([]);
      const upgraded = (await accounts.findOneByOrFail({ id: account.id })).passwordHash;
      expect(upgraded).toMatch(/^scrypt\$32768\$8\$1\$/);
      // The new hash still opens the account.
      expect(errorCodes(await server.gql(LOG_IN, { email: account.email, password: TEST_PASSWORD }))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
