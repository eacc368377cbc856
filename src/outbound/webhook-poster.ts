import type { GuardedFetch } from './guarded-fetch.ts';

/** What a webhook receiver answered. */
export interface PostResult {
  status: number;
}

/**
 * POSTs a JSON body through the guarded client: the destination is checked against the
 * private-address guard on every hop, exactly as for checks. Redirects are not followed
 * (a webhook receiver answers where it is).
 */
export function webhookPoster(client: GuardedFetch, timeoutMs = 10_000) {
  return async (url: string, body: string, headers: Record<string, string>): Promise<PostResult> => {
    const answer = await client.request({
      url,
      method: 'POST',
      body,
      timeoutMs,
      maxBytes: 16 * 1024,
      maxRedirects: 0,
      headers: { 'content-type': 'application/json', ...headers },
    });
    return { status: answer.status };
  };
}
