import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A business's alert receiver for tests: a real HTTP server on 127.0.0.1 that checks each
// X-Alert-Signature-256 as a business would, and answers scripted statuses (then 200).

export interface ReceivedAlert {
  body: string;
  attempt: string | undefined;
  signatureValid: boolean;
}

export interface AlertReceiver {
  url: string;
  received: ReceivedAlert[];
  close: () => Promise<void>;
}

export async function startAlertReceiver(secret: string, statuses: number[] = []): Promise<AlertReceiver> {
  const received: ReceivedAlert[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers['x-alert-signature-256'];
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
      const signatureValid = typeof signature === 'string' && signature.length === expected.length && timingSafeEqual(Buffer.from(signature), expected);
      received.push({ body: raw.toString('utf8'), attempt: req.headers['x-alert-attempt'] as string | undefined, signatureValid });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
