import type { ModelSummary } from '../../protocol/model';
import { modelFacts } from '../../core/explorer/modelFacts';

export function ModelFacts({ summary }: { summary: ModelSummary }) {
  const m = summary.manifest;
  if (!m) return <p className="muted">{summary.name}: a raw graph without blocks.</p>;
  return (
    <div className="model-facts" data-testid="model-facts">
      <h3>
        {m.title}
        {summary.synthesized && (
          <span className="model-tag"> your ONNX, blocks found from its graph</span>
        )}
      </h3>
      <dl>
        {modelFacts(m, summary.bytes, summary.synthesized).map((f) => (
          <div key={f.label}>
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
