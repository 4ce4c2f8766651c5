import { PlannedPanel } from '../panels/PlannedPanel';

export function HeadsPanel() {
  return <PlannedPanel panel="heads" />;
}
