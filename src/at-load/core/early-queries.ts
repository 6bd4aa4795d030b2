import { nanoid } from 'nanoid';
import type { Params } from '../../contract/params.js';
import { agentKeyPrefix } from './conversation-key.js';
import type { SafeStorage } from './storage.js';

/** A message sent before the conversation's code had come, kept until the conversation has it. */
export interface EarlyQuery {
  queryId: string;
  input: string;
  params: Params;
}

/**
 * The messages a page sent before its conversation's code had loaded (offline, say), in storage at once
 * under the query id they will be sent with, so a reload loses none. The conversation's reader checks
 * each as it checks its own transcript; here they are only kept.
 */
export class EarlyQueries {
  readonly #key: string;

  constructor(
    private readonly storage: SafeStorage,
    agentId: string,
  ) {
    this.#key = `${agentKeyPrefix(agentId)}early`;
  }

  list(): EarlyQuery[] {
    try {
      const stored: unknown = JSON.parse(this.storage.get(this.#key) ?? '[]');
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  }

  add(input: string, params: Params): EarlyQuery {
    const query = { queryId: `q_${nanoid()}`, input, params };
    this.#save([...this.list(), query]);
    return query;
  }

  remove(queryId: string): void {
    this.#save(this.list().filter((query) => query.queryId !== queryId));
  }

  clear(): void {
    this.storage.remove(this.#key);
  }

  #save(queries: EarlyQuery[]): void {
    if (queries.length) this.storage.set(this.#key, JSON.stringify(queries));
    else this.clear();
  }
}
