import { AcceptShareDocument, type DataCenter } from '../support/graphql/documents.generated';
import {
  errorCodes,
  startTestServer,
  TEST_ACCOUNT_LIMITS,
  type GraphQLResponse,
  type TestServer,
} from '../support/test-server';
import { World } from '../support/world';

const BURST = 300;

/** One refusal or success of acceptShare, by what it says. */
function outcome(response: GraphQLResponse): string {
  const [error] = response.errors ?? [];
  if (!error) return 'ACCEPTED';
  if (/^Wrong confirmation code/.test(error.message)) return 'WRONG_CODE';
  return String(error.extensions?.code);
}

const tally = (outcomes: string[]) =>
  outcomes.reduce<Record<string, number>>((counts, name) => ({ ...counts, [name]: (counts[name] ?? 0) + 1 }), {});

/** `count` different 6-digit codes, none of them `right`. */
const wrongCodes = (right: string, count: number) =>
  Array.from({ length: count }, (_, i) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0'));

/** A server with a sharing team, and a way to make PENDING shares to new recipients on it. */
async function sharingOn(server: TestServer) {
  const world = new World(server);
  const acme = await world.team('Acme');

  /** A recipient with an enterprise in `dataCenter`, and a PENDING share to them. */
  async function pendingShare(dataCenter: DataCenter = 'EU') {
    const recipient = await world.person('Recipient', dataCenter);
    const { shareId, confirmationCode } = await world.share(acme, recipient, [await world.device(acme)]);
    const attempt = (code: string) =>
      server.gql(
        AcceptShareDocument,
        { input: { shareId, code, enterpriseId: recipient.enterpriseId } },
        { token: recipient.token },
      );
    const row = async () => {
      const [stored] = await server.app.db.dataSource.query(
        `SELECT status, "codeFailures" FROM share WHERE id = '${shareId}'`,
      );
      return { status: stored.status as string, codeFailures: Number(stored.codeFailures) };
    };
    return { sharer: acme.admin, recipient, shareId, code: confirmationCode, attempt, row };
  }

  return pendingShare;
}

describe('confirmation codes: at most five are ever compared for one share', () => {
  let server: TestServer;
  let pendingShare: Awaited<ReturnType<typeof sharingOn>>;

  beforeAll(async () => {
    // Every attempt of a burst reaches the comparison: the per-account budget is tested below.
    server = await startTestServer({
      config: { accountLimits: { ...TEST_ACCOUNT_LIMITS, acceptShareFailuresPerAccount: 10_000 } },
    });
    pendingShare = await sharingOn(server);
  });
  afterAll(() => server.close());

  it(`${BURST} concurrent wrong codes: at most five are compared, the share records five, the rest are refused`, async () => {
    const { code, attempt, row } = await pendingShare();
    const outcomes = (await Promise.all(wrongCodes(code, BURST).map(attempt))).map(outcome);
    const counts = tally(outcomes);
    expect(Object.keys(counts).filter((name) => !['WRONG_CODE', 'CODE_LOCKED'].includes(name))).toEqual([]);
    // The fifth wrong code already answers CODE_LOCKED.
    expect(counts.WRONG_CODE ?? 0).toBeLessThanOrEqual(4);
    expect(counts.CODE_LOCKED).toBeGreaterThan(0);
    expect(await row()).toEqual({ status: 'PENDING', codeFailures: 5 });
  });

  it('a right code within a concurrent burst of wrong ones is accepted only if it was among the five compared', async () => {
    // Every attempt reaches the code; the right one is last.
    for (let run = 0; run < 3; run++) {
      const { code, attempt, row } = await pendingShare();
      const outcomes = (await Promise.all([...wrongCodes(code, BURST - 1), code].map(attempt))).map(outcome);
      const stored = await row();
      expect(stored.codeFailures).toBeLessThanOrEqual(5);
      const counts = tally(outcomes);
      expect(counts.RATE_LIMITED).toBeUndefined();
      if (outcomes[BURST - 1] === 'ACCEPTED') {
        expect(stored.status).toBe('ACTIVE');
        expect(counts.WRONG_CODE ?? 0).toBeLessThanOrEqual(4);
      } else {
        expect(outcomes[BURST - 1]).toBe('CODE_LOCKED');
        expect(stored).toEqual({ status: 'PENDING', codeFailures: 5 });
      }
      expect(counts.ACCEPTED ?? 0).toBe(outcomes[BURST - 1] === 'ACCEPTED' ? 1 : 0);
    }
  });

  it('the right code after a concurrent burst of wrong ones is CODE_LOCKED, until the invitation is re-sent', async () => {
    const { sharer, shareId, code, attempt, row } = await pendingShare();
    await Promise.all(wrongCodes(code, 20).map(attempt));
    expect(errorCodes(await attempt(code))).toEqual(['CODE_LOCKED']);
    expect(await row()).toEqual({ status: 'PENDING', codeFailures: 5 });
    const resent = await server.gql<{ resendShareInvitation: { confirmationCode: string } }>(
      `mutation ($id: ID!) { resendShareInvitation(shareId: $id) { confirmationCode } }`,
      { id: shareId },
      { token: sharer.token },
    );
    expect(errorCodes(await attempt(resent.data!.resendShareInvitation.confirmationCode))).toEqual([]);
    expect((await row()).status).toBe('ACTIVE');
  });

  it('wrong codes count down in their message; a right code refused for another reason uses up no attempt', async () => {
    const { code, attempt, row } = await pendingShare('US');
    const [wrong] = wrongCodes(code, 1);
    expect((await attempt(wrong)).errors?.[0].message).toBe('Wrong confirmation code: 4 attempts left');
    // The recipient's enterprise is in the US, the devices in the EU.
    for (let i = 0; i < 6; i++) expect(errorCodes(await attempt(code))).toEqual(['DATA_CENTER_MISMATCH']);
    expect(await row()).toEqual({ status: 'PENDING', codeFailures: 1 });
    expect((await attempt(wrong)).errors?.[0].message).toBe('Wrong confirmation code: 3 attempts left');
  });
});

describe('failed acceptShare attempts are limited per account (ACCEPT_SHARE_FAILURES_PER_ACCOUNT)', () => {
  let server: TestServer;
  let pendingShare: Awaited<ReturnType<typeof sharingOn>>;

  beforeAll(async () => {
    server = await startTestServer();
    pendingShare = await sharingOn(server);
  });
  afterAll(() => server.close());

  it('acceptShare is limited per account: 30 failed attempts in 15 minutes, whatever shares they target; accepted ones do not count', async () => {
    const first = await pendingShare();
    const second = await pendingShare();
    const recipient = first.recipient;
    const nowhere = (i: number) =>
      server.gql(
        AcceptShareDocument,
        { input: { shareId: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`, code: '123456' } },
        { token: recipient.token },
      );
    for (let i = 0; i < 29; i++) expect(errorCodes(await nowhere(i))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await first.attempt(first.code))).toEqual([]);
    expect(errorCodes(await nowhere(29))).toEqual(['NOT_FOUND']);
    const refused = await first.attempt(first.code);
    expect(refused.errors).toMatchObject([
      {
        message: expect.stringMatching(/^Too many failed attempts to accept a share: try again in \d+ s$/),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      },
    ]);
    expect(refused.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(14 * 60);
    // Another account has a budget of its own.
    expect(errorCodes(await second.attempt(second.code))).toEqual([]);
  });
});
