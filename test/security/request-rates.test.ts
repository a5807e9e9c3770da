import { errorCodes, startTestServer, wsExecute, type TestServer } from '../support/test-server';

describe('request rates: one client address, one account', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('an address over RATE_LIMIT_PER_ADDRESS_PER_MINUTE gets 429 RATE_LIMITED with Retry-After, logged in or not', async () => {
    server = await startTestServer({
      config: { requestRates: { perAddressPerMinute: 5, perAccountPerMinute: 1_000 } },
    });
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await server.gql('{ __typename }'));
    expect(answers.slice(0, 5).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    const refused = answers[5];
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.errors).toEqual([
      {
        message: expect.stringMatching(/^Too many requests from this address: try again in \d+ s$/),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      },
    ]);
    expect(answers[6].status).toBe(429);
    // A graphql-ws connection from the address spends the same budget: it is turned away too.
    const token = await server.app.services.tokens.issue('00000000-0000-7000-8000-000000000000');
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      server.wsClient({ authorization: `Bearer ${token}` }).on('closed', (event) => resolve(event as never)),
    );
    expect(closed).toEqual(
      expect.objectContaining({ code: 4429, reason: expect.stringMatching(/^Too many requests from this address/) }),
    );
  });

  it('an account over RATE_LIMIT_PER_ACCOUNT_PER_MINUTE is refused on HTTP and on graphql-ws alike', async () => {
    const perAccountPerMinute = 10;
    server = await startTestServer({ config: { requestRates: { perAddressPerMinute: 1_000, perAccountPerMinute } } });
    const { token } = await server.signUp();
    // graphql-ws operations spend the account's budget...
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    let accepted = 0;
    for (; accepted <= perAccountPerMinute; accepted++) {
      const refused = await wsExecute(client, '{ me { id } }').then(
        () => false,
        (errors: { extensions?: Record<string, unknown> }[]) => errors[0].extensions?.code === 'RATE_LIMITED',
      );
      if (refused) break;
    }
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(perAccountPerMinute);
    // ...which HTTP requests share.
    const overHttp = await server.gql('{ me { id } }', {}, { token });
    expect(overHttp.status).toBe(429);
    expect(errorCodes(overHttp)).toEqual(['RATE_LIMITED']);
    // Anonymous requests from the same address are another budget.
    expect((await server.gql('{ __typename }')).status).toBe(200);
  });
});
