import type { StateCreator } from 'zustand';
import type { AppState } from '../types';

export type NoticeKind = 'info' | 'warning' | 'error';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

export interface NoticesSlice {
  notices: Notice[];
  notify: (kind: NoticeKind, text: string) => number;
  dismiss: (id: number) => void;
}

let nextNotice = 1;

export const createNoticesSlice: StateCreator<AppState, [], [], NoticesSlice> = (set) => ({
  notices: [],
  notify: (kind, text) => {
    const id = nextNotice++;
    // The same message twice shows once (the newer one, at the end).
    set((s) => ({
      notices: [...s.notices.filter((n) => n.text !== text).slice(-4), { id, kind, text }],
    }));
    return id;
  },
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
