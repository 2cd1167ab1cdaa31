// The local cluster runs Debian's own servers, never downloaded builds: clickhouse-server 18.16,
// ZooKeeper (on the installed OpenJDK) and PostgreSQL. Present: nothing to do. Missing: as root,
// install them with apt-get (saying so), as web/tools/ensureChromium.mjs does for Chromium;
// otherwise fail with the command to run.
import { spawnSync } from 'node:child_process';

export const CLUSTER_PACKAGES = ['clickhouse-server', 'clickhouse-client', 'zookeeper', 'postgresql'] as const;

// -q: no progress bars in a log; --no-install-recommends: zookeeper alone recommends a JDK's worth.
const INSTALL_COMMAND = `apt-get update -q && apt-get install -y -q --no-install-recommends ${CLUSTER_PACKAGES.join(' ')}`;
// Test files run in parallel and each may call this: one installs while the others wait on the
// lock, then find everything installed.
const INSTALL_LOCK = '/tmp/mpa-cluster-packages.lock';
const INSTALL_SCRIPT = `installed() { dpkg-query -W -f='\${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in ${CLUSTER_PACKAGES.join(' ')}; do installed "$p" || missing=1; done
[ -z "$missing" ] || { ${INSTALL_COMMAND}; }`;

function isInstalled(pkg: string): boolean {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return query.status === 0 && query.stdout.trim() === 'install ok installed';
}

export function missingClusterPackages(): string[] {
  return CLUSTER_PACKAGES.filter((pkg) => !isInstalled(pkg));
}

/** Installs the missing Debian packages when running as root; otherwise throws with the command to run. */
export async function ensureClusterPackages(): Promise<void> {
  const missing = missingClusterPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`the local cluster needs Debian packages that are missing (${missing.join(', ')}): run  sudo sh -c '${INSTALL_COMMAND}'`);
  }
  process.stderr.write(`cluster: missing Debian packages (${missing.join(', ')}); running as root, so installing them: ${INSTALL_COMMAND}\n`);
  // Synchronous on purpose: nothing else of this process should run while dpkg works.
  const run = spawnSync('flock', ['-w', '900', INSTALL_LOCK, 'sh', '-c', INSTALL_SCRIPT], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (run.status !== 0) throw new Error(`installing ${missing.join(', ')} failed (${run.error?.message ?? `exit code ${run.status}`}): ${INSTALL_COMMAND}`);
  const stillMissing = missingClusterPackages();
  if (stillMissing.length > 0) throw new Error(`apt-get finished, yet these packages are still not installed: ${stillMissing.join(', ')}`);
}
