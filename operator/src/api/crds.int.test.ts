import { CustomObjectsApi } from '@kubernetes/client-node';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { server } from '../../../e2e/testenv/root-hooks.js';
import { installCrds } from '../testdata/install-crds.js';
import { group, version } from './common.js';

describe('MetaChat CRD on the real API server', () => {
  let objects: CustomObjectsApi;
  const target = { group, version, namespace: 'default', plural: 'metachats' };
  const valid = {
    image: 'ghcr.io/metachat/metachat',
    nats: { url: 'nats://nats:4222' },
    mongodb: { urlSecretRef: { name: 'mongo', key: 'url' } },
    redis: { url: 'redis://redis:6379' },
    jwtSecretRef: { name: 'jwt', key: 'secret' },
  };
  const create = (name: string, spec: unknown) =>
    objects.createNamespacedCustomObject({
      ...target,
      body: { apiVersion: `${group}/${version}`, kind: 'MetaChat', metadata: { name }, spec },
    });

  before(async () => {
    objects = (await installCrds(server('kube'))).makeApiClient(CustomObjectsApi);
  });

  it('accepts a valid MetaChat and fills in the defaults', async () => {
    const created = (await create('platform', valid)) as { spec: Record<string, unknown> };
    expect(created.spec).to.deep.include({ version: 'latest', partitions: 16, services: {} });
  });

  it('refuses invalid specs with a message naming the field', async () => {
    const refusal = async (spec: unknown) => {
      const err = (await create(`bad-${Math.random().toString(36).slice(2, 8)}`, spec).then(
        () => undefined,
        (e: unknown) => e,
      )) as { code?: number; body?: string } | undefined;
      expect(err?.code).to.equal(422);
      return String(err?.body);
    };
    expect(await refusal({ ...valid, partitions: 0 })).to.contain('spec.partitions');
    expect(await refusal({ ...valid, nats: { url: 'http://nats' } })).to.contain('spec.nats.url');
    expect(
      await refusal({ ...valid, redis: { url: 'redis://r', urlSecretRef: { name: 'r', key: 'u' } } }),
    ).to.contain('give exactly one of url and urlSecretRef');
    expect(
      await refusal({ ...valid, services: { chat: { autoscaling: { minReplicas: 5, maxReplicas: 2 } } } }),
    ).to.contain('minReplicas must not exceed maxReplicas');
    const { image: _missing, ...withoutImage } = valid;
    expect(await refusal(withoutImage)).to.contain('spec.image');
  });

  it('refuses unknown fields through kubectl (strict field validation)', () => {
    const { kubectl, kubeconfigPath } = server('kube');
    const manifest = JSON.stringify({
      apiVersion: `${group}/${version}`,
      kind: 'MetaChat',
      metadata: { name: 'typo' },
      spec: { ...valid, partitons: 4 },
    });
    let message = '';
    try {
      execFileSync(kubectl, ['--kubeconfig', kubeconfigPath, 'create', '-f', '-'], {
        input: manifest,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (err) {
      message = String((err as { stderr?: string }).stderr);
    }
    expect(message).to.contain('unknown field "spec.partitons"');
  });

  it('shows in kubectl get with its short name and category', () => {
    const { kubectl, kubeconfigPath } = server('kube');
    const out = execFileSync(kubectl, ['--kubeconfig', kubeconfigPath, 'get', 'mc'], { encoding: 'utf8' });
    expect(out.split('\n')[0]).to.match(/^NAME\s+READY\s+REASON\s+SERVICES\s+VERSION\s+AGE/);
    expect(out).to.contain('platform');
    expect(
      execFileSync(kubectl, ['--kubeconfig', kubeconfigPath, 'get', 'metachat', '-o', 'name'], {
        encoding: 'utf8',
      }),
    ).to.contain('metachat.metachat.io/platform');
  });
});
