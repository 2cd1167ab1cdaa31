import type { Context } from 'hono';
import type { AuditRecord } from '../../../../db/auditLog';
import { DAY_MS, dayNumber, type Period } from '../../../../reports/period';
import type { ReportContext } from '../../../../reports/reports';
import { evidenceZip, sha256Of, type PackFile } from '../../../../reports/records/evidenceZip';
import { principalOf } from '../../auth/principal';
import { recordServed, serveAuditedFile, type AuditDeps } from '../../http/servedFile';
import { listVisibleAudit } from '../audit/visibleAudit';
import { businessResidency, recordFile, recordOf, residencyFile, type AuditedFile, type FileDeps } from './recordFiles';

/**
 * GET /v1/exports/evidence/<id>.zip: one download for an auditor. Each export in it is produced
 * by the code of its individual export and recorded in the audit log before it is packed; the
 * audit log of the period is read after, so it holds those entries too; the manifest hashes
 * every file; the pack itself is recorded last.
 */

// More entries than an audit of one business's period holds; the file says when it was cut.
const MAX_AUDIT_ENTRIES = 100_000;

export type PackDeps = FileDeps & AuditDeps;

/** About this business: it is the target (or one of them), or the entry covers every business. */
function aboutBusiness(entry: AuditRecord, business: string): boolean {
  if (entry.target !== null) return entry.target.split(',').includes(business);
  const scope = entry.filters.scope;
  return !Array.isArray(scope) || scope.includes(business);
}

/** The audit log from the period's first day to its last, plus this pack's own entries (recorded from `packAt` on, after the period perhaps). */
async function auditLogFile(c: Context, deps: PackDeps, business: string, period: Period, packAt: number, packHashes: ReadonlySet<string>): Promise<PackFile> {
  const periodEnd = (dayNumber(period.to) + 1) * DAY_MS;
  const entries = await listVisibleAudit(deps.store, principalOf(c), {
    since: new Date(dayNumber(period.from) * DAY_MS), until: new Date(Math.max(periodEnd, deps.now() + 1)), limit: MAX_AUDIT_ENTRIES,
  });
  const kept = entries.filter((e) => aboutBusiness(e, business)
    && (Date.parse(e.at) < periodEnd || (Date.parse(e.at) >= packAt && e.sha256 !== null && packHashes.has(e.sha256))));
  const document = {
    business, from: period.from, to: period.to, truncated: entries.length === MAX_AUDIT_ENTRIES,
    entries: kept.map((e) => ({ id: e.id, at: e.at, actor: e.actor, action: e.action, target: e.target, filters: e.filters, row_count: e.rowCount, sha256: e.sha256 })),
  };
  return { name: 'audit-log.json', bytes: Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8'), auditAction: null };
}

export async function serveEvidencePack(c: Context, ctx: ReportContext, deps: PackDeps, business: string, period: Period): Promise<Response> {
  const packAt = deps.now();
  const record = await recordOf(ctx, deps, business, period, packAt);
  const residency = await businessResidency(ctx, period, packAt);
  const exports: AuditedFile[] = [
    await residencyFile(residency, business, 'json', packAt, deps),
    await residencyFile(residency, business, 'pdf', packAt, deps),
    await recordFile(record, 'json', packAt, deps.facts),
    await recordFile(record, 'pdf', packAt, deps.facts),
  ];
  // Recorded before they are packed, as if each were served: the auditor finds each file's hash in the log.
  for (const file of exports) await recordServed(c, deps, file.audit, file.bytes);
  const packed: PackFile[] = exports.map((f) => ({ name: f.fileName, bytes: f.bytes, auditAction: f.audit.action }));
  packed.push(await auditLogFile(c, deps, business, period, packAt, new Set(exports.map((f) => sha256Of(f.bytes)))));
  const bytes = evidenceZip(packed, {
    business, from: period.from, to: period.to, generatedAt: new Date(packAt).toISOString(),
    adequacy_as_of: record.adequacy_as_of, adequacy_version: record.adequacy_version,
    transfer_law_as_of: record.transfer_law_as_of, transfer_law_version: record.transfer_law_version,
  });
  return serveAuditedFile(
    c, deps,
    { action: 'export.evidence.zip', target: business, filters: { business, from: period.from, to: period.to }, rowCount: packed.length + 1 },
    { bytes, contentType: 'application/zip', fileName: `evidence_${business}_${period.from}_${period.to}.zip` },
  );
}
