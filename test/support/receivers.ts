import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface Arrival {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

export interface HttpReceiver {
  url: string;
  port: number;
  /** Every request that arrived, in order (nothing is deduplicated). */
  arrivals: Arrival[];
  /** Decides the status of each request (default 200); `n` counts from 1. */
  answer: (arrival: Omit<Arrival, 'status'>, n: number) => number;
  close(): Promise<void>;
}

/** A local HTTP server that records every request and answers as told. */
export async function startHttpReceiver(port = 0): Promise<HttpReceiver> {
  const receiver: HttpReceiver = {
    url: '',
    port: 0,
    arrivals: [],
    answer: () => 200,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const arrival = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const status = receiver.answer(arrival, receiver.arrivals.length + 1);
      receiver.arrivals.push({ ...arrival, status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  return receiver;
}

export interface SmtpSink {
  port: number;
  /** Every message that arrived, parsed, with its envelope. */
  messages: Array<{ from: string; to: string[]; mail: ParsedMail; raw: string }>;
  /** Makes the next `n` messages fail with a temporary error. */
  failNext(n: number): void;
  close(): Promise<void>;
}

/** A local SMTP server (no TLS, any login) that keeps what it receives. */
export async function startSmtpSink(): Promise<SmtpSink> {
  let failures = 0;
  const sink: SmtpSink = {
    port: 0,
    messages: [],
    failNext: (n) => {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures > 0) {
          failures -= 1;
          const error = Object.assign(new Error('try again later'), { responseCode: 451 });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((mail) => {
          sink.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            mail,
            raw,
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.port = (server.server.address() as AddressInfo).port;
  return sink;
}
