/** Where the CLI writes: the result on stdout, progress and warnings on stderr. */

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** An Io that drops everything (library calls without progress). */
export const quietIo: Io = { out: () => {}, err: () => {} };

/** JSON with two-space indents, but arrays of numbers and strings (shapes) on one line. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\n\s*((?:-?[\d.e+-]+|"(?:[^"\\]|\\.)*"|null)(?:,\n\s*(?:-?[\d.e+-]+|"(?:[^"\\]|\\.)*"|null))*)\n\s*\]/g,
    (_m, inner: string) => `[${inner.split(/,\n\s*/).join(', ')}]`,
  );
}
