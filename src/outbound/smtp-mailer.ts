import type { Transporter } from 'nodemailer';
import type { SmtpSettings } from '../domain/smtp-settings.ts';
import type { AddressGuard } from './address-guard.ts';

export interface MailMessage {
  to: string[];
  /** Blind copies: the members of an email list do not see each other. */
  bcc?: string[];
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/**
 * Sends email through the configured SMTP server, keeping one pooled connection per
 * distinct settings (a change of settings opens a new pool and closes the old one).
 * The server's address passes the same private-address guard as every outbound request
 * (a relay on localhost or the LAN needs --outbound-allow); the connection goes to the
 * checked address, while TLS still verifies the certificate against the host name.
 */
export class SmtpMailer {
  readonly #guard: AddressGuard;
  #key = '';
  #transport: Transporter | undefined;

  constructor(guard: AddressGuard) {
    this.#guard = guard;
  }

  async #transportFor(settings: SmtpSettings): Promise<Transporter> {
    const target = await this.#guard.resolve(settings.host);
    // Loaded when mail is first sent: deployments without email never need it.
    const { default: nodemailer } = await import('nodemailer');
    const key = JSON.stringify([settings, target.address]);
    if (this.#transport && key === this.#key) return this.#transport;
    this.#transport?.close();
    this.#key = key;
    this.#transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 5,
      host: target.address,
      port: settings.port,
      tls: { servername: settings.host },
      secure: settings.security === 'tls',
      requireTLS: settings.security === 'starttls',
      ignoreTLS: settings.security === 'none',
      ...(settings.user !== '' ? { auth: { user: settings.user, pass: settings.password } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    return this.#transport;
  }

  async send(settings: SmtpSettings, message: MailMessage): Promise<void> {
    await (
      await this.#transportFor(settings)
    ).sendMail({
      from: settings.from,
      to: message.to,
      bcc: message.bcc,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: message.headers,
    });
  }

  close(): void {
    this.#transport?.close();
    this.#transport = undefined;
  }
}
