/**
 * Exit statuses: 0 success, 1 bad input (a CliError, or a file a parser refused, or one that
 * cannot be read), 2 an internal error. Only an internal error may print a stack trace, and only
 * with --debug.
 */
import { ImageDecodeError } from '../../src/core/image/png';
import { ZipError } from '../../src/core/datasets/zip';
import { NpyError } from '../../src/core/npy';
import { OnnxEditError } from '../../src/core/onnx/edit';
import { OnnxParseError } from '../../src/core/onnx/model';
import { CliError, firstLine } from './errors';

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_INTERNAL = 2;

/** Errors of the user's input: the parsers' typed errors. */
const INPUT_ERRORS = [
  CliError,
  OnnxParseError,
  OnnxEditError,
  ImageDecodeError,
  ZipError,
  NpyError,
];

/** Node's file-system errors that say something about the path given, not about diffprobe. */
const PATH_CODES = new Set([
  'ENOENT',
  'EACCES',
  'EISDIR',
  'ENOTDIR',
  'EPERM',
  'ENAMETOOLONG',
  'ELOOP',
]);

export function isInputError(e: unknown): boolean {
  if (INPUT_ERRORS.some((c) => e instanceof c)) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && PATH_CODES.has(code);
}

/** The status for an error, and the lines to print on stderr. */
export function reportError(e: unknown, debug: boolean): { status: number; text: string } {
  if (isInputError(e)) return { status: EXIT_BAD_INPUT, text: `diffprobe: ${firstLine(e)}\n` };
  const trace = debug && e instanceof Error && e.stack ? `${e.stack}\n` : '';
  const hint = debug ? '' : ' (run again with --debug for the stack trace)';
  return {
    status: EXIT_INTERNAL,
    text: `diffprobe: internal error: ${firstLine(e)}${hint}\n${trace}`,
  };
}
