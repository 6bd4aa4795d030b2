/** Streaming deltas reach the UI at most this often. */
const FRAME_MS = 16;

/** A value the UI renders: replaced whole, and announced at once or, while an answer streams, once a frame. */
export class ObservableState<S> {
  readonly #listeners = new Set<() => void>();
  #frame: ReturnType<typeof setTimeout> | undefined;

  constructor(public value: S) {}

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Replaces the value and tells the listeners at once. */
  set(value: S): void {
    this.value = value;
    this.cancelFrame();
    this.#notify();
  }

  /**
   * A streaming delta: the listeners hear of it at most once a frame, so a fast stream costs a render per
   * frame, not one per delta.
   */
  stream(value: S): void {
    this.value = value;
    this.#frame ??= setTimeout(() => {
      this.#frame = undefined;
      this.#notify();
    }, FRAME_MS);
  }

  /** Drops the frame that is due (the queries were abandoned, or the agent destroyed). */
  cancelFrame(): void {
    clearTimeout(this.#frame);
    this.#frame = undefined;
  }

  clear(): void {
    this.cancelFrame();
    this.#listeners.clear();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
