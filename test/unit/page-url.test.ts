import { describe, expect, it } from 'vitest';
import { stubQueryApi } from './support.js';
import { base, startedAgents } from './started-agents.js';

const start = startedAgents();

describe('what the API learns of the page', () => {
  it('sends origin and path only by default; the query string and fragment stay in the page', async () => {
    history.replaceState(null, '', '/reset-password?token=s3cret#code=abc');
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    await start({ ...base }).send('hi');
    expect(requests[0]!.body.context).toMatchObject({ page_url: `${location.origin}/reset-password` });
    expect(JSON.stringify(requests[0]!.body)).not.toContain('s3cret');
  });

  it("sends the full address with context: { pageUrl: 'full' }", async () => {
    history.replaceState(null, '', '/search?q=shoes');
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    await start({ ...base, context: { pageUrl: 'full' } }).send('hi');
    expect(requests[0]!.body.context).toMatchObject({ page_url: `${location.origin}/search?q=shoes` });
  });
});
