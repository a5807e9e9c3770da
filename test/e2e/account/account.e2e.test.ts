import {
  AccountAuditLogDocument,
  AccountLogInDocument,
  AccountMeDocument,
  AccountSignUpDocument,
} from '../../support/graphql/documents.generated';
import { ManualClock } from '../../support/manual-clock';
import { errorCodes, startTestServer, TEST_PASSWORD, type TestServer } from '../../support/test-server';

const SIGN_UP = AccountSignUpDocument;
const LOG_IN = AccountLogInDocument;
const ME = AccountMeDocument;

describe('accounts and sessions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('signUp creates an account and answers a token that authenticates it', async () => {
    const { token, account } = await server.signUp('Ann');
    const me = await server.gql(ME, {}, { token });
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({ id: account.id, name: 'Ann', memberships: { edges: [] } });
  });

  it('signUp normalises the e-mail: trimmed and lower case', async () => {
    const response = await server.gql(SIGN_UP, {
      input: { email: '  Mixed.Case@Example.COM ', password: TEST_PASSWORD, name: 'Mixed' },
    });
    expect(response.data?.signUp.account.email).toBe('mixed.case@example.com');
  });

  it('e-mails are unique whatever their case: a second signUp answers CONFLICT', async () => {
    await server.signUp('First', 'taken@example.com');
    const response = await server.gql(SIGN_UP, {
      input: { email: 'TAKEN@example.com', password: TEST_PASSWORD, name: 'Second' },
    });
    expect(errorCodes(response)).toEqual(['CONFLICT']);
  });

  it('concurrent signUps with one e-mail create one account; the others answer CONFLICT', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 5 }, () =>
        server.gql(SIGN_UP, { input: { email: 'race@example.com', password: TEST_PASSWORD, name: 'Racer' } }),
      ),
    );
    const codes = attempts.map((attempt) => errorCodes(attempt)[0] ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
  });

  it('signUp refuses a short password, a blank name and a malformed e-mail with BAD_USER_INPUT', async () => {
    for (const input of [
      { email: 'short@example.com', password: 'short', name: 'Short' },
      { email: 'blank@example.com', password: TEST_PASSWORD, name: '   ' },
      { email: 'not-an-email', password: TEST_PASSWORD, name: 'Bad' },
      { email: '', password: TEST_PASSWORD, name: 'Empty' },
    ]) {
      const response = await server.gql(SIGN_UP, { input });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.status).toBe(input.email.includes('@') ? 200 : 400);
    }
  });

  it('logIn with the right password answers a working token, whatever the case of the e-mail', async () => {
    const { account } = await server.signUp('Logger', 'logger@example.com');
    const response = await server.gql(LOG_IN, {
      email: 'Logger@Example.com',
      password: TEST_PASSWORD,
    });
    expect(response.data?.logIn.account.id).toBe(account.id);
    const me = await server.gql(ME, {}, { token: response.data!.logIn.token });
    expect(me.data?.me.id).toBe(account.id);
  });

  it('a wrong password and an unknown e-mail answer the same error', async () => {
    await server.signUp('Victim', 'victim@example.com');
    const wrongPassword = await server.gql(LOG_IN, { email: 'victim@example.com', password: 'wrong password' });
    const unknownEmail = await server.gql(LOG_IN, { email: 'nobody@example.com', password: 'wrong password' });
    expect(wrongPassword.errors).toEqual(unknownEmail.errors);
    expect(errorCodes(wrongPassword)).toEqual(['UNAUTHENTICATED']);
  });

  it('a wrong password and an unknown e-mail take about the same time (a decoy hash is checked)', async () => {
    // A cost where the KDF (~50 ms) outweighs the rest of the request, as it does in production.
    const timed = await startTestServer({ config: { passwordHashLog2Cost: 14 } });
    try {
      await timed.signUp('Timed', 'timed@example.com');
      const median = async (email: string) => {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          await timed.gql(LOG_IN, { email, password: 'wrong password' });
          times.push(performance.now() - started);
        }
        return times.sort((a, b) => a - b)[2];
      };
      const known = await median('timed@example.com');
      const unknown = await median('unknown@example.com');
      // Without the decoy, an unknown e-mail skips the KDF and answers an order of magnitude faster.
      expect(unknown / known).toBeGreaterThan(0.33);
      expect(unknown / known).toBeLessThan(3);
    } finally {
      await timed.close();
    }
  });

  it('me without a token answers UNAUTHENTICATED', async () => {
    expect(errorCodes(await server.gql(ME, {}))).toEqual(['UNAUTHENTICATED']);
  });

  it('a forged, malformed or expired token answers UNAUTHENTICATED with HTTP 401', async () => {
    const { token } = await server.signUp();
    const [header, payload] = token.split('.');
    for (const bad of [`${header}.${payload}.forged-signature`, 'not-a-jwt', '']) {
      const response = await server.gql(ME, {}, { headers: { authorization: `Bearer ${bad}` } });
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('signUp, the e-mail verification and logIn are written to the event log', async () => {
    const { token, account } = await server.signUp();
    await server.gql(LOG_IN, { email: account.email, password: TEST_PASSWORD });
    const log = await server.gql(AccountAuditLogDocument, {}, { token });
    expect(log.data?.auditLog.edges.map((edge) => edge.node)).toEqual([
      { action: 'account.logged_in', targetId: account.id },
      { action: 'account.email_verified', targetId: account.id },
      { action: 'account.signed_up', targetId: account.id },
    ]);
  });
});

describe('token expiry', () => {
  it('a token past its expiry answers UNAUTHENTICATED', async () => {
    const clock = new ManualClock();
    const server = await startTestServer({ clock, config: { jwtTtlSeconds: 60 } });
    try {
      const { token } = await server.signUp();
      expect(errorCodes(await server.gql(ME, {}, { token }))).toEqual([]);
      clock.advance(61_000);
      expect(errorCodes(await server.gql(ME, {}, { token }))).toEqual(['UNAUTHENTICATED']);
    } finally {
      await server.close();
    }
  });
});
