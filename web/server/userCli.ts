import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openApiTarget, type ApiClient } from './apiClient';
import { runCli } from './cliMain';
import { loadConfig } from './config';

const USAGE = `Usage:
  npm run user -- add --email EMAIL --role marketing|dpo|admin [--businesses ID,ID] [--password PASSWORD]
  npm run user -- list
  npm run user -- set --email EMAIL [--role ROLE] [--businesses ID,ID|all]
  npm run user -- password --email EMAIL [--password PASSWORD]
  npm run user -- delete --email EMAIL

Manages dashboard users through the admin API: in-process when no server runs, else through
the server on PORT (admin token from ADMIN_TOKEN or the admin-token file). --businesses limits
a user to those businesses (default: all). Without --password a random one is generated and
printed once. set, password and delete end the user's sessions.`;

const COMMANDS = ['add', 'list', 'set', 'password', 'delete'] as const;
type Command = (typeof COMMANDS)[number];

interface ErrorReply {
  error?: { message?: string; details?: { field: string; error: string }[] };
}

interface UserJson {
  id: string;
  email: string;
  role: string;
  businesses: string[] | null;
  created_at: string;
}

interface Options {
  email?: string;
  role?: string;
  password?: string;
  businesses?: string;
}

function describeError(status: number, body: unknown): string {
  const error = (body as ErrorReply | undefined)?.error;
  const details = error?.details?.map((d) => `${d.field}: ${d.error}`).join('; ');
  return `${status} ${error?.message ?? 'request failed'}${details ? ` (${details})` : ''}`;
}

/** "a,b" -> ["a", "b"]; "all" -> null (every business). */
const scopeOf = (value: string) => (value.trim() === 'all' ? null : value.split(',').map((b) => b.trim()).filter((b) => b.length > 0));

const scopeText = (businesses: string[] | null) => (businesses === null ? 'all businesses' : businesses.join(','));

class Admin {
  constructor(private readonly client: ApiClient, private readonly token: string) {}

  async call(method: string, path: string, expected: number, body?: unknown): Promise<unknown> {
    const reply = await this.client.request(method, path, this.token, body === undefined ? undefined : JSON.stringify(body));
    if (reply.status !== expected) throw new Error(describeError(reply.status, reply.body));
    return reply.body;
  }

  async users(): Promise<UserJson[]> {
    return ((await this.call('GET', '/v1/users', 200)) as { users: UserJson[] }).users;
  }

  async idOf(email: string): Promise<string> {
    const user = (await this.users()).find((u) => u.email === email.trim().toLowerCase());
    if (!user) throw new Error(`no user ${email}`);
    return user.id;
  }
}

const out = (text: string) => process.stdout.write(`${text}\n`);

async function run(admin: Admin, command: Command, values: Options): Promise<void> {
  const password = values.password ?? randomBytes(12).toString('base64url');
  const shownOnce = values.password ? '' : `\npassword (shown once): ${password}`;
  if (command === 'list') {
    for (const u of await admin.users()) out(`${u.email}\t${u.role}\t${scopeText(u.businesses)}\t${u.created_at}`);
  } else if (command === 'add') {
    const body = { email: values.email, password, role: values.role, ...(values.businesses ? { businesses: scopeOf(values.businesses) } : {}) };
    const user = (await admin.call('POST', '/v1/users', 201, body)) as UserJson;
    out(`created ${user.email} (${user.role}, ${scopeText(user.businesses)})${shownOnce}`);
  } else if (command === 'set') {
    const body = { ...(values.role ? { role: values.role } : {}), ...(values.businesses ? { businesses: scopeOf(values.businesses) } : {}) };
    const user = (await admin.call('PATCH', `/v1/users/${await admin.idOf(values.email!)}`, 200, body)) as UserJson;
    out(`changed ${user.email} (${user.role}, ${scopeText(user.businesses)}); their sessions ended`);
  } else if (command === 'password') {
    await admin.call('POST', `/v1/users/${await admin.idOf(values.email!)}/password`, 204, { password });
    out(`password of ${values.email} set; their sessions ended${shownOnce}`);
  } else {
    await admin.call('DELETE', `/v1/users/${await admin.idOf(values.email!)}`, 204);
    out(`deleted ${values.email}`);
  }
}

function usageProblem(command: Command, values: Options): string | undefined {
  if (command === 'add' && (!values.email || !values.role)) return 'add needs --email and --role';
  if (command !== 'add' && command !== 'list' && !values.email) return `${command} needs --email`;
  if (command === 'set' && !values.role && !values.businesses) return 'set needs --role or --businesses';
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, businesses: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  const command = COMMANDS.find((c) => c === positionals[0]);
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const problem = usageProblem(command, values);
  if (problem) {
    process.stderr.write(`error: ${problem}\n${USAGE}\n`);
    return 2;
  }
  const target = await openApiTarget(loadConfig());
  try {
    await run(new Admin(target.client, target.adminToken), command, values);
    return 0;
  } finally {
    await target.close();
  }
}

runCli(() => main(process.argv.slice(2)), USAGE);
