import { useAppStore } from '../../store';
import { CkaPanel } from '../cka/CkaPanel';
import { DatasetsPanel } from '../datasets/DatasetsPanel';
import { ExplorerPanel } from '../explorer/ExplorerPanel';
import { HeadsPanel } from '../heads/HeadsPanel';
import { SystemCheck } from './SystemCheck';

export function PanelView() {
  const panel = useAppStore((s) => s.panel);
  switch (panel) {
    case 'explorer':
      return <ExplorerPanel />;
    case 'datasets':
      return <DatasetsPanel />;
    case 'heads':
      return <HeadsPanel />;
    case 'cka':
      return <CkaPanel />;
    case 'system':
      return <SystemCheck />;
  }
}
