import { beforeEach, vi } from 'vitest';

// Tests in happy-dom never reach the network: the SDK asks for the agent's definition once the launcher
// has been painted, from the default `https://api.aicado.ai` unless the test gives an `apiBase`. A test
// that needs answers stubs `fetch` itself (test/unit/support.ts); this is what every other one sees,
// from before the test file is loaded (a `beforeAll` too) and again before each test.
const offline = () => vi.fn(() => Promise.reject(new TypeError('no network in unit tests: stub fetch with stubQueryApi')));
vi.stubGlobal('fetch', offline());
beforeEach(() => {
  vi.stubGlobal('fetch', offline());
});
