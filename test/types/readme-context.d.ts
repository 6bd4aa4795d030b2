// What the snippets of the README and of docs/ assume the reader's own app has: a database, a signed-in
// user, a way to fetch a fresh token. Declared once here so that the snippets stay as short as the docs
// show them.
declare const db: {
  answers: { insert(row: Record<string, unknown>): Promise<void> };
  ratings: { upsert(row: Record<string, unknown>): Promise<void> };
};
declare const session: { userId: string };
declare const user: { id: string };
declare const token: string;
declare function fetchFreshToken(): Promise<string>;
// A Vue single-file component, as in the Vue snippet of docs/element-and-frameworks.md (vue-tsc types it in the app itself).
declare module '*.vue' {
  const component: import('vue').Component;
  export default component;
}
