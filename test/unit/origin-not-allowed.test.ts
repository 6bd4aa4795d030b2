import { describe, expect, it, vi } from 'vitest';
import { stubQueryApi } from './support.js';
import { base, startedAgents } from './started-agents.js';

const start = startedAgents();

describe('a page on an origin the API does not allow', () => {
  it('is final: one request, one console error naming the origin and how to allow it, an error event, a visitor notice; later sends make no request', async () => {
    const { requests } = stubQueryApi({ status: 403, body: { error: { code: 'origin_not_allowed', message: 'Origin not allowed' } } });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const agent = start({ ...base, open: true });
    const errors: string[] = [];
    agent.on('error', (e) => errors.push(e.error.code));
    await expect(agent.send('hello')).rejects.toMatchObject({ code: 'origin_not_allowed' });
    await expect(agent.send('again')).rejects.toMatchObject({ code: 'origin_not_allowed' });
    expect(requests).toHaveLength(1);
    expect(errors).toEqual(['origin_not_allowed', 'origin_not_allowed']);
    expect(logged).toHaveBeenCalledOnce();
    expect(String(logged.mock.calls[0]![0])).toContain(`--allowed-origin ${location.origin}`);
    const shadow = document.querySelector('aicado-embed')!.shadowRoot!;
    await vi.waitFor(() => expect(shadow.textContent).toContain("This chat isn't available on this site."));
    expect(shadow.querySelector('.status.error button')).toBeNull();
  });
});
