import { ClickHouseClient } from './clickhouseClient';
import { createSchema } from './schema';
import { describeLifecycle, LIFECYCLE_DATABASE } from './testing/lifecycleSuite';
import { openChdbClient } from './testing/chdbClient';
import { startTestClickHouse } from './testing/servers';

// The ClickHouse event store's retention, erasure, identity links and merges and id prefix scan
// on one real ClickHouse 18.16 server (Debian's clickhouse-server) and on chdb (ClickHouse 26.x).

describeLifecycle('ClickHouse event store lifecycle, one 18.16 server', async () => {
  const server = await startTestClickHouse();
  const client = new ClickHouseClient({ urls: server.urls, database: LIFECYCLE_DATABASE });
  // Twice: createSchema may run at every start.
  await createSchema(client);
  await createSchema(client);
  return { client, dispose: async () => { await client.close(); await server.dispose(); } };
});

describeLifecycle('ClickHouse event store lifecycle, chdb (ClickHouse 26.x)', async () => {
  const chdb = openChdbClient(LIFECYCLE_DATABASE);
  return { client: chdb.client, dispose: async () => chdb.dispose() };
});
