import type { SmtpSettings } from '../domain/smtp-settings.ts';

/** An email as the delivery worker hands it to the mailer. */
export interface OutgoingMail {
  to: string[];
  bcc?: string[];
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/** POSTs a JSON body; resolves with the receiver's status, rejects on network or guard refusal. */
export type JsonPoster = (url: string, body: string, headers: Record<string, string>) => Promise<{ status: number }>;
export type MailSender = (settings: SmtpSettings, mail: OutgoingMail) => Promise<void>;

/** The outbound I/O the delivery worker uses, injected so tests and instances choose them. */
export interface DeliveryTransports {
  postJson: JsonPoster;
  sendMail: MailSender;
}
