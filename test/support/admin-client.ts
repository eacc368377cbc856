import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './harness.ts';
import { issueSetupCode } from '../../src/services/first-run.ts';
import { createUser } from '../../src/services/users.ts';
import type { Role } from '../../src/domain/accounts.ts';

/** A browser-like client over inject(): keeps cookies, reads the CSRF token from the pages it gets. */
export class AdminClient {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly t: TestApp,
    readonly address = '127.0.0.1',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    const header = response.headers['set-cookie'];
    for (const line of header === undefined ? [] : Array.isArray(header) ? header : [header]) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = /name="_csrf" value="([^"]*)"/.exec(response.body);
    if (token && token[1]) this.csrf = token[1];
    return response;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.t.inject({
        method: 'GET',
        url,
        remoteAddress: this.address,
        headers: { cookie: this.cookieHeader(), ...headers },
      }),
    );
  }

  /** Posts a form with the current CSRF token (unless the form gives its own `_csrf`). */
  async post(
    url: string,
    form: Record<string, string> = {},
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    return this.remember(
      await this.t.inject({
        method: 'POST',
        url,
        remoteAddress: this.address,
        payload: body,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
      }),
    );
  }

  async login(email: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/admin/login');
    return this.post('/admin/login', { email, password });
  }
}

export const PASSWORD = 'correct horse battery staple';

/** Creates a user directly through the use case (as the command line does). */
export async function addUser(t: TestApp, email: string, role: Role, password = PASSWORD): Promise<void> {
  await createUser(t.ctx, { kind: 'cli', name: 'test', scope: 'admin' }, { email, role, password });
}

/** A client logged in as a new user with that role. */
export async function loggedIn(t: TestApp, email: string, role: Role, address?: string): Promise<AdminClient> {
  await addUser(t, email, role);
  const client = new AdminClient(t, address);
  const response = await client.login(email, PASSWORD);
  if (response.statusCode !== 303)
    throw new Error(`login failed: ${response.statusCode} ${response.body.slice(0, 500)}`);
  await client.get('/admin');
  return client;
}

export { issueSetupCode };
