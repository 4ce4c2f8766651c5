import { useEffect } from 'react';
import { startRuntime } from '../engine/app';
import { refreshDatasets } from '../engine/app';
import { loadBuiltinModel } from '../engine/app';
import { useAppStore } from '../store';
import { Header } from './Header';
import { Notices } from './Notices';
import { PanelNav } from './PanelNav';
import { PanelView } from './panels/PanelView';
import { TourPanel } from './tour/TourPanel';

export function App() {
  const largeText = useAppStore((s) => s.largeText);
  useEffect(() => {
    void startRuntime().then(() => loadBuiltinModel());
    void refreshDatasets(); // heads and CKA see the stored datasets and the selection at once
  }, []);
  return (
    <div className={largeText ? 'app large-text' : 'app'}>
      <Header />
      <Notices />
      <TourPanel />
      <div className="layout">
        <PanelNav />
        <main className="panel" id="panel">
          <PanelView />
        </main>
      </div>
    </div>
  );
}
