import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { server } from '../../../e2e/testenv/root-hooks.js';
import { planMetaChat } from './metachat.js';

describe('MetaChat plan on the real API server', () => {
  it('produces objects the API server accepts (server-side apply, dry run)', () => {
    const { kubectl, kubeconfigPath } = server('kube');
    const objects = planMetaChat({
      metadata: { name: 'dry', namespace: 'default', uid: '00000000-0000-4000-8000-000000000001' },
      spec: {
        image: 'ghcr.io/metachat/metachat',
        nats: { url: 'nats://nats:4222' },
        mongodb: { urlSecretRef: { name: 'mongo', key: 'url' } },
        redis: { url: 'redis://redis:6379' },
        jwtSecretRef: { name: 'jwt', key: 'secret' },
        ingress: { host: 'chat.example.com', className: 'nginx', tlsSecretName: 'chat-tls' },
        services: {
          gateway: { replicas: 2, resources: { requests: { cpu: '100m', memory: '128Mi' } } },
          chat: { autoscaling: { minReplicas: 2, maxReplicas: 5 } },
        },
      },
    });
    const out = execFileSync(
      kubectl,
      [
        '--kubeconfig',
        kubeconfigPath,
        'apply',
        '--server-side',
        '--field-manager=metachat-operator',
        '--dry-run=server',
        '-f',
        '-',
      ],
      { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }), encoding: 'utf8' },
    );
    const applied = out.trim().split('\n');
    expect(applied).to.have.length(objects.length);
    for (const line of applied) expect(line).to.match(/serverside-applied \(server dry run\)$/);
  });
});
