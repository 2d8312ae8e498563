import { performance } from 'node:perf_hooks';
import { OutboxRepository } from '../../platform/src/modules/notifications/outbox.repository';
import { OutboxService } from '../../platform/src/modules/notifications/outbox.service';
import type { OutboxMessage } from '../../platform/src/modules/notifications/outbox-port';
import { ServiceHarness } from '../support/service-harness';
import { SmtpSink } from '../support/smtp-sink';

/**
 * The notifications outbox end to end: `count` e-mails (to a real SMTP server on loopback,
 * `smtp-server`) and `count` inbox messages (to the demo customers' accounts), each enqueued
 * twice as a replayed event would. Delivered per second runs from the first enqueue to the
 * last e-mail accepted by the SMTP server; duplicate sends are counted at the SMTP server by
 * the `X-Notification-Id` header, and must be 0. The platform's features run as in production
 * on an in-memory PGlite (ServiceHarness, no HTTP).
 */
export async function benchNotifications(count: number): Promise<Record<string, unknown>> {
  const smtp = await SmtpSink.start();
  const h = await ServiceHarness.start({ env: { SMTP_URL: smtp.url } });
  try {
    const outbox = h.get(OutboxService);
    const users = (
      await h.db.query<{ id: string }>("SELECT id FROM users WHERE role = 'customer' ORDER BY id LIMIT 50")
    ).map((r) => r.id);
    const messages: OutboxMessage[] = [];
    for (let i = 0; i < count; i++) {
      const common = {
        kind: 'request_updated' as const,
        language: i % 2 ? ('zh-CN' as const) : ('en' as const),
        subject: `Bench ${i}`,
        body: `Message ${i} of the notifications benchmark`,
        urgent: false,
      };
      messages.push({
        ...common,
        idempotencyKey: `bench:${i}:email`,
        channel: 'email',
        address: `bench${i % 500}@example.net`,
      });
      messages.push({
        ...common,
        idempotencyKey: `bench:${i}:inbox`,
        channel: 'inbox',
        recipientUserId: users[i % users.length],
      });
    }
    const started = performance.now();
    // every event replayed: the second enqueue of each key must change nothing
    const enqueueAll = async (batch: OutboxMessage[]) => {
      for (let i = 0; i < batch.length; i += 50)
        await Promise.all(batch.slice(i, i + 50).map((m) => outbox.enqueue(m)));
    };
    await enqueueAll(messages);
    const enqueueMs = performance.now() - started;
    await enqueueAll(messages);
    while (smtp.received.length < count) {
      await outbox.runDue();
      if (performance.now() - started > 600_000)
        throw new Error(`only ${smtp.received.length} of ${count} e-mails arrived`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const deliveredMs = performance.now() - started;
    // anything more still on its way would show as a duplicate
    await outbox.runDue();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ids = smtp.received.map((m) => m.notificationId);
    const rows = await h.get(OutboxRepository).count();
    const states = await h.db.query<{ state: string; n: string | number }>(
      'SELECT state, count(*) AS n FROM notification_outbox GROUP BY state',
    );
    return {
      name: 'notifications-outbox-pglite',
      notifications: count * 2,
      emails: count,
      inbox: count,
      enqueuedTwice: true,
      storedRows: rows,
      states: Object.fromEntries(states.map((s) => [s.state, Number(s.n)])),
      enqueuedPerS: Math.round((count * 2) / (enqueueMs / 1000)),
      deliveredPerS: Math.round((count * 2) / (deliveredMs / 1000)),
      emailsPerS: Math.round(count / (deliveredMs / 1000)),
      duplicateSends: ids.length - new Set(ids).size,
      missingEmails: count - new Set(ids).size,
    };
  } finally {
    await h.close();
    await smtp.close();
  }
}
