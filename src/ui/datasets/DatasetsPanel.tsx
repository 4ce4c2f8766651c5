import { PlannedPanel } from '../panels/PlannedPanel';

export function DatasetsPanel() {
  return <PlannedPanel panel="datasets" />;
}
