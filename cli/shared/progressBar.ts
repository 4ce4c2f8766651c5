/**
 * A progress bar on stderr: done / total jobs, images/s and time left. On a terminal it redraws
 * one line; otherwise it prints a line at most every few seconds (and the last one).
 */
export interface ProgressOut {
  err: (text: string) => void;
}

/** "1:05" or "1:02:03". */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One line of the bar. `images` counts images computed in this run (not ones found stored). */
export function barLine(
  label: string,
  done: number,
  total: number,
  images: number,
  imagesLeft: number,
  seconds: number,
  width = 24,
): string {
  const frac = total > 0 ? done / total : 1;
  const full = Math.round(frac * width);
  const rate = images / Math.max(seconds, 1e-9);
  const left = imagesLeft === 0 ? 0 : rate > 0 ? imagesLeft / rate : Infinity;
  return (
    `${label} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${done}/${total} jobs · ` +
    `${rate.toFixed(1)} img/s · ${clock(left)} left`
  );
}

export class ProgressBar {
  private readonly start = performance.now();
  private last = 0;
  constructor(
    private readonly out: ProgressOut,
    private readonly label: string,
    private readonly total: number,
    private readonly tty: boolean,
    private readonly enabled = true,
  ) {}

  /** Shows `done` jobs of which `images` images were computed, `imagesLeft` still to do. */
  update(done: number, images: number, imagesLeft: number, final = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!final && now - this.last < (this.tty ? 200 : 3000)) return;
    this.last = now;
    const line = barLine(
      this.label,
      done,
      this.total,
      images,
      imagesLeft,
      (now - this.start) / 1000,
    );
    this.out.err(this.tty ? `\r${line}${final ? '\n' : ''}` : `${line}\n`);
  }
}
