/**
 * "A newer request replaces the one that runs": one slot per kind of job. Starting a job aborts
 * the previous one's signal; `isLatest` tells a job whether its result is still wanted.
 */
export interface SlotJob {
  readonly signal: AbortSignal;
  /** True while no newer job was started in the same slot. */
  isLatest(): boolean;
  /** Frees the slot (if this job still holds it). */
  end(): void;
}

export class JobSlot {
  private current: AbortController | null = null;

  /** Aborts the job that runs (if any) and starts the next one. */
  start(): SlotJob {
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    return {
      signal: controller.signal,
      isLatest: () => this.current === controller,
      end: () => {
        if (this.current === controller) this.current = null;
      },
    };
  }

  /** Aborts the job that runs, if any. */
  cancel(): void {
    this.current?.abort();
  }

  get busy(): boolean {
    return this.current !== null;
  }
}
