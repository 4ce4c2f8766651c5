import type { HeadResult } from '../../store/slices/heads';
import { ImageThumb } from './ImageThumb';

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');

function ConfusionMatrix({ confusion, classes }: { confusion: number[][]; classes: string[] }) {
  const max = Math.max(1, ...confusion.flat());
  return (
    <table
      className="heads-confusion"
      data-testid="confusion-matrix"
      aria-label="Confusion matrix: rows true class, columns predicted"
    >
      <thead>
        <tr>
          <th scope="col">true ↓ / predicted →</th>
          {classes.map((c) => (
            <th key={c} scope="col" title={c}>
              {c.slice(0, 6)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {confusion.map((row, i) => (
          <tr key={classes[i]}>
            <th scope="row">{classes[i]}</th>
            {row.map((v, j) => (
              <td
                key={j}
                className={i === j ? 'diag' : ''}
                style={{
                  background: `rgba(${i === j ? '52,211,153' : '248,113,113'},${(v / max).toFixed(3)})`,
                }}
              >
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The end of a training: test accuracy, per class, the confusion matrix, what went wrong. */
export function ResultView({ result }: { result: HeadResult }) {
  return (
    <section className="heads-result" aria-labelledby="heads-result-heading">
      <h3 id="heads-result-heading">
        Test accuracy <span data-testid="head-test-accuracy">{pct(result.testAcc)}</span>
      </h3>
      <p className="muted">
        {result.title} · {result.msPerEpoch.toFixed(0)} ms per epoch
      </p>
      <div className="heads-result-grid">
        <table className="heads-perclass" data-testid="per-class-accuracy">
          <caption>Per-class accuracy</caption>
          <tbody>
            {result.classes.map((c, i) => (
              <tr key={c}>
                <th scope="row">{c}</th>
                <td>{pct(result.perClass[i]!)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ConfusionMatrix confusion={result.confusion} classes={result.classes} />
      </div>
      <h4>
        Misclassified test images ({result.misclassified.length}
        {result.misclassified.length === 60 ? '+' : ''})
      </h4>
      <ul className="heads-misclassified" data-testid="misclassified">
        {result.misclassified.map((m) => (
          <li key={m.item.id}>
            <ImageThumb
              x0={m.item.x0}
              label={`${m.item.id}: ${result.classes[m.label]} taken for ${result.classes[m.predicted]}`}
            />
            <span>
              {result.classes[m.label]} → <strong>{result.classes[m.predicted]}</strong>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
