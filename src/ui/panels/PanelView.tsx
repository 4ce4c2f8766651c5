import { useAppStore } from '../../store';
import { PlannedPanel } from './PlannedPanel';
import { SystemCheck } from './SystemCheck';

export function PanelView() {
  const panel = useAppStore((s) => s.panel);
  if (panel === 'system') return <SystemCheck />;
  return <PlannedPanel panel={panel} />;
}
