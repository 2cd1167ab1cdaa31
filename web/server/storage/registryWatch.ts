import { ChangeSignal } from '../../../db/postgres/changeSignal';
import type { PgStore } from '../../../db/postgres/pgStore';
import { redactedErrorMessage, type Logger } from '../logger';
import type { RegistryWatch } from '../runtime';

// The registry snapshot is reloaded this often even without a notification: one sent while this
// server's listener was reconnecting is lost, and this bounds how long a revoked key can work here.
const REGISTRY_RELOAD_MS = 10_000;
const REGISTRY_CHANNEL = 'mpa_registry_changed';

/** Businesses and keys changed by any server reach every other at once (NOTIFY), and at worst within REGISTRY_RELOAD_MS. */
export async function watchRegistry(store: PgStore, url: string, reload: () => Promise<void>, logger: Logger): Promise<RegistryWatch> {
  const reloadLogged = () => {
    reload().catch((error: unknown) => logger.error({ error: redactedErrorMessage(error) }, 'the registry could not be reloaded (retried)'));
  };
  const signal = await ChangeSignal.listen(store.pool, url, REGISTRY_CHANNEL, reloadLogged, (error) =>
    logger.warn({ error: redactedErrorMessage(error) }, 'the registry change listener lost PostgreSQL (reconnecting)'));
  const timer = setInterval(reloadLogged, REGISTRY_RELOAD_MS);
  timer.unref();
  return {
    announce: () => signal.notify(),
    stop: async () => {
      clearInterval(timer);
      await signal.close();
    },
  };
}
