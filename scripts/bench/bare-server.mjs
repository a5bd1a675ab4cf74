// The bench's baseline: a bare Fastify server with nothing of Clientele in it. POST parses the JSON body
// (Fastify's own parser, the same 1 MiB limit) and answers 201 with it; GET answers with a canned body the
// bench registered for that exact URL (the body Clientele gave), so both servers send the same bytes.
//   node scripts/bench/bare-server.mjs <port>
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
const canned = new Map();

app.put('/__canned', (req, reply) => {
  canned.set(req.body.url, { status: req.body.status, body: Buffer.from(req.body.body, 'utf8') });
  reply.code(204).send();
});
app.get('/__health', (_req, reply) => reply.send('ok'));
app.post('/*', (req, reply) => {
  reply.code(201).header('content-type', 'application/json').send(JSON.stringify({ id: randomUUID(), ...req.body }));
});
app.get('/*', (req, reply) => {
  const c = canned.get(req.url);
  if (!c) return reply.code(404).send({ error: { code: 'NotFound', message: `nothing canned for ${req.url}` } });
  reply.code(c.status).header('content-type', 'application/json').send(c.body);
});

await app.listen({ host: '127.0.0.1', port });
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
