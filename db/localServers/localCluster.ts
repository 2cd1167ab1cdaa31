// The local cluster for tests and for `npm run cluster`: Debian's clickhouse-server (one server, or
// shards x replicas with ZooKeeper) and a PostgreSQL, on 127.0.0.1, on free ports picked at start,
// each in its own folder under the `dir` it is given, with its logs there. Real engines to test
// against, in db/ because the storage tests need them and db/ imports nothing above it; the
// product's code never starts them (the CLI in web/tools/cluster does, for people).
export { ensureClusterPackages } from './clusterPackages';
export { startClickHouse, type ClickHouseOptions, type LocalClickHouse } from './clickhouse';
export { CLUSTER_NAME } from './clickhouseConfig';
export { startPostgres, POSTGRES_DATABASE, type LocalPostgres } from './postgres';
export { residentBytes } from './processes';
