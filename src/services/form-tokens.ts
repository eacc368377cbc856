import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { insertSettingIfAbsent, readSetting } from '../db/repositories/settings.ts';
import type { Database } from '../db/connect.ts';
import type { Context } from './context.ts';

/**
 * Tokens for the forms shown before login (login, setup), where there is no session to hold a
 * CSRF token: `<nonce>.<HMAC-SHA256 of the nonce>` under a server key kept in the database (so
 * every instance shares it). A cookie value a client made up is not a valid token.
 */
export const FORM_KEY_SETTING = 'admin.form_key';

const keys = new WeakMap<Database, Promise<Buffer>>();

function formKey(ctx: Context): Promise<Buffer> {
  let key = keys.get(ctx.database);
  if (!key) {
    key = (async () => {
      await insertSettingIfAbsent(ctx.database.db, FORM_KEY_SETTING, randomBytes(32).toString('base64url'));
      return Buffer.from((await readSetting<string>(ctx.database.db, FORM_KEY_SETTING))!, 'base64url');
    })();
    keys.set(ctx.database, key);
    key.catch(() => keys.delete(ctx.database));
  }
  return key;
}

function mac(key: Buffer, nonce: string): string {
  return createHmac('sha256', key).update(`form:${nonce}`).digest('base64url');
}

export async function newFormToken(ctx: Context): Promise<string> {
  const nonce = ctx.ids.secret(24);
  return `${nonce}.${mac(await formKey(ctx), nonce)}`;
}

/** Whether the token was made by this server (compared in constant time). */
export async function formTokenValid(ctx: Context, token: string | undefined): Promise<boolean> {
  if (token === undefined || token.length > 200) return false;
  const [nonce, sent, extra] = token.split('.');
  if (!nonce || !sent || extra !== undefined || !/^[A-Za-z0-9_-]{16,100}$/.test(nonce)) return false;
  const expected = Buffer.from(mac(await formKey(ctx), nonce));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
