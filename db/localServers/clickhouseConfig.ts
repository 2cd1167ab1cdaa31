// The config of one clickhouse-server 18.16 node (root element <yandex>): its own ports, folders
// and logs, loopback only; in a cluster also remote_servers, macros and the ZooKeeper section.
import { join } from 'node:path';

export const CLUSTER_NAME = 'mpa_cluster';

export interface NodePorts {
  http: number;
  tcp: number;
  interserver: number;
}

export interface ClusterLayout {
  zooKeeperPort: number;
  /** shards[s][r]: the ports of replica r of shard s. */
  shards: NodePorts[][];
}

export interface NodeIdentity {
  folder: string;
  ports: NodePorts;
  /** Set for a node of a cluster: its shard and replica number (from 1). */
  place?: { shard: number; replica: number; layout: ClusterLayout };
}

export function replicaName(shard: number, replica: number): string {
  return `s${shard}r${replica}`;
}

export function nodeConfig(node: NodeIdentity): string {
  const { folder, ports } = node;
  return `<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>${join(folder, 'server.log')}</log>
        <errorlog>${join(folder, 'server.err.log')}</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>${ports.http}</http_port>
    <tcp_port>${ports.tcp}</tcp_port>
    <interserver_http_port>${ports.interserver}</interserver_http_port>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <path>${join(folder, 'data')}/</path>
    <tmp_path>${join(folder, 'tmp')}/</tmp_path>
    <user_files_path>${join(folder, 'user_files')}/</user_files_path>
    <format_schema_path>${join(folder, 'format_schemas')}/</format_schema_path>
    <users_config>${join(folder, 'users.xml')}</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <max_concurrent_queries>100</max_concurrent_queries>
    <!-- A stop waits for open connections: an idle keep-alive one would hold it for seconds. -->
    <keep_alive_timeout>1</keep_alive_timeout>
    <shutdown_wait_unfinished>2</shutdown_wait_unfinished>
    <!-- Small caches: four nodes share one small machine. -->
    <mark_cache_size>268435456</mark_cache_size>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mlock_executable>false</mlock_executable>
${node.place ? clusterSections(node.place) : ''}</yandex>
`;
}

function clusterSections(place: NonNullable<NodeIdentity['place']>): string {
  const shards = place.layout.shards
    .map((replicas) => `            <shard>
                <internal_replication>true</internal_replication>
${replicas.map((ports) => `                <replica><host>127.0.0.1</host><port>${ports.tcp}</port></replica>`).join('\n')}
            </shard>`)
    .join('\n');
  return `    <remote_servers>
        <${CLUSTER_NAME}>
${shards}
        </${CLUSTER_NAME}>
    </remote_servers>
    <zookeeper>
        <node><host>127.0.0.1</host><port>${place.layout.zooKeeperPort}</port></node>
        <!-- Short, so that a killed node's session (and its "active" mark) expires in seconds. -->
        <session_timeout_ms>3000</session_timeout_ms>
    </zookeeper>
    <macros>
        <shard>${place.shard}</shard>
        <replica>${replicaName(place.shard, place.replica)}</replica>
    </macros>
    <distributed_ddl>
        <path>/clickhouse/task_queue/ddl</path>
    </distributed_ddl>
`;
}

/** One user, `default`, without password, reachable from loopback only. */
export function usersConfig(): string {
  return `<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>2000000000</max_memory_usage>
            <load_balancing>random</load_balancing>
            <!-- An idle native connection (the nodes keep pools to each other) notices a stop only
                 this often: the default 10 s held every stop of a cluster for seconds. -->
            <poll_interval>1</poll_interval>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval>
        </default>
    </quotas>
</yandex>
`;
}
