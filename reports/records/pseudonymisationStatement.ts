import type { ProductFacts } from './productFacts';

/**
 * The pseudonymisation statement: what this product makes of an identifier, who holds the key,
 * what cannot be re-identified without it, and what stays the controller's duty. One text, used
 * by the residency PDF and the Article 30 record (JSON and PDF), so the two never disagree. Each
 * sentence describes what the code does (ingest/anonymise/, web/server/secrets.ts, the config).
 */

export interface StatementSection {
  heading: string;
  text: string;
}

export interface LegalReference {
  title: string;
  /** YYYY-MM-DD. */
  date: string;
  /** What the date is. */
  event: string;
  source: string;
  relevance: string;
}

export interface PseudonymisationStatement {
  sections: StatementSection[];
  references: LegalReference[];
}

export const PSEUDONYMISATION_REFERENCES: readonly LegalReference[] = [
  {
    title: 'EDPB Guidelines 01/2025 on pseudonymisation',
    date: '2025-01-16',
    event: 'adopted (version for public consultation)',
    source: 'https://www.edpb.europa.eu/our-work-tools/documents/public-consultations/2025/guidelines-012025-pseudonymisation_en',
    relevance: 'Pseudonymised data that can be attributed to a person with additional information (here the key) remains personal data ' +
      'for whoever holds or can obtain that information; keyed cryptographic functions (MACs) with a secret kept apart are a suitable technique.',
  },
  {
    title: 'CJEU, Case C-413/23 P, EDPS v SRB (ECLI:EU:C:2025:645)',
    date: '2025-09-04',
    event: 'judgment of the Court of Justice',
    source: 'https://curia.europa.eu/juris/document/document.jsf?docid=303863&doclang=EN',
    relevance: 'Whether pseudonymised data is personal data for a recipient depends on whether that recipient has means reasonably likely ' +
      'to re-identify; for the controller, who holds the key, it stays personal data, and the duty to inform data subjects of recipients is assessed from the controller\'s side.',
  },
];

/** Where the key lives, per store and key source. */
function keyCustody(facts: ProductFacts): string {
  if (facts.store === 'clickhouse') {
    return 'Every server of the store reads the same key from PSEUDONYM_KEY in its own environment (required in this mode); ' +
      'neither ClickHouse (the events) nor PostgreSQL (the registry) holds it.';
  }
  switch (facts.pseudonymKey) {
    case 'environment':
      return 'This server reads it from PSEUDONYM_KEY in its environment; the DuckDB database does not hold it.';
    case 'file':
    case 'generated':
      return 'This server reads it from the key file <database>.pseudonym-key beside the DuckDB database (mode 0600), not from inside the database; ' +
        'PSEUDONYM_KEY in the environment would take its place.';
    case 'memory':
      return 'This server runs on an in-memory database and holds a random key in memory only: it is lost, with the data, when the process ends.';
  }
}

const rotation = (facts: ProductFacts) =>
  facts.previousPseudonymKey
    ? ' A key rotation is in its overlap: the previous key (PSEUDONYM_KEY_PREVIOUS) is held the same way and still used to find duplicates and erase.'
    : '';

export function pseudonymisationStatement(facts: ProductFacts): PseudonymisationStatement {
  return {
    sections: [
      {
        heading: 'What an identifier becomes',
        text: 'Before anything is written or logged, each identifier (customer, conversation, message and event id) is replaced by ' +
          'HMAC-SHA256(key, business + kind + value) in hex: a keyed pseudonym, never a plain hash. A phone number is first normalised to ' +
          'E.164 (so +39 333 123 4567 and 393331234567 are one customer); a platform id (a Messenger or WhatsApp user id) is used as given. ' +
          'The business is part of the input, so one person has unrelated pseudonyms at two businesses. Of the number only its region ' +
          '(ISO 3166-1 country, ZZ when unknown) is kept. No message content is ever accepted or stored: fields that could carry content or ' +
          'contact details are refused by the API and dropped by the webhooks.',
      },
      {
        heading: 'Who holds the key',
        text: `The key (32 or more random bytes) is held by the controller's operator of this product. ${keyCustody(facts)}${rotation(facts)} ` +
          'No processor, recipient or report reader receives it: reports and exports hold counts, never pseudonyms.',
      },
      {
        heading: 'What cannot be re-identified without the key',
        text: 'From the database, a copy or a backup of it, no phone number or platform id can be read back, nor can a guessed number be tested ' +
          'against the stored pseudonyms (that needs the key: enumerating phone numbers is what a plain hash would allow). With the key, a ' +
          'known identifier can be turned into its pseudonym and that person\'s events found: this is how erasure and access requests work, ' +
          'and why the data stays personal data for the controller.',
      },
      {
        heading: 'Small cohorts',
        text: `Every published figure counts at least k = ${facts.minCohort} distinct customers (MIN_COHORT); a figure from 1 to k-1 customers, ` +
          'or one from which such a figure could be computed by subtraction, is withheld in the reports and every export.',
      },
      {
        heading: 'Erasure and retention',
        text: `Events older than ${facts.retentionDays} days (RETENTION_DAYS) are deleted daily with everything derived from them, and the intake ` +
          'refuses older events. An erasure request (POST /v1/privacy/erasure, role dpo or admin) deletes every event of the person at the businesses ' +
          'named, their identity links and derived figures, and empties the in-memory caches; its audit entry never holds the identifier.',
      },
      {
        heading: 'What remains the controller\'s duty',
        text: 'Keeping the key apart from the database and its backups, restricting who can read it, and rotating it if it may have been disclosed; ' +
          'answering data subjects\' requests (access, erasure, objection) in time, and telling clients to stop sending an erased person\'s data; ' +
          'the lawful basis of each purpose and the information given to data subjects (Art. 13/14 GDPR, including recipients); keeping this ' +
          'record of processing current.',
      },
    ],
    references: [...PSEUDONYMISATION_REFERENCES],
  };
}
