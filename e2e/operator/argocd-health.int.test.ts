import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { goServerBinary } from '../testenv/binaries.js';

const configMap = fileURLToPath(new URL('../../charts/argocd/argocd-cm-health.yaml', import.meta.url));

const condition = (type: string, status: string, reason: string, message = '') => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-11-22T00:00:00Z',
});

describe('Argo CD health checks (gopher-lua, as Argo CD runs them)', () => {
  const scripts = (parse(readFileSync(configMap, 'utf8')) as { data: Record<string, string> }).data;
  const dir = mkdtempSync(join(tmpdir(), 'metachat-argocd-'));
  const health = (key: string, object: object) => {
    const script = join(dir, 'health.lua');
    writeFileSync(script, scripts[key]!);
    const out = execFileSync(goServerBinary('lua-health'), [script], {
      input: JSON.stringify(object),
      encoding: 'utf8',
    });
    return JSON.parse(out) as { status: string; message: string };
  };
  const resource = (generation: number, status?: object) => ({
    apiVersion: 'metachat.io/v1alpha1',
    kind: 'ChatRoom',
    metadata: { name: 'lobby', generation },
    spec: {},
    ...(status ? { status } : {}),
  });

  for (const key of ['MetaChat', 'ChatRoom'].map((k) => `resource.customizations.health.metachat.io_${k}`)) {
    describe(key, () => {
      it('is Progressing before the operator wrote status', () => {
        expect(health(key, resource(1)).status).to.equal('Progressing');
      });

      it('is Healthy when Ready, with the reason', () => {
        const ready = resource(2, {
          observedGeneration: 2,
          conditions: [
            condition('Ready', 'True', 'RoomProvisioned', 'room k_1'),
            condition('Degraded', 'False', 'AsExpected'),
          ],
        });
        expect(health(key, ready)).to.deep.equal({ status: 'Healthy', message: 'RoomProvisioned: room k_1' });
      });

      it('is Degraded when Degraded, whatever Ready says', () => {
        const degraded = resource(1, {
          observedGeneration: 1,
          conditions: [
            condition('Ready', 'False', 'PlatformNotFound', 'MetaChat x not found'),
            condition('Degraded', 'True', 'PlatformNotFound', 'MetaChat x not found'),
          ],
        });
        expect(health(key, degraded)).to.deep.equal({
          status: 'Degraded',
          message: 'PlatformNotFound: MetaChat x not found',
        });
      });

      it('is Progressing while rolling out, and while status describes an older generation', () => {
        const rolling = resource(1, {
          observedGeneration: 1,
          conditions: [condition('Ready', 'False', 'RolloutInProgress', '1/3 services available')],
        });
        expect(health(key, rolling)).to.deep.equal({
          status: 'Progressing',
          message: 'RolloutInProgress: 1/3 services available',
        });
        const stale = resource(3, {
          observedGeneration: 2,
          conditions: [condition('Ready', 'True', 'RoomProvisioned')],
        });
        expect(health(key, stale).status).to.equal('Progressing');
      });
    });
  }
});
