import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/*
 * The fan-out baseline: a bare `ws` server, in a process of its own like devshare's, that sends
 * one payload to every open socket when POST /broadcast asks it to. No GraphQL, no database, no
 * per-subscriber rights check: the floor for pushing one message to N sockets from Node.
 */
const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const message = JSON.stringify({ at: new Date().toISOString(), payload: body });
    for (const socket of sockets.clients) socket.send(message);
    res.writeHead(204).end();
  });
});
const sockets = new WebSocketServer({ server });
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});
process.once('SIGTERM', () => process.exit(0));
