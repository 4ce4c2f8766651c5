import { ModelPanel } from '../model/ModelPanel';

export function ExplorerPanel() {
  return (
    <div className="explorer">
      <ModelPanel />
    </div>
  );
}
