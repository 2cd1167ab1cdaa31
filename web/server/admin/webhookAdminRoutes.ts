import type { WebhookChannel } from '../../../ingest/webhooks/mappedEvent';
import { WEBHOOK_SOURCES } from '../../../ingest/webhooks/sources';
import { getBusiness, getWebhookSecrets } from '../../../db/registry';
import type { SecretBox } from '../../../db/secretBox';
import { listIntakeProblems, listPolicyEvents, setWebhookSecrets } from '../../../db/webhookState';
import type { RegistryStore } from '../../../db/store';
import { notFound } from '../http/apiError';
import { principalOf, requireRole, type AuthDeps } from '../auth/principal';
import { recordAction } from '../auth/auditAction';
import { createRouter } from '../http/router';
import { getIntakeProblemsRoute, getWebhookConfigRoute, putWebhookSecretsRoute } from './webhookAdminSchemas';

export interface WebhookAdminDeps extends AuthDeps {
  store: RegistryStore;
  secretBox: SecretBox;
}

// One callback path per webhook source.
const callbackUrls = (id: string) =>
  Object.fromEntries(WEBHOOK_SOURCES.map((s) => [s.channel, `/v1/webhooks/${s.channel}/${id}`])) as Record<WebhookChannel, string>;

async function config(deps: WebhookAdminDeps, id: string) {
  const business = await getBusiness(deps.store, id);
  if (!business) throw notFound(`business ${id} is not registered`);
  const accounts = (await getWebhookSecrets(deps.store, deps.secretBox, id))?.accounts ?? {};
  const ofChannel = (channel: WebhookChannel) => accounts[channel] ?? [];
  return {
    business: id,
    webhooks_configured: business.webhooksConfigured,
    accounts: { whatsapp: ofChannel('whatsapp'), messenger: ofChannel('messenger'), instagram: ofChannel('instagram') },
    callback_urls: callbackUrls(id),
  };
}

/** Admin endpoints of the webhook intake: secrets (set, rotate) and the intake-problems counter. */
export function webhookAdminRoutes(deps: WebhookAdminDeps) {
  const router = createRouter();
  const guard = requireRole('admin', deps);
  router.use('/v1/businesses/:id/webhooks', guard);
  router.use('/v1/businesses/:id/intake-problems', guard);

  router.openapi(putWebhookSecretsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const secrets = { appSecret: body.app_secret, verifyToken: body.verify_token, accounts: body.accounts };
    if (!(await setWebhookSecrets(deps.store, deps.secretBox, id, secrets))) {
      throw notFound(`business ${id} is not registered`);
    }
    // The names of what was set, never the values.
    const changed = ['app_secret', 'verify_token', ...(body.accounts === undefined ? [] : ['accounts'])];
    await recordAction(deps, { actor: principalOf(c).actor, action: 'admin.business.webhooks', target: id, filters: { changed } });
    return c.json(await config(deps, id), 200);
  });
  router.openapi(getWebhookConfigRoute, async (c) => c.json(await config(deps, c.req.valid('param').id), 200));
  router.openapi(getIntakeProblemsRoute, async (c) => {
    const { id } = c.req.valid('param');
    await config(deps, id);
    const problems = await listIntakeProblems(deps.store, id);
    const policies = await listPolicyEvents(deps.store, id);
    return c.json({
      business: id,
      total: problems.reduce((sum, p) => sum + p.count, 0),
      problems: problems.map((p) => ({ channel: p.channel, kind: p.kind, count: p.count, last_at: p.lastAt })),
      policy_events: policies.map((p) => ({ channel: p.channel, action: p.action, occurred_at: p.occurredAt })),
    }, 200);
  });
  return router;
}
