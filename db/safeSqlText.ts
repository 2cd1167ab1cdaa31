/**
 * Text that may stand in SQL as it is: letters, digits, '.', '_' and '-', at most 64 characters
 * (business ids, vocabulary). No quote can end a literal made of it, and no comma can split a
 * list joined with commas. The reports inline such values (reports/metrics/sqlText.ts literal);
 * the opening hours pass business ids as comma-joined parameters (./openingHoursSql.ts).
 */
export const SAFE_SQL_TEXT = /^[A-Za-z0-9._-]{1,64}$/;
