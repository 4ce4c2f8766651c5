import { PlannedPanel } from '../panels/PlannedPanel';

export function ExplorerPanel() {
  return <PlannedPanel panel="explorer" />;
}
