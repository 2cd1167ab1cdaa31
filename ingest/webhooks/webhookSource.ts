import type { MappingResult, WebhookChannel } from './mappedEvent';
import type { PayloadAccounts } from './payloadAccounts';
import { acceptSubscription } from './metaHandshake';
import { hubSignatureCheck, type SignatureCheck } from './signature';

/**
 * A platform whose webhooks the intake takes, as one plug-in: how a POST is authenticated, how
 * the subscription handshake is answered, and how a payload becomes events. The server mounts
 * GET and POST /v1/webhooks/<channel>/:business for every source of WEBHOOK_SOURCES (./sources.ts);
 * the state a source needs (threads, receipts, identity links) is the intake's, shared by all.
 */
export interface WebhookSource {
  channel: WebhookChannel;
  /** The platform's name, for the API document. */
  name: string;
  /**
   * The POST is the platform's: the check its raw body is fed to as it streams in, from a header
   * reader and the business's app secret; undefined refuses it before its body is read.
   */
  signatureCheck(header: (name: string) => string | undefined, appSecret: string): SignatureCheck | undefined;
  /** The challenge to echo for a subscription request, or undefined (refused). */
  handshake(query: (name: string) => string | undefined, verifyToken: string | undefined): string | undefined;
  /** The platform accounts each storable part of a payload is for, checked against the business's registered ones. Pure. */
  accounts(payload: unknown): PayloadAccounts;
  /** Payload -> events, receipts, identity notices and policy records. Pure. */
  map(payload: unknown): MappingResult;
  /** Delivery and read come as receipts that cover earlier messages (Messenger, Instagram), not one status per message. */
  receiptsCoverEarlier: boolean;
}

/** Meta signs every POST with the app secret (X-Hub-Signature-256) and verifies with hub.* queries. */
export const metaAuthentication: Pick<WebhookSource, 'signatureCheck' | 'handshake'> = {
  signatureCheck: (header, appSecret) => hubSignatureCheck(header('x-hub-signature-256'), appSecret),
  handshake: (query, verifyToken) =>
    acceptSubscription({ mode: query('hub.mode'), verifyToken: query('hub.verify_token'), challenge: query('hub.challenge') }, verifyToken),
};
