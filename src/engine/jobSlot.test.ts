import { describe, expect, it } from 'vitest';
import { JobSlot } from './jobSlot';

describe('JobSlot', () => {
  it('aborts the previous job when the next one starts', () => {
    const slot = new JobSlot();
    const first = slot.start();
    expect(first.signal.aborted).toBe(false);
    const second = slot.start();
    expect(first.signal.aborted).toBe(true);
    expect(first.isLatest()).toBe(false);
    expect(second.signal.aborted).toBe(false);
    expect(second.isLatest()).toBe(true);
  });
  it('cancels the job that runs, and a finished job frees the slot', () => {
    const slot = new JobSlot();
    const job = slot.start();
    expect(slot.busy).toBe(true);
    slot.cancel();
    expect(job.signal.aborted).toBe(true);
    job.end();
    expect(slot.busy).toBe(false);
  });
  it('an older job ending does not free the newer one', () => {
    const slot = new JobSlot();
    const old = slot.start();
    const next = slot.start();
    old.end();
    expect(slot.busy).toBe(true);
    slot.cancel();
    expect(next.signal.aborted).toBe(true);
  });
});
