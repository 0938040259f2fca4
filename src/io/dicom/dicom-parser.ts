/**
 * The one place that imports dicom-parser; everything else imports `dicomParser`
 * from here (types may still come from 'dicom-parser' with `import type`).
 *
 * dicom-parser ships only a UMD/CommonJS bundle, so what an ESM namespace import
 * of it holds depends on who loads it:
 *   - Vitest (vite-node) and Vite's pre-bundled browser/worker builds: the
 *     namespace carries the functions themselves;
 *   - Node's own ESM loader (tsx, the CLI): the namespace is only
 *     `{ default: module.exports, 'dicom-parser': … }`, the functions sit on
 *     `default`;
 *   - some interop layers nest once more (`default.default`: webpack's bundle
 *     also exports itself as `default`).
 * We take the first of these that has the functions we call.
 */
import * as namespace from 'dicom-parser';

export type DicomParserModule = typeof namespace;

function hasApi(candidate: unknown): candidate is DicomParserModule {
  const c = candidate as Partial<Record<'readPart10Header' | 'parseDicom', unknown>> | null | undefined;
  return typeof c?.readPart10Header === 'function' && typeof c.parseDicom === 'function';
}

function resolveModule(): DicomParserModule {
  const outer = (namespace as { default?: unknown }).default;
  const inner = (outer as { default?: unknown } | null | undefined)?.default;
  for (const candidate of [namespace, outer, inner]) if (hasApi(candidate)) return candidate;
  throw new Error(`dicom-parser loaded without readPart10Header/parseDicom (module keys: ${Object.keys(namespace).join(', ') || 'none'})`);
}

export const dicomParser: DicomParserModule = resolveModule();
