import { useAppStore } from '../../store';
import { ClassTable } from './ClassTable';
import { ImportReport } from './ImportReport';
import { SplitControls } from './SplitControls';

/** The selected stored dataset: whether it can train, its split, classes and what was left out. */
export function DatasetView() {
  const meta = useAppStore((s) => s.datasets.list.find((m) => m.id === s.datasets.selectedId));
  const trainable = useAppStore((s) => s.datasets.trainable);
  if (!meta) return null;
  return (
    <section className="ds-view" aria-label={`Dataset ${meta.name}`}>
      <h3>{meta.name}</h3>
      {!trainable.ok && (
        <p className="ds-warning" role="alert" data-testid="train-disabled">
          {trainable.reason}
        </p>
      )}
      <SplitControls key={`${meta.id}-${meta.split.seed}-${meta.split.testFraction}`} meta={meta} />
      <ClassTable meta={meta} />
      <ImportReport meta={meta} />
    </section>
  );
}
