import { apiVersion } from '../api/common.js';
import {
  platformServices,
  type MetaChatSpec,
  type PlatformService,
  type ServiceSpec,
} from '../api/metachat.js';

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

function object(
  mc: MetaChatResource,
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
      namespace: mc.metadata.namespace,
      labels: { ...ownerLabels(mc.metadata.name), ...extraLabels },
      ownerReferences: [
        {
          apiVersion,
          kind: 'MetaChat',
          name: mc.metadata.name,
          uid: mc.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
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

function deployment(
  mc: MetaChatResource,
  service: PlatformService,
  settings: ServiceSpec,
  configMap: string,
  serviceAccount: string,
): K8sObject {
  const { spec } = mc;
  const selector = { 'app.kubernetes.io/instance': mc.metadata.name, 'app.kubernetes.io/component': service };
  const ports = [
    { name: 'ops', containerPort: opsPort },
    ...(service === 'gateway' ? [{ name: 'http', containerPort: httpPort }] : []),
  ];
  return object(
    mc,
    'apps/v1',
    'Deployment',
    childName(mc.metadata.name, service),
    { 'app.kubernetes.io/component': service },
    {
      spec: {
        ...(settings.autoscaling ? {} : { replicas: settings.replicas ?? 1 }),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...ownerLabels(mc.metadata.name), ...selector } },
          spec: {
            serviceAccountName: serviceAccount,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: service,
                image: `${spec.image}:${spec.version ?? 'latest'}`,
                args: [service],
                ports,
                envFrom: [{ configMapRef: { name: configMap } }],
                env: [
                  connectionEnv('NATS_URL', spec.nats),
                  connectionEnv('MONGO_URL', spec.mongodb),
                  connectionEnv('REDIS_URL', spec.redis),
                  {
                    name: 'JWT_SECRET',
                    valueFrom: { secretKeyRef: { name: spec.jwtSecretRef.name, key: spec.jwtSecretRef.key } },
                  },
                  { name: 'REPLICA_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
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

/** Every object a MetaChat's spec asks for, in a stable order. */
export function planMetaChat(mc: MetaChatResource): K8sObject[] {
  const { name } = mc.metadata;
  const { spec } = mc;
  const serviceAccount = childName(name, 'metachat');
  const configMap = childName(name, 'config');
  const objects: K8sObject[] = [
    object(mc, 'v1', 'ServiceAccount', serviceAccount, {}, { automountServiceAccountToken: false }),
    object(
      mc,
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
  for (const service of platformServices) {
    const settings: ServiceSpec = spec.services?.[service] ?? {};
    const component = { 'app.kubernetes.io/component': service };
    objects.push(deployment(mc, service, settings, configMap, serviceAccount));
    objects.push(
      object(mc, 'v1', 'Service', childName(name, service), component, {
        spec: {
          selector: { 'app.kubernetes.io/instance': name, ...component },
          ports: [
            { name: 'ops', port: opsPort, targetPort: 'ops' },
            ...(service === 'gateway' ? [{ name: 'http', port: 80, targetPort: 'http' }] : []),
          ],
        },
      }),
    );
    const autoscaling = settings.autoscaling;
    if (autoscaling) {
      objects.push(
        object(mc, 'autoscaling/v2', 'HorizontalPodAutoscaler', childName(name, service), component, {
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: childName(name, service) },
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
        object(mc, 'policy/v1', 'PodDisruptionBudget', childName(name, service), component, {
          spec: {
            maxUnavailable: 1,
            selector: { matchLabels: { 'app.kubernetes.io/instance': name, ...component } },
          },
        }),
      );
    }
  }
  if (spec.ingress) {
    const backend = { service: { name: childName(name, 'gateway'), port: { name: 'http' } } };
    objects.push(
      object(
        mc,
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
