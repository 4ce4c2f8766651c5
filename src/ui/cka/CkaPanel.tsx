import { PlannedPanel } from '../panels/PlannedPanel';

export function CkaPanel() {
  return <PlannedPanel panel="cka" />;
}
