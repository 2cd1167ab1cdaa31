/** An item of a request body: a parsed value, or a line of NDJSON that was not JSON. */
export type BodyItem = { ok: true; value: unknown } | { ok: false; error: string };
