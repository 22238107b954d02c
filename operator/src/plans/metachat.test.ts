import { expect } from 'chai';
import { programNames } from '../../../services/programs.js';
import { permissionsFor } from '../../../services/kit/nats-permissions.js';
import { planMetaChat, type K8sObject, type MetaChatResource } from './metachat.js';

const base: MetaChatResource = {
  metadata: { name: 'prod', namespace: 'chat', uid: 'uid-1', generation: 3 },
  spec: {
    image: 'ghcr.io/metachat/metachat',
    version: '1.2.3',
    nats: { url: 'nats://nats:4222' },
    mongodb: { urlSecretRef: { name: 'mongo', key: 'url' } },
    redis: { url: 'redis://redis:6379' },
    jwtSecretRef: { name: 'jwt', key: 'secret' },
    partitions: 32,
  },
};
const names = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);
const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)!;

describe('MetaChat plan', () => {
  it('asks for a service account, a config map, and a Deployment and Service per service', () => {
    expect(names(planMetaChat(base))).to.deep.equal([
      'ServiceAccount/prod-metachat',
      'ConfigMap/prod-config',
      'Deployment/prod-gateway',
      'Service/prod-gateway',
      'Deployment/prod-identity',
      'Service/prod-identity',
      'Deployment/prod-chat',
      'Service/prod-chat',
      'Deployment/prod-mood',
      'Service/prod-mood',
      'Deployment/prod-diary',
      'Service/prod-diary',
      'Deployment/prod-portrait',
      'Service/prod-portrait',
      'Deployment/prod-matching',
      'Service/prod-matching',
      'Deployment/prod-notifications',
      'Service/prod-notifications',
    ]);
  });

  it('gives the notification service its push hook from Secrets, and no other service', () => {
    const spec = {
      ...base.spec,
      notificationWebhook: {
        urlSecretRef: { name: 'hook', key: 'url' },
        signingSecretRef: { name: 'hook', key: 'key' },
      },
    };
    const envOf = (service: string) =>
      (
        find(planMetaChat({ ...base, spec }), 'Deployment', `prod-${service}`) as unknown as {
          spec: { template: { spec: { containers: { env: { name: string }[] }[] } } };
        }
      ).spec.template.spec.containers[0]!.env;
    expect(envOf('notifications')).to.deep.include.members([
      { name: 'NOTIFY_WEBHOOK_URL', valueFrom: { secretKeyRef: { name: 'hook', key: 'url' } } },
      { name: 'NOTIFY_WEBHOOK_SECRET', valueFrom: { secretKeyRef: { name: 'hook', key: 'key' } } },
    ]);
    expect(envOf('chat').map((e) => e.name)).not.to.include('NOTIFY_WEBHOOK_URL');
  });

  it('tells the gateway how many proxies name the client: as declared, else the Ingress it makes, else none', () => {
    const gatewayEnv = (spec: object) =>
      (
        find(
          planMetaChat({ ...base, spec: { ...base.spec, ...spec } }),
          'Deployment',
          'prod-gateway',
        ) as unknown as {
          spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
        }
      ).spec.template.spec.containers[0]!.env.find((e) => e.name === 'TRUST_PROXY_HOPS')?.value;
    expect(gatewayEnv({})).to.equal('0');
    expect(gatewayEnv({ ingress: { host: 'chat.example.com' } })).to.equal('1');
    expect(gatewayEnv({ ingress: { host: 'chat.example.com' }, trustedProxyHops: 2 })).to.equal('2');
    expect(gatewayEnv({ trustedProxyHops: 0 })).to.equal('0');
  });

  it('owns every object through a controller reference and labels it', () => {
    for (const o of planMetaChat(base)) {
      expect(o.metadata.namespace).to.equal('chat');
      expect(o.metadata.ownerReferences).to.deep.equal([
        {
          apiVersion: 'metachat.io/v1alpha1',
          kind: 'MetaChat',
          name: 'prod',
          uid: 'uid-1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(o.metadata.labels).to.include({
        'app.kubernetes.io/instance': 'prod',
        'app.kubernetes.io/managed-by': 'metachat-operator',
      });
    }
  });

  it("runs each service's own program of the image's entry point", () => {
    const deployments = planMetaChat(base).filter((o) => o.kind === 'Deployment') as unknown as {
      metadata: { name: string; labels: Record<string, string> };
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    }[];
    expect(deployments).to.have.length(8);
    for (const d of deployments) {
      const component = d.metadata.labels['app.kubernetes.io/component']!;
      expect(programNames, d.metadata.name).to.include(component);
      expect(d.spec.template.spec.containers[0]!.args, d.metadata.name).to.deep.equal([component]);
    }
  });

  it('wires connections from URLs or Secrets, never copying a secret value', () => {
    const chat = find(planMetaChat(base), 'Deployment', 'prod-chat') as unknown as {
      spec: { template: { spec: { containers: { image: string; env: unknown[]; args: string[] }[] } } };
    };
    const container = chat.spec.template.spec.containers[0]!;
    expect(container.image).to.equal('ghcr.io/metachat/metachat:1.2.3');
    expect(container.args).to.deep.equal(['chat']);
    expect(container.env).to.deep.include.members([
      { name: 'NATS_URL', value: 'nats://nats:4222' },
      { name: 'MONGO_URL', valueFrom: { secretKeyRef: { name: 'mongo', key: 'url' } } },
      { name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: 'jwt', key: 'secret' } } },
    ]);
    expect(
      (find(planMetaChat(base), 'ConfigMap', 'prod-config') as unknown as { data: Record<string, string> })
        .data.ACTOR_PARTITIONS,
    ).to.equal('32');
  });

  it('signs each service in as its own NATS user from the Secret the spec names, and renders their permissions', () => {
    const withUsers = {
      ...base,
      spec: { ...base.spec, nats: { ...base.spec.nats, usersSecret: 'prod-nats' } },
    };
    const objects = planMetaChat(withUsers);
    for (const service of ['gateway', 'chat', 'mood']) {
      const deployment = find(objects, 'Deployment', `prod-${service}`) as unknown as {
        spec: { template: { spec: { containers: { env: unknown[] }[] } } };
      };
      expect(deployment.spec.template.spec.containers[0]!.env).to.deep.include.members([
        { name: 'NATS_USER', value: service },
        { name: 'NATS_PASSWORD', valueFrom: { secretKeyRef: { name: 'prod-nats', key: service } } },
      ]);
    }
    const config = (
      find(objects, 'ConfigMap', 'prod-nats-authorization') as unknown as { data: Record<string, string> }
    ).data['authorization.conf']!;
    expect(config).to.contain('{user: "mood", password: $METACHAT_NATS_MOOD_PASSWORD,');
    expect(config).to.contain(JSON.stringify(permissionsFor('gateway')));

    const anonymous = planMetaChat(base);
    expect(names(anonymous)).to.not.include('ConfigMap/prod-nats-authorization');
    const chat = find(anonymous, 'Deployment', 'prod-chat') as unknown as {
      spec: { template: { spec: { containers: { env: { name: string }[] }[] } } };
    };
    expect(chat.spec.template.spec.containers[0]!.env.map((e) => e.name)).to.not.include('NATS_USER');
  });

  it('adds a disruption budget above one replica, and an autoscaler instead of fixed replicas when asked', () => {
    const objects = planMetaChat({
      ...base,
      spec: {
        ...base.spec,
        services: { gateway: { replicas: 3 }, chat: { autoscaling: { minReplicas: 2, maxReplicas: 6 } } },
      },
    });
    expect(names(objects)).to.include.members([
      'PodDisruptionBudget/prod-gateway',
      'HorizontalPodAutoscaler/prod-chat',
      'PodDisruptionBudget/prod-chat',
    ]);
    expect(names(objects)).not.to.include('PodDisruptionBudget/prod-identity');
    expect(
      (find(objects, 'Deployment', 'prod-gateway') as unknown as { spec: { replicas: number } }).spec
        .replicas,
    ).to.equal(3);
    expect(find(objects, 'Deployment', 'prod-chat').spec).not.to.have.property('replicas'); // the autoscaler owns it
    expect(
      (
        find(objects, 'HorizontalPodAutoscaler', 'prod-chat') as unknown as {
          spec: { minReplicas: number; maxReplicas: number };
        }
      ).spec,
    ).to.include({
      minReplicas: 2,
      maxReplicas: 6,
    });
  });

  it('routes /api and /ws to the gateway through an Ingress with TLS when asked', () => {
    const objects = planMetaChat({
      ...base,
      spec: {
        ...base.spec,
        ingress: { host: 'chat.example.com', className: 'nginx', tlsSecretName: 'chat-tls' },
      },
    });
    const ingress = find(objects, 'Ingress', 'prod-gateway') as unknown as {
      spec: {
        ingressClassName: string;
        tls: unknown[];
        rules: { host: string; http: { paths: { path: string }[] } }[];
      };
    };
    expect(ingress.spec.ingressClassName).to.equal('nginx');
    expect(ingress.spec.tls).to.deep.equal([{ hosts: ['chat.example.com'], secretName: 'chat-tls' }]);
    expect(ingress.spec.rules[0]!.http.paths.map((p) => p.path)).to.deep.equal(['/api', '/ws']);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(planMetaChat(base))).to.equal(JSON.stringify(planMetaChat(structuredClone(base))));
  });
});
