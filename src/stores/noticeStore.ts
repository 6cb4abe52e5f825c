import { create } from 'zustand';

export interface Notice {
  id: number;
  level: 'info' | 'warn' | 'error';
  text: string;
  /** One thing the person can do about it (reload for a new version, say). */
  action?: { label: string; run(): void };
}

/** Messages for the person (a broken link, an unreadable file), shown until dismissed. */
interface NoticeState {
  notices: Notice[];
  push(level: Notice['level'], text: string, action?: Notice['action']): void;
  dismiss(id: number): void;
}

let nextId = 1;

export const useNoticeStore = create<NoticeState>()((set) => ({
  notices: [],
  push: (level, text, action) =>
    set((state) => ({
      notices: [...state.notices.slice(-4), { id: nextId++, level, text, action }],
    })),
  dismiss: (id) => set((state) => ({ notices: state.notices.filter((n) => n.id !== id) })),
}));

/**
 * Says what reading an older spec reinterpreted (a link, a results file or a saved run from
 * an older EMC Lab), one info notice per note, never silently. `source` names what was
 * opened: "The link", "results.json", "Saved run “sweep”".
 */
export function pushMigrationNotes(source: string, notes: readonly string[] | undefined): void {
  for (const note of notes ?? []) useNoticeStore.getState().push('info', `${source}: ${note}`);
}
