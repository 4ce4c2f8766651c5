import { useMemo } from 'react';
import type { EpochReport } from '../../protocol/heads';
import { LineChart } from './LineChart';

const ACC: [number, number] = [0, 1];

/** Live loss and accuracy per epoch, train and test. */
export function TrainCurves({ curves }: { curves: EpochReport[] }) {
  const loss = useMemo(
    () => [
      {
        name: 'train',
        color: '#60a5fa',
        points: curves.map((c) => ({ x: c.epoch, y: c.trainLoss })),
      },
      {
        name: 'test',
        color: '#f59e0b',
        points: curves.map((c) => ({ x: c.epoch, y: c.testLoss })),
      },
    ],
    [curves],
  );
  const acc = useMemo(
    () => [
      {
        name: 'train',
        color: '#60a5fa',
        points: curves.map((c) => ({ x: c.epoch, y: c.trainAcc })),
      },
      { name: 'test', color: '#f59e0b', points: curves.map((c) => ({ x: c.epoch, y: c.testAcc })) },
    ],
    [curves],
  );
  if (!curves.length) return null;
  return (
    <div className="heads-charts" data-testid="train-curves" data-epochs={curves.length}>
      <LineChart title="Loss" series={loss} xLabel="epoch" yLabel="cross-entropy" />
      <LineChart title="Accuracy" series={acc} xLabel="epoch" yLabel="accuracy" yDomain={ACC} />
    </div>
  );
}
