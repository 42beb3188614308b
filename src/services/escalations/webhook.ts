import { deliverWebhook, type EscalationCase, type WebhookEventType, webhookEvent } from '../../escalation';
import type { EscalationDeps, NewId } from './deps';

/** Announces an opened or resolved case to the configured webhook, after the response; never throws. */
export type CaseNotifier = (type: WebhookEventType, c: EscalationCase) => void;

export function createCaseNotifier(
  deps: Pick<EscalationDeps, 'webhook' | 'now' | 'serviceBaseUrl' | 'background'>,
  newId: NewId,
): CaseNotifier {
  return (type, c) => {
    const webhook = deps.webhook;
    if (!webhook) return;
    const event = webhookEvent(type, c, {
      eventId: newId('evt'),
      at: deps.now(),
      serviceBaseUrl: deps.serviceBaseUrl,
    });
    deps.background(
      deliverWebhook(
        {
          fetch: webhook.fetch,
          sleep: webhook.sleep,
          now: deps.now,
          random: Math.random,
          ...(webhook.sign ? { sign: webhook.sign } : {}),
        },
        webhook.url,
        event,
        { maxAttempts: webhook.maxAttempts ?? 5, timeoutMs: webhook.timeoutMs ?? 5000 },
      ).then((delivery) => {
        if (delivery.status !== 'delivered') {
          console.warn(`escalation webhook ${type} for ${c.id} not delivered: ${JSON.stringify(delivery)}`);
        }
      }),
    );
  };
}
