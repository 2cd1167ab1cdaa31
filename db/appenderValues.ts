import { DuckDBTimestampTZValue, type DuckDBAppender } from '@duckdb/node-api';
import { factKey } from './factKey';

// Nullable values for the DuckDB Appender, shared by the events table and the report facts.

export const appendText = (appender: DuckDBAppender, value: string | null) =>
  value === null ? appender.appendNull() : appender.appendVarchar(value);

/** Microseconds since the epoch as TIMESTAMPTZ. */
export const appendTimestamp = (appender: DuckDBAppender, micros: number | null) =>
  micros === null ? appender.appendNull() : appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(micros)));

/** An identifier as its fact key (db/factKey.ts). */
export const appendKey = (appender: DuckDBAppender, id: string | null) =>
  id === null ? appender.appendNull() : appender.appendUHugeInt(factKey(id));
