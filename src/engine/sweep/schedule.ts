/**
 * The sweep's schedule: one extraction per timestep (one U-Net pass per image feeds every
 * block), and the next timestep's features are extracted while this one's probes train.
 */
export async function pipelineSteps<F>(
  count: number,
  extract: (step: number) => Promise<F>,
  train: (step: number, features: F) => Promise<void>,
): Promise<void> {
  if (count <= 0) return;
  let next = extract(0);
  for (let i = 0; i < count; i++) {
    const features = await next;
    if (i + 1 < count) {
      next = extract(i + 1);
      // Awaited on the next turn; a failure meanwhile must not be reported as unhandled.
      next.catch(() => undefined);
    }
    await train(i, features);
  }
}
