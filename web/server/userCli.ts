import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openApiTarget } from './apiClient';
import { runCli } from './cliMain';
import { loadConfig } from './config';

const USAGE = `Usage:
  npm run user -- add --email EMAIL --role marketing|dpo|admin [--password PASSWORD]
  npm run user -- list

Creates or lists dashboard users through the admin API: in-process when no server runs, else
through the server on PORT (admin token from ADMIN_TOKEN or the admin-token file). Without
--password a random one is generated and printed once.`;

interface ErrorReply {
  error?: { message?: string; details?: { field: string; error: string }[] };
}

function describeError(status: number, body: unknown): string {
  const error = (body as ErrorReply | undefined)?.error;
  const details = error?.details?.map((d) => `${d.field}: ${d.error}`).join('; ');
  return `${status} ${error?.message ?? 'request failed'}${details ? ` (${details})` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean' } },
  });
  const command = positionals[0];
  if (values.help || (command !== 'add' && command !== 'list')) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (command === 'add' && (!values.email || !values.role)) {
    process.stderr.write(`error: add needs --email and --role\n${USAGE}\n`);
    return 2;
  }
  const target = await openApiTarget(loadConfig());
  try {
    if (command === 'list') {
      const reply = await target.client.request('GET', '/v1/users', target.adminToken);
      if (reply.status !== 200) throw new Error(describeError(reply.status, reply.body));
      for (const user of (reply.body as { users: { email: string; role: string; created_at: string }[] }).users) {
        process.stdout.write(`${user.email}\t${user.role}\t${user.created_at}\n`);
      }
      return 0;
    }
    const password = values.password ?? randomBytes(12).toString('base64url');
    const reply = await target.client.request('POST', '/v1/users', target.adminToken, JSON.stringify({ email: values.email, password, role: values.role }));
    if (reply.status !== 201) throw new Error(describeError(reply.status, reply.body));
    const user = reply.body as { email: string; role: string };
    process.stdout.write(`created ${user.email} (${user.role})${values.password ? '' : `\npassword (shown once): ${password}`}\n`);
    return 0;
  } finally {
    await target.close();
  }
}

runCli(() => main(process.argv.slice(2)), USAGE);
