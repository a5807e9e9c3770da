import { addressBucket } from '../../src/common/rate-limits';
import type { AccountLimits } from '../../src/config';
import { gqlFrom } from '../support/from-address';
import {
  errorCodes,
  startTestServer,
  TEST_ACCOUNT_LIMITS,
  TEST_PASSWORD,
  type GraphQLResponse,
} from '../support/test-server';

/*
 * Issue 11: "10 wrong passwords for someone else's e-mail lock the owner out for 15 minutes, even
 * with the right password" and "300 failed logIns for 300 e-mails from one address: no limit;
 * signUp unlimited (50 accounts in one aliased request)".
 */

const LOG_IN = `mutation ($email: Email!, $password: String!) { logIn(email: $email, password: $password) { token } }`;
/** The test's own requests come from 127.0.0.1; the owner's from here. */
const OTHER_ADDRESS = '127.0.0.2';

const retryAfter = (response: GraphQLResponse) => response.errors?.[0].extensions?.retryAfterSeconds as number;
const pause = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function serverWith(accountLimits: Partial<AccountLimits>) {
  const server = await startTestServer({
    config: {
      accountLimits: { ...TEST_ACCOUNT_LIMITS, ...accountLimits },
    },
  });
  return server;
}

describe('login throttling per e-mail and address', () => {
  it('10 wrong passwords from one address do not lock the owner out: the owner logs in from another address', async () => {
    const server = await serverWith({ loginFailuresBeforeDelay: 3 });
    try {
      const owner = await server.signUp('Owner');
      const codes: unknown[] = [];
      for (let attempt = 0; attempt < 10; attempt++) {
        codes.push(
          errorCodes(await server.gql(LOG_IN, { email: owner.account.email, password: `guess ${attempt}` }))[0],
        );
      }
      expect(codes).toEqual([...Array(3).fill('UNAUTHENTICATED'), ...Array(7).fill('RATE_LIMITED')]);
      // The attacker's address waits, even with the right password …
      const fromAttacker = await server.gql(LOG_IN, { email: owner.account.email, password: TEST_PASSWORD });
      expect(errorCodes(fromAttacker)).toEqual(['RATE_LIMITED']);
      // … the owner, elsewhere, does not.
      const fromOwner = await gqlFrom(OTHER_ADDRESS, server.url, LOG_IN, {
        email: owner.account.email,
        password: TEST_PASSWORD,
      });
      expect(errorCodes(fromOwner)).toEqual([]);
      expect(fromOwner.data?.logIn).toEqual({ token: expect.any(String) });
    } finally {
      await server.close();
    }
  });

  it('after the free failures, each further failure of the pair doubles its wait: 1 s, 2 s, 4 s', async () => {
    const server = await serverWith({ loginFailuresBeforeDelay: 2 });
    try {
      const { account } = await server.signUp('Target');
      const guess = () => server.gql(LOG_IN, { email: account.email, password: 'wrong guess' });
      expect(errorCodes(await guess())).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes(await guess())).toEqual(['UNAUTHENTICATED']);
      const waits: number[] = [];
      for (let round = 0; round < 3; round++) {
        const refused = await guess();
        expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
        waits.push(retryAfter(refused));
        await pause(retryAfter(refused));
        expect(errorCodes(await guess())).toEqual(['UNAUTHENTICATED']);
      }
      expect(waits).toEqual([1, 2, 4]);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('a burst of concurrent guesses gets no more password checks than the free failures and one delayed attempt', async () => {
    const server = await serverWith({ loginFailuresBeforeDelay: 3 });
    try {
      const { account } = await server.signUp('Burst');
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => server.gql(LOG_IN, { email: account.email, password: `burst ${i}` })),
      );
      const checked = answers.filter((answer) => errorCodes(answer)[0] === 'UNAUTHENTICATED').length;
      expect(checked).toBeLessThanOrEqual(4);
      expect(
        answers.every((answer) => ['UNAUTHENTICATED', 'RATE_LIMITED'].includes(errorCodes(answer)[0] as string)),
      ).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('a successful logIn clears the failures of its e-mail and address', async () => {
    const server = await serverWith({ loginFailuresBeforeDelay: 3 });
    try {
      const { account } = await server.signUp('Forgetful');
      for (let round = 0; round < 3; round++) {
        for (let attempt = 0; attempt < 2; attempt++) {
          const failed = await server.gql(LOG_IN, { email: account.email, password: 'wrong password' });
          expect(errorCodes(failed)).toEqual(['UNAUTHENTICATED']);
        }
        expect(errorCodes(await server.gql(LOG_IN, { email: account.email, password: TEST_PASSWORD }))).toEqual([]);
      }
    } finally {
      await server.close();
    }
  });
});

describe('per-address budgets', () => {
  it('300 failed logIns for 300 e-mails from one address get RATE_LIMITED after the 20 the address may fail', async () => {
    const server = await serverWith({ loginFailuresPerAddress: 20 });
    try {
      const owner = await server.signUp('Elsewhere');
      const codes: unknown[] = [];
      for (let i = 0; i < 300; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, (_, j) =>
            server.gql(LOG_IN, { email: `victim${i + j}@example.com`, password: 'Password123!' }),
          ),
        );
        codes.push(...batch.map((answer) => errorCodes(answer)[0]));
      }
      expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(20);
      expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(280);
      // Other addresses keep their own budget.
      const elsewhere = await gqlFrom(OTHER_ADDRESS, server.url, LOG_IN, {
        email: owner.account.email,
        password: TEST_PASSWORD,
      });
      expect(errorCodes(elsewhere)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('signUp is limited per address, counting every call, also the aliases of one request', async () => {
    const server = await serverWith({ signUpsPerAddress: 10 });
    try {
      const aliases = Array.from(
        { length: 12 },
        (_, i) =>
          `a${i}: signUp(input: { email: "alias${i}@example.com", password: "${TEST_PASSWORD}", name: "Alias" }) { token }`,
      );
      // signUp answers a non-null payload, so the first refusal ends the request (and nulls its data).
      const burst = await server.gql(`mutation { ${aliases.join(' ')} }`);
      expect(errorCodes(burst)).toEqual(['RATE_LIMITED']);
      expect(retryAfter(burst)).toBeGreaterThan(0);
      const [{ count }] = (await server.app.db.dataSource.query(`SELECT COUNT(*) AS count FROM account`)) as {
        count: string | number;
      }[];
      expect(Number(count)).toBe(10);
      const afterwards = await server.gql(
        `mutation { signUp(input: { email: "late@example.com", password: "${TEST_PASSWORD}", name: "Late" }) { token } }`,
      );
      expect(errorCodes(afterwards)).toEqual(['RATE_LIMITED']);
      const otherAddress = await gqlFrom(
        OTHER_ADDRESS,
        server.url,
        `mutation { signUp(input: { email: "other@example.com", password: "${TEST_PASSWORD}", name: "Other" }) { token } }`,
      );
      expect(errorCodes(otherAddress)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('what counts as one address', () => {
  it('an IPv4 address counts alone, an IPv6 address with the rest of its /64 (one subscriber rotates through it at will)', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    const sameSubscriber = ['2001:db8:1:2::7', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:DB8:0001:0002:a:b:c:d'];
    expect(new Set(sameSubscriber.map(addressBucket))).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(addressBucket('2001:db8:1:3::7')).toBe('2001:db8:1:3::/64');
  });
});
