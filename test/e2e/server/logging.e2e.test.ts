import { capturedLogger } from '../../support/captured-logger';
import { errorCodes, startTestServer } from '../../support/test-server';

describe('logging', () => {
  it('writes one line per GraphQL request with its operation name, duration and request id', async () => {
    const { logger, lines } = capturedLogger();
    const server = await startTestServer({ logger });
    try {
      await server.gql('query WhoAmI { __typename }', {}, { headers: { 'x-request-id': 'req-1' } });
      const requestLines = lines.filter((line) => line.msg === 'graphql request');
      expect(requestLines).toHaveLength(1);
      expect(requestLines[0]).toMatchObject({ operationName: 'WhoAmI', requestId: 'req-1', errors: 0 });
      expect(typeof requestLines[0].durationMs).toBe('number');
    } finally {
      await server.close();
    }
  });

  it('logs an unexpected error in full with the request id, and answers it masked', async () => {
    const { logger, lines } = capturedLogger();
    const server = await startTestServer({ logger });
    try {
      const { token } = await server.signUp();
      await server.app.db.dataSource.query('DROP TABLE "audit_event"');
      const response = await server.gql(
        'mutation Create { createEnterprise(input: { name: "Broken", dataCenter: EU }) { id } }',
        {},
        { token, headers: { 'x-request-id': 'req-broken' } },
      );
      expect(errorCodes(response)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(response.errors![0].message).toBe('Internal server error');
      expect(JSON.stringify(response)).not.toMatch(/audit_event/);
      const logged = lines.find((line) => line.msg === 'unexpected error');
      expect(logged).toMatchObject({ requestId: 'req-broken', level: 50 });
      expect(JSON.stringify(logged)).toMatch(/audit_event/);
      // The failed statement's values (here the new enterprise's) stay out of the log.
      expect((logged!.err as { parameters?: unknown }).parameters).toBe('[Redacted]');
      expect(JSON.stringify(logged)).not.toMatch(/Broken/);
    } finally {
      await server.close();
    }
  });

  it('never writes a password or a token to the log', async () => {
    const { logger, lines } = capturedLogger();
    const server = await startTestServer({ logger });
    try {
      const { token } = await server.signUp('Secretive', 'secretive@example.com');
      await server.gql('{ me { id } }', {}, { token });
      const text = JSON.stringify(lines);
      expect(text).not.toContain('correct horse battery');
      expect(text).not.toContain(token);
    } finally {
      await server.close();
    }
  });
});
