import { apiVersion } from '../api/common.js';
import {
  platformServices,
  type MetaChatSpec,
  type PlatformService,
  type ServiceSpec,
} from '../api/metachat.js';
import type { ProgramName } from '../../../services/programs.js';
import { passwordEnvOf, renderNatsAuthorization } from '../../../services/kit/nats-authorization.js';

// The plan of a MetaChat: the Kubernetes objects its spec asks for. Pure: the
// reconciler applies what this returns (server-side apply) and deletes owned
// objects it no longer returns.

export interface MetaChatResource {
  metadata: { name: string; namespace: string; uid: string; generation?: number };
  spec: MetaChatSpec;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    ownerReferences: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller: true;
      blockOwnerDeletion: true;
    }[];
  };
  [key: string]: unknown;
}

export const opsPort = 9090;
export const httpPort = 8080;

export const childName = (owner: string, part: string) => `${owner}-${part}`;

export function ownerLabels(owner: string): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': 'metachat',
    'app.kubernetes.io/instance': owner,
    'app.kubernetes.io/managed-by': 'metachat-operator',
  };
}

/** Who owns a child object, and the platform it belongs to (the instance label). */
export interface Parent {
  namespace: string;
  platform: string;
  owner: { kind: string; name: string; uid: string };
}

export const platformParent = (mc: MetaChatResource): Parent => ({
  namespace: mc.metadata.namespace,
  platform: mc.metadata.name,
  owner: { kind: 'MetaChat', name: mc.metadata.name, uid: mc.metadata.uid },
});

export function object(
  parent: Parent,
  apiVersion_: string,
  kind: string,
  name: string,
  extraLabels: Record<string, string>,
  body: Record<string, unknown>,
): K8sObject {
  return {
    apiVersion: apiVersion_,
    kind,
    metadata: {
      name,
      namespace: parent.namespace,
      labels: { ...ownerLabels(parent.platform), ...extraLabels },
      ownerReferences: [{ apiVersion, ...parent.owner, controller: true, blockOwnerDeletion: true }],
    },
    ...body,
  };
}

/** Environment for a connection given as a URL or as a Secret key. */
function connectionEnv(
  name: string,
  connection: { url?: string; urlSecretRef?: { name: string; key: string } },
) {
  return connection.urlSecretRef
    ? {
        name,
        valueFrom: { secretKeyRef: { name: connection.urlSecretRef.name, key: connection.urlSecretRef.key } },
      }
    : { name, value: connection.url ?? '' };
}

/** One MetaChat service: its Deployment's name, the component label, and extra settings. */
export interface ServiceRole {
  name: string;
  component: string;
  service: PlatformService;
  settings: ServiceSpec;
  env?: EnvVar[];
}

type EnvVar =
  | { name: string; value: string }
  | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };

const fromSecret = (name: string, ref: { name: string; key: string }): EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
});

/** How many proxies the gateway trusts to name the client: the ingress controller when the plan makes an Ingress. */
export const trustedProxyHops = (spec: MetaChatSpec): number =>
  spec.trustedProxyHops ?? (spec.ingress ? 1 : 0);

/** The service's own NATS user, when the spec names a Secret of passwords (ADR 0013). */
function natsUserEnv(spec: MetaChatSpec, service: PlatformService): EnvVar[] {
  const secret = spec.nats.usersSecret;
  if (!secret) return [];
  return [{ name: 'NATS_USER', value: service }, fromSecret('NATS_PASSWORD', { name: secret, key: service })];
}

/**
 * What the platform team puts into their nats-server's config: a user per
 * service with its permissions. It holds no password: nats-server reads each
 * from an environment variable (METACHAT_NATS_<SERVICE>_PASSWORD) filled
 * from the same Secret.
 */
export const natsAuthorizationKey = 'authorization.conf';
export const natsAuthorizationConfig = (): string =>
  renderNatsAuthorization((service) => ({ env: passwordEnvOf(service) }));

/** Settings only one service takes from the spec. */
function serviceEnv(spec: MetaChatSpec, service: PlatformService): EnvVar[] {
  if (service === 'gateway') return [{ name: 'TRUST_PROXY_HOPS', value: String(trustedProxyHops(spec)) }];
  const hook = spec.notificationWebhook;
  if (service !== 'notifications' || !hook) return [];
  return [
    fromSecret('NOTIFY_WEBHOOK_URL', hook.urlSecretRef),
    ...(hook.signingSecretRef ? [fromSecret('NOTIFY_WEBHOOK_SECRET', hook.signingSecretRef)] : []),
  ];
}

