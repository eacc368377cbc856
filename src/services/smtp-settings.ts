import {
  checkSmtpSettings,
  SMTP_DEFAULTS,
  smtpConfigured,
  smtpSettingsView,
  type SmtpSettings,
  type SmtpSettingsView,
} from '../domain/smtp-settings.ts';
import { checkEmail } from '../domain/accounts.ts';
import { Invalid, messageOf } from '../domain/errors.ts';
import { readSetting, writeSetting } from '../db/repositories/settings.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { testEmail } from '../notifications/emails.ts';
import { authorOf, type Actor, type Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';
import { getSiteSettings } from './site-settings.ts';
import type { MailSender } from './delivery-transports.ts';

export type { SmtpSettingsView };

export const SMTP_SETTINGS_KEY = 'smtp';

/** The stored SMTP settings (defaults when none are stored); includes the password: never show it. */
export async function readSmtpSettings(ctx: Context): Promise<SmtpSettings> {
  const stored = await readSetting<Partial<SmtpSettings>>(ctx.database.db, SMTP_SETTINGS_KEY);
  return { ...SMTP_DEFAULTS, ...(stored && typeof stored === 'object' ? stored : {}) };
}

export async function getSmtpSettings(ctx: Context, actor: Actor): Promise<SmtpSettingsView> {
  authorize(actor, 'configuration.read');
  return smtpSettingsView(await readSmtpSettings(ctx));
}

export async function updateSmtpSettings(
  ctx: Context,
  actor: Actor,
  input: Record<string, unknown>,
): Promise<SmtpSettingsView> {
  authorize(actor, 'settings.write');
  const current = await readSmtpSettings(ctx);
  const next = checkSmtpSettings(input, current);
  await inTransaction(ctx, actor, async (trx) => {
    await writeSetting(trx, SMTP_SETTINGS_KEY, next);
    await insertAuditEntries(trx, [
      { at: ctx.clock.now(), actor: authorOf(actor), action: 'smtp.updated', target: next.host },
    ]);
  });
  return smtpSettingsView(next);
}

/**
 * Sends one test email now, with the stored settings, and says what happened (the admin
 * waits for this one; notifications never wait for SMTP).
 */
export async function sendTestEmail(
  ctx: Context,
  actor: Actor,
  mailer: MailSender,
  input: { to?: string; fallbackBaseUrl: string },
): Promise<{ ok: true } | { ok: false; error: string }> {
  authorize(actor, 'settings.write');
  const to = checkEmail(input.to);
  const settings = await readSmtpSettings(ctx);
  if (!smtpConfigured(settings)) throw new Invalid('set the SMTP host and From address first', 'host');
  const site = await getSiteSettings(ctx);
  const content = testEmail({
    siteName: site.siteName,
    baseUrl: (site.siteUrl ?? input.fallbackBaseUrl).replace(/\/$/, ''),
  });
  let result: { ok: true } | { ok: false; error: string };
  try {
    await mailer(settings, { to: [to], ...content });
    result = { ok: true };
  } catch (error) {
    result = { ok: false, error: messageOf(error) };
  }
  await insertAuditEntries(ctx.database.db, [
    {
      at: ctx.clock.now(),
      actor: authorOf(actor),
      action: result.ok ? 'smtp.test-sent' : 'smtp.test-failed',
      target: to,
      detail: result.ok ? '' : result.error.slice(0, 500),
    },
  ]);
  return result;
}
