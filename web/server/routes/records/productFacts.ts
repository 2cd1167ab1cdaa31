import type { ProductFacts } from '../../../../reports/records/productFacts';

/** Where the pseudonym key is held: the store in use and where this server read its key (runtime.ts). */
export type KeyCustody = Pick<ProductFacts, 'store' | 'pseudonymKey'>;

export interface ProductFactsDeps {
  keyCustody: KeyCustody;
  minCohort: number;
  retentionDays: number;
  /** Set during a key rotation's overlap (PSEUDONYM_KEY_PREVIOUS). */
  previousPseudonymKey?: unknown;
}

/** The product's configuration as the record and the pseudonymisation statement state it. */
export const productFactsOf = (deps: ProductFactsDeps): ProductFacts => ({
  ...deps.keyCustody,
  previousPseudonymKey: deps.previousPseudonymKey !== undefined,
  minCohort: deps.minCohort,
  retentionDays: deps.retentionDays,
});
