// The baseline: a bare node:http server answering each path with fixed bytes and headers
// (captured from Stashboard), so the ratio measures what Stashboard adds per request.
import http from 'node:http';
import { readFileSync } from 'node:fs';

interface Fixture {
  path: string;
  headers: Record<string, string>;
  bodyFile: string;
}

const fixtures = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Fixture[];
const byPath = new Map(fixtures.map((f) => [f.path, { headers: f.headers, body: readFileSync(f.bodyFile) }]));

const server = http.createServer((req, res) => {
  const hit = byPath.get(req.url ?? '');
  if (!hit) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { ...hit.headers, 'content-length': String(hit.body.length) });
  res.end(hit.body);
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
