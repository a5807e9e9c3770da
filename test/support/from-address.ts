import { request } from 'node:http';
import type { GraphQLResponse } from './test-server';

/**
 * Runs an operation over HTTP from another local (loopback) address, e.g. 127.0.0.2, as a second
 * client would: the server sees that address as the client's (every other test request comes
 * from 127.0.0.1), for limits that count per client address.
 */
export function gqlFrom(
  localAddress: string,
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: new Headers(), ...JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
