import type { Context } from 'hono';
import { notFound } from '../http/apiError';
import { principalOf, type Principal } from './principal';

/**
 * Tenancy: a user sees either every business (`businesses` null: admins, single-company
 * deployments) or the businesses listed in their scope. Every route that names a business or
 * lists them goes through these helpers, and a business outside the scope is answered exactly as
 * an unregistered one (same status, same body), so a scope cannot be used to probe which ids
 * exist.
 */

/** The businesses the request's principal may see: null for every business. */
export const scopeOf = (c: Context): readonly string[] | null => principalOf(c).businesses;

/** Whether the principal may see this business (says nothing of whether it is registered). */
export const canSee = (principal: Principal, business: string): boolean =>
  principal.businesses === null || principal.businesses.includes(business);

/** The items of this list that the principal may see, in their order. */
export const visibleTo = <T>(principal: Principal, items: readonly T[], idOf: (item: T) => string): T[] =>
  items.filter((item) => canSee(principal, idOf(item)));

/**
 * The one reply for a business the caller cannot see, registered or not: the reports and the
 * exports both throw this, so the two cases cannot be told apart.
 */
export const unknownBusiness = (id: string) => notFound(`business ${id} is not registered`);
