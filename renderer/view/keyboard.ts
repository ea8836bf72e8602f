// The one keydown handler of the page: it dispatches to the key map of the mode on screen. Keys typed into a field or
// with a modifier (browser and OS shortcuts) are not the app's.
import type { Mode } from './frame-loop.ts';

/** Key → action; an action returns true when it used the key (its default is then prevented). */
export type KeyMap = Readonly<Record<string, () => boolean | void>>;

export class Keyboard {
  private readonly maps = new Map<Mode, KeyMap>();

  constructor(mode: () => Mode) {
    document.addEventListener('keydown', (e) => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || target?.closest('input, select, textarea')) return;
      if (this.maps.get(mode())?.[e.key]?.() === true) e.preventDefault();
    });
  }

  /** `mode`'s keys (one map per mode; a later one replaces it). */
  register(mode: Mode, keys: KeyMap): void {
    this.maps.set(mode, keys);
  }
}
