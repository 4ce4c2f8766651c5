/**
 * Names from users' files: paths become stable item ids, folder names become class names.
 * Ids keep every character the user chose (NFC-normalised, so the same name typed on macOS and
 * Windows is one id); names shown in the UI drop control and bidi-override characters.
 */

/** Longest class name kept (longer names are cut, with an ellipsis). */
export const MAX_NAME_LENGTH = 80;

/**
 * A relative path as an item id: NFC, '/'-separated, no leading '/', no '.' segments.
 * Null for a path that climbs out of its root ('..') or is empty: such a zip entry is refused.
 */
export function normalizePath(path: string): string | null {
  const parts = path.normalize('NFC').replace(/\\/g, '/').split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') return null;
    out.push(part);
  }
  if (out.length === 0) return null;
  if (/^[a-zA-Z]:$/.test(out[0]!)) return null; // a drive letter: an absolute Windows path
  return out.join('/');
}

/** A name safe to show: NFC, no control / format characters, spaces collapsed, not empty. */
export function displayName(name: string): string {
  const clean = name
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  if (clean === '') return '(unnamed)';
  const chars = [...clean];
  return chars.length > MAX_NAME_LENGTH
    ? `${chars.slice(0, MAX_NAME_LENGTH - 1).join('')}…`
    : clean;
}

/**
 * Checks a new name for a class: the cleaned name, or the reason it cannot be used
 * (empty, or the name of another class in `others`).
 */
export function checkClassName(
  name: string,
  others: readonly string[],
): { ok: true; name: string } | { ok: false; reason: string } {
  if (name.trim() === '') return { ok: false, reason: 'a class name cannot be empty' };
  const clean = displayName(name);
  if (others.some((o) => o.toLowerCase() === clean.toLowerCase())) {
    return { ok: false, reason: `another class is already called “${clean}”` };
  }
  return { ok: true, name: clean };
}
