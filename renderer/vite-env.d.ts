// The one Vite feature the renderer uses: import.meta.glob, to load the replay view only if its file exists.
interface ImportMeta {
  glob<T = unknown>(pattern: string): Record<string, () => Promise<T>>;
}
