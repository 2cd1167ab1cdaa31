/** The credentials the bench gives its server (a temporary database that nobody else uses). */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
export const BENCH_PSEUDONYM_KEY = 'be'.repeat(32);

export function benchServerEnv(databasePath: string): Record<string, string> {
  return { DATABASE_PATH: databasePath, ADMIN_TOKEN: BENCH_ADMIN_TOKEN, PSEUDONYM_KEY: BENCH_PSEUDONYM_KEY, LOG_LEVEL: 'warn', SEED_DEMO: '0' };
}
