import type { DuckDBConnection } from '@duckdb/node-api';
import { applyPersons, businessesWithLinks, loadPersons, NO_REWRITE, type PersonRewrite } from '../../db/customerLinks';
import type { EventRow } from '../../db/eventStore';
import type { EventWriter } from '../buffer/eventWriter';
import { planPersons, type IdentityClaim, type PersonOf, type PersonPlan } from './planPersons';

/** Extra rewrites a caller derives from a plan before it is applied (the webhook intake's threads). */
export type PlanFollowUp = (plan: PersonPlan) => Promise<Pick<PersonRewrite, 'conversations' | 'threads'>>;

/**
 * One person, one customer: resolves each event's customer pseudonym to the person it belongs to
 * (db/customerLinks.ts), links identifiers named together, and merges persons that turn out to
 * be one, moving their stored events. Resolutions run one at a time (exclusive), and a caller
 * hands its rows to the writer before releasing, so no row can be queued under a person that a
 * later resolution merged away before the merge's rewrite is queued.
 */
export class PersonResolver {
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(
    /** A connection of its own, used only inside exclusive(), so a resolution never waits for the admin store. */
    private readonly connection: DuckDBConnection,
    private readonly writer: EventWriter,
    /** Businesses with link records: for the others, events without aliases or BSUIDs need no lookup. */
    private readonly linked: Set<string>,
  ) {}

  static async open(connection: DuckDBConnection, writer: EventWriter): Promise<PersonResolver> {
    return new PersonResolver(connection, writer, new Set(await businessesWithLinks(connection)));
  }

  /** Runs fn while no other resolution runs. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Whether claims of this business could link to anything: otherwise every identifier is its own person. */
  #mayLink(business: string, claims: readonly IdentityClaim[]): boolean {
    return this.linked.has(business) || claims.some((c) => c.linked.length > 0 || c.kind === 'bsuid');
  }

  /**
   * The persons of one business's claims, with links saved and merges applied (on the writer's
   * connection, in one transaction). Call inside exclusive().
   */
  async resolve(business: string, claims: readonly IdentityClaim[], followUp?: PlanFollowUp): Promise<Map<string, PersonOf>> {
    if (!this.#mayLink(business, claims)) return new Map();
    const identities = claims.flatMap((c) => [c.identity, ...c.linked.map((l) => l.identity)]);
    const stored = await loadPersons(this.connection, business, identities);
    const plan = planPersons(claims, stored);
    if (plan.records.length > 0 || plan.moves.length > 0 || plan.regions.length > 0) {
      const extra = followUp && plan.moves.length > 0 ? await followUp(plan) : { conversations: [], threads: [] };
      const rewrite: PersonRewrite = { ...NO_REWRITE, moves: plan.moves, regions: plan.regions, ...extra };
      await this.writer.exclusive((connection) => applyPersons(connection, business, plan.records, rewrite));
      this.linked.add(business);
    }
    return plan.personOf;
  }

  /** Sets each row's customer to its person and region (rows of any businesses). Call inside exclusive(). */
  async resolveRows(rows: EventRow[]): Promise<void> {
    const byBusiness = new Map<string, EventRow[]>();
    for (const row of rows) {
      if (!this.#mayLinkRow(row)) continue;
      let list = byBusiness.get(row.business);
      if (!list) byBusiness.set(row.business, (list = []));
      list.push(row);
    }
    for (const [business, list] of byBusiness) {
      const personOf = await this.resolve(business, list.map(claimOf));
      for (const row of list) {
        const person = personOf.get(row.customer);
        if (!person) continue;
        row.customer = person.person;
        row.customerRegion = person.region;
      }
    }
  }

  #mayLinkRow(row: EventRow): boolean {
    return this.linked.has(row.business) || (row.aliases?.length ?? 0) > 0 || row.customerKind === 'bsuid';
  }
}

export function claimOf(row: EventRow): IdentityClaim {
  return {
    identity: row.customer,
    kind: row.customerKind ?? 'other',
    region: row.customerRegion,
    atMicros: row.occurredAtMicros,
    linked: row.aliases ?? [],
  };
}
