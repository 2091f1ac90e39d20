// The unauthenticated org metadata document: ../shared/okta/management-minimal.yaml, getWellknownOrgMetadata (schema
// WellKnownOrgMetadata, example WellKnownOrgMetadataResponseCustomUrlOie without the custom domain).
import { afterEach, describe, expect, it } from 'vitest';
import { restartableEmulators } from './restartable.js';

const emulators = restartableEmulators();
const start = emulators.start;
afterEach(() => emulators.cleanup());

describe('/.well-known/okta-organization', () => {
  it('answers without a token with the org id, pipeline and organization link, the same id after a restart', async () => {
    const statePath = await emulators.statePath();
    const emulator = await start({ statePath });
    const res = await fetch(`${emulator.url}/.well-known/okta-organization`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { id: string };
    expect(body).toEqual({
      id: expect.stringMatching(/^00o[A-Za-z0-9]{17}$/),
      pipeline: 'idx',
      _links: { organization: { href: emulator.url } },
    });
    await emulators.stop(emulator);
    const restarted = await start({ statePath });
    expect(
      ((await fetch(`${restarted.url}/.well-known/okta-organization`).then((r) => r.json())) as { id: string }).id,
    ).toBe(body.id);
    const other = await start();
    expect(
      ((await fetch(`${other.url}/.well-known/okta-organization`).then((r) => r.json())) as { id: string }).id,
    ).not.toBe(body.id);
  });
});
