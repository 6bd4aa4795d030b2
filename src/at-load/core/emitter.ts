/**
 * A minimal typed event emitter; a throwing listener never stops the others. `forward`, when given, hears
 * every event after the listeners (the agent turns them into DOM events), until `clear()`.
 */
export class Emitter<Events extends Record<string, unknown>> {
  private listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  constructor(private forward?: (event: string, payload: Events[keyof Events]) => void) {}

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as (payload: Events[E]) => void)(payload);
      } catch (error) {
        // A host listener's bug must not break the widget; surface it where developers look.
        console.error('[aicado] a listener for', String(event), 'threw:', error);
      }
    }
    try {
      this.forward?.(String(event), payload);
    } catch (error) {
      console.error('[aicado] forwarding', String(event), 'failed:', error);
    }
  }

  clear(): void {
    this.listeners.clear();
    this.forward = undefined;
  }
}
