/**
 * A float32 .npy file written batch by batch: the header (core's npyHeader) first says N = 0,
 * the rows are appended as they come, and the header is rewritten in place once N is known (its
 * length does not depend on N). The file is written under a temporary name and moved into place
 * by `finish`.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { npyHeader } from '../../src/core/npy';
import { CliError } from './errors';

export class NpyWriter {
  private fd: number | undefined;
  private rest: number[] | undefined;
  private rows = 0;
  private position = 0;
  constructor(
    readonly tmpPath: string,
    readonly finalPath: string,
  ) {}

  /** [rows so far, ...the shape of one row]. */
  get shape(): number[] {
    return [this.rows, ...(this.rest ?? [])];
  }

  /** Appends rows: `data` holds dims[0] rows of shape dims[1..]. */
  append(data: Float32Array, dims: readonly number[]): void {
    const rest = dims.slice(1);
    if (this.rest === undefined) {
      this.rest = rest;
      this.fd = openSync(this.tmpPath, 'w');
      this.write(npyHeader('float32', [0, ...rest]));
    } else if (rest.join(',') !== this.rest.join(',')) {
      throw new CliError(
        `the block's shape changed between batches: [${this.rest.join(', ')}] then [${rest.join(', ')}]`,
      );
    }
    this.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.rows += dims[0]!;
  }

  private write(bytes: Uint8Array, at?: number): void {
    let done = 0;
    while (done < bytes.length) {
      done += writeSync(this.fd!, bytes, done, bytes.length - done, (at ?? this.position) + done);
    }
    if (at === undefined) this.position += bytes.length;
  }

  /** Writes the final header and moves the file into place. */
  finish(): void {
    if (this.fd === undefined) return;
    this.write(npyHeader('float32', this.shape), 0);
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.tmpPath, this.finalPath);
  }

  /** Closes and deletes the temporary file. */
  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.tmpPath, { force: true });
  }
}
