import { create } from 'zustand';
import { LESSON } from '../presets/lessons.ts';

/**
 * Lesson mode's place: which step is open (1-based; none when the lab is used freely),
 * what the class predicted at each step, and at which steps the teacher revealed the
 * answers before the demo ran. The step lives in the URL (#lesson=3&e=…), so a
 * link opens the lesson at that step; the URL's one writer (effects/urlSync.ts) follows it.
 */
interface LessonState {
  step?: number;
  predictions: Record<number, string>;
  revealed: Record<number, true>;
  open(step: number): void;
  close(): void;
  predict(step: number, choice: string): void;
  reveal(step: number): void;
}

export const useLessonStore = create<LessonState>()((set) => ({
  step: undefined,
  predictions: {},
  revealed: {},
  open: (step) => {
    const clamped = Math.min(LESSON.length, Math.max(1, Math.round(step)));
    set({ step: clamped });
  },
  close: () => set({ step: undefined }),
  predict: (step, choice) =>
    set((state) => ({ predictions: { ...state.predictions, [step]: choice } })),
  reveal: (step) => set((state) => ({ revealed: { ...state.revealed, [step]: true } })),
}));
