// What the README's snippets assume the reader's own app has: a database, a signed-in user, a way to
// fetch a fresh token. Declared once here so that the snippets stay as short as the README shows them.
declare const db: {
  answers: { insert(row: Record<string, unknown>): Promise<void> };
  ratings: { upsert(row: Record<string, unknown>): Promise<void> };
  processed: { has(id: string): Promise<boolean>; add(id: string): Promise<void> };
};
declare const session: { userId: string };
declare const user: { id: string };
declare const token: string;
declare function fetchFreshToken(): Promise<string>;
// A Vue single-file component, as in the README's Vue snippet (vue-tsc types it in the app itself).
declare module '*.vue' {
  const component: import('vue').Component;
  export default component;
}