export function serviceDeployment(
  parent: Parent,
  spec: MetaChatSpec,
  role: ServiceRole,
  configMap: string,
  serviceAccount: string,
): K8sObject {
  const { service, settings } = role;
  const selector = {
    'app.kubernetes.io/instance': parent.platform,
    'app.kubernetes.io/component': role.component,
  };
  const ports = [
    { name: 'ops', containerPort: opsPort },
    ...(service === 'gateway' ? [{ name: 'http', containerPort: httpPort }] : []),
  ];
  return object(
    parent,
    'apps/v1',
    'Deployment',
    role.name,
    { 'app.kubernetes.io/component': role.component },
    {
      spec: {
        ...(settings.autoscaling ? {} : { replicas: settings.replicas ?? 1 }),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...ownerLabels(parent.platform), ...selector } },
          spec: {
            serviceAccountName: serviceAccount,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: service,
                image: `${spec.image}:${spec.version ?? 'latest'}`,
                // The image's entry point runs the program its first argument names.
                args: [service satisfies ProgramName],
                ports,
                envFrom: [{ configMapRef: { name: configMap } }],
                env: [
                  connectionEnv('NATS_URL', spec.nats),
                  ...natsUserEnv(spec, service),
                  connectionEnv('MONGO_URL', spec.mongodb),
                  connectionEnv('REDIS_URL', spec.redis),
                  fromSecret('JWT_SECRET', spec.jwtSecretRef),
                  { name: 'REPLICA_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  ...(role.env ?? []),
                ],
                readinessProbe: { httpGet: { path: '/readyz', port: 'ops' }, periodSeconds: 5 },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'ops' },
                  periodSeconds: 10,
                  failureThreshold: 3,
                },
                ...(settings.resources ? { resources: settings.resources } : {}),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    },
  );
}

/** A HorizontalPodAutoscaler where autoscaling is asked for; a PodDisruptionBudget where replicas > 1. */
export function scalingObjects(
  parent: Parent,
  deployment: string,
  component: string,
  settings: ServiceSpec,
): K8sObject[] {
  const labels = { 'app.kubernetes.io/component': component };
  const objects: K8sObject[] = [];
  const autoscaling = settings.autoscaling;
  if (autoscaling) {
    objects.push(
      object(parent, 'autoscaling/v2', 'HorizontalPodAutoscaler', deployment, labels, {
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment },
          minReplicas: autoscaling.minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: {
                  type: 'Utilization',
                  averageUtilization: autoscaling.targetCPUUtilizationPercentage ?? 70,
                },
              },
            },
          ],
        },
      }),
    );
  }
  const replicas = autoscaling ? autoscaling.minReplicas : (settings.replicas ?? 1);
  if (replicas > 1) {
    objects.push(
      object(parent, 'policy/v1', 'PodDisruptionBudget', deployment, labels, {
        spec: {
          maxUnavailable: 1,
          selector: { matchLabels: { 'app.kubernetes.io/instance': parent.platform, ...labels } },
        },
      }),
    );
  }
  return objects;
}

/** Every object a MetaChat's spec asks for, in a stable order. */
export function planMetaChat(mc: MetaChatResource): K8sObject[] {
  const { name } = mc.metadata;
  const { spec } = mc;
  const parent = platformParent(mc);
  const serviceAccount = childName(name, 'metachat');
  const configMap = childName(name, 'config');
  const objects: K8sObject[] = [
    object(parent, 'v1', 'ServiceAccount', serviceAccount, {}, { automountServiceAccountToken: false }),
    object(
      parent,
      'v1',
      'ConfigMap',
      configMap,
      {},
      {
        data: {
          MONGO_DB: 'metachat',
          ACTOR_PARTITIONS: String(spec.partitions ?? 16),
          OPS_PORT: String(opsPort),
          PORT: String(httpPort),
          LOG_LEVEL: 'info',
        },
      },
    ),
  ];
  if (spec.nats.usersSecret) {
    objects.push(
      object(
        parent,
        'v1',
        'ConfigMap',
        childName(name, 'nats-authorization'),
        {},
        {
          data: { [natsAuthorizationKey]: natsAuthorizationConfig() },
        },
      ),
    );
  }
  for (const service of platformServices) {
    const settings: ServiceSpec = spec.services?.[service] ?? {};
    const component = { 'app.kubernetes.io/component': service };
    objects.push(
      serviceDeployment(
        parent,
        spec,
        {
          name: childName(name, service),
          component: service,
          service,
          settings,
          env: serviceEnv(spec, service),
        },
        configMap,
        serviceAccount,
      ),
    );
    objects.push(
      object(parent, 'v1', 'Service', childName(name, service), component, {
        spec: {
          selector: { 'app.kubernetes.io/instance': name, ...component },
          ports: [
            { name: 'ops', port: opsPort, targetPort: 'ops' },
            ...(service === 'gateway' ? [{ name: 'http', port: 80, targetPort: 'http' }] : []),
          ],
        },
      }),
    );
    objects.push(...scalingObjects(parent, childName(name, service), service, settings));
  }
  if (spec.ingress) {
    const backend = { service: { name: childName(name, 'gateway'), port: { name: 'http' } } };
    objects.push(
      object(
        parent,
        'networking.k8s.io/v1',
        'Ingress',
        childName(name, 'gateway'),
        { 'app.kubernetes.io/component': 'gateway' },
        {
          spec: {
            ...(spec.ingress.className ? { ingressClassName: spec.ingress.className } : {}),
            ...(spec.ingress.tlsSecretName
              ? { tls: [{ hosts: [spec.ingress.host], secretName: spec.ingress.tlsSecretName }] }
              : {}),
            rules: [
              {
                host: spec.ingress.host,
                http: {
                  paths: ['/api', '/ws'].map((path) => ({ path, pathType: 'Prefix', backend })),
                },
              },
            ],
          },
        },
      ),
    );
  }
  return objects;
}
