/** How the CLI fails: one line on stderr, exit status 1. */

/** A failure the CLI reports as one line. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** The first non-empty line of an error's message. */
export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (
    msg
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? msg
  );
}
