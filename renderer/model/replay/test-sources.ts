// Test helper: recording sources from in-memory text, cut into chunks wherever a test wants the boundaries.
import type { RecordingSource } from './recording-loader.ts';

const encoder = new TextEncoder();

/** `cuts` are byte offsets where one chunk ends and the next begins. */
export function textSource(name: string, text: string, cuts: readonly number[] = []): RecordingSource {
  const bytes = encoder.encode(text);
  return {
    name,
    bytes: bytes.byteLength,
    stream: () => {
      const edges = [0, ...cuts.filter((c) => c > 0 && c < bytes.byteLength), bytes.byteLength];
      let i = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (i + 1 >= edges.length) controller.close();
          else controller.enqueue(bytes.slice(edges[i]!, edges[++i]!));
        },
      });
    },
  };
}
