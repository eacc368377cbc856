import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpMailer } from '../src/outbound/smtp-mailer.ts';
import { AddressGuard, AddressRefused, parseAllowList } from '../src/outbound/address-guard.ts';
import { startSmtpSink } from './support/receivers.ts';

const mail = { to: ['ops@example.com'], subject: 'Test', text: 'Hello', html: '<p>Hello</p>' };

describe('SMTP through the address guard', () => {
  it('refuses a relay on a loopback address unless the allow-list names it, then sends', async () => {
    const sink = await startSmtpSink();
    const settings = {
      host: 'localhost',
      port: sink.port,
      security: 'none' as const,
      user: '',
      password: '',
      from: 'status@example.com',
    };
    const strict = new SmtpMailer(new AddressGuard());
    const allowed = new SmtpMailer(new AddressGuard({ allow: parseAllowList('127.0.0.1,::1') }));
    try {
      await assert.rejects(strict.send(settings, mail), AddressRefused);
      await assert.rejects(strict.send({ ...settings, host: '127.0.0.1' }, mail), AddressRefused);
      assert.equal(sink.messages.length, 0, 'nothing reached the relay');
      await allowed.send({ ...settings, host: '127.0.0.1' }, mail);
      assert.equal(sink.messages.length, 1);
      assert.equal(sink.messages[0]!.mail.subject, 'Test');
    } finally {
      strict.close();
      allowed.close();
      await sink.close();
    }
  });
});
