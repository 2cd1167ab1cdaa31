import type { Channel } from '../events/eventSchema';
import { customerIdentity } from '../anonymise/customerIdentity';
import type { Pseudonymiser } from '../anonymise/pseudonym';
import type { IdentityClaim } from './planPersons';

/** One raw identifier as the person store knows it: its pseudonym, kind and own region. */
export function identityOf(pseudonymiser: Pseudonymiser, business: string, channel: Channel, raw: string, country?: string) {
  const identity = customerIdentity(channel, raw, country);
  return { identity: pseudonymiser.pseudonym(business, 'customer', identity.canonical), kind: identity.kind, region: identity.region };
}

/** A claim from raw identifiers (a webhook payload's): pseudonymised here, the raw values dropped. */
export function rawClaim(
  pseudonymiser: Pseudonymiser, business: string, channel: Channel,
  customer: string, aliases: readonly string[], country: string | undefined, atMicros: number,
): IdentityClaim {
  return {
    ...identityOf(pseudonymiser, business, channel, customer, country),
    atMicros,
    linked: aliases.filter((a) => a !== customer).map((alias) => identityOf(pseudonymiser, business, channel, alias)),
  };
}
