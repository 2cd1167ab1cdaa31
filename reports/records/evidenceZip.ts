import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';

/**
 * The evidence pack's ZIP: the files given, then `manifest.json` naming each with its SHA-256
 * and size, so an auditor can check every file against the manifest and against the audit log
 * entry recorded when it was produced (same SHA-256). fflate: a small, dependency-free ZIP writer.
 */

export interface PackFile {
  name: string;
  bytes: Uint8Array;
  /** The audit log action it was recorded under, when it is an export (null: the audit log itself). */
  auditAction: string | null;
}

export interface PackContext {
  business: string;
  from: string;
  to: string;
  generatedAt: string;
  adequacy_as_of: string;
  adequacy_version: number;
  transfer_law_as_of: string;
  transfer_law_version: number;
}

export interface ManifestEntry {
  name: string;
  sha256: string;
  size: number;
  audit_action: string | null;
}

export interface Manifest {
  pack: 'evidence';
  business: string;
  from: string;
  to: string;
  generated_at: string;
  adequacy_as_of: string;
  adequacy_version: number;
  transfer_law_as_of: string;
  transfer_law_version: number;
  files: ManifestEntry[];
}

export const MANIFEST_NAME = 'manifest.json';

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function manifestOf(files: readonly PackFile[], pack: PackContext): Manifest {
  return {
    pack: 'evidence',
    business: pack.business,
    from: pack.from,
    to: pack.to,
    generated_at: pack.generatedAt,
    adequacy_as_of: pack.adequacy_as_of,
    adequacy_version: pack.adequacy_version,
    transfer_law_as_of: pack.transfer_law_as_of,
    transfer_law_version: pack.transfer_law_version,
    files: files.map((f) => ({ name: f.name, sha256: sha256Of(f.bytes), size: f.bytes.byteLength, audit_action: f.auditAction })),
  };
}

/** The ZIP's bytes: every file, then the manifest; each entry dated at the pack's generation time. */
export function evidenceZip(files: readonly PackFile[], pack: PackContext): Uint8Array {
  if (files.some((f) => f.name === MANIFEST_NAME) || new Set(files.map((f) => f.name)).size !== files.length) {
    throw new Error('evidence pack: file names must be unique and not manifest.json');
  }
  const manifest = Buffer.from(`${JSON.stringify(manifestOf(files, pack), null, 2)}\n`, 'utf8');
  const entries = Object.fromEntries([...files.map((f) => [f.name, f.bytes] as const), [MANIFEST_NAME, manifest] as const]);
  // PDFs are compressed already; level 6 still shrinks the JSON files several times.
  return zipSync(entries, { level: 6, mtime: pack.generatedAt });
}
