import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { goServerBinary } from '../testenv/binaries.js';
import { server } from '../testenv/root-hooks.js';

const chart = fileURLToPath(new URL('../../charts/metachat-operator', import.meta.url));
const namespace = 'metachat-system';
const serviceAccount = `system:serviceaccount:${namespace}:mc-metachat-operator`;

describe('Helm chart (helm built from source; real API server)', function () {
  this.timeout(60_000);
  let helmHome: string;
  const run = (command: string, args: string[], input?: string) => {
    const result = spawnSync(command, args, {
      encoding: 'utf8',
      input,
      env: {
        ...process.env,
        HELM_CACHE_HOME: join(helmHome, 'cache'),
        HELM_CONFIG_HOME: join(helmHome, 'config'),
        HELM_DATA_HOME: join(helmHome, 'data'),
      },
    });
    return { status: result.status, stdout: result.stdout, out: `${result.stdout}${result.stderr}` };
  };
  const helm = (...args: string[]) => run(goServerBinary('helm'), args);
  const kubectl = (args: string[], input?: string) => {
    const kube = server('kube');
    return run(kube.kubectl, ['--kubeconfig', kube.kubeconfigPath, ...args], input);
  };
  const render = (...extra: string[]) =>
    helm(
      'template',
      'mc',
      chart,
      '--namespace',
      namespace,
      '--include-crds',
      '--kube-version',
      '1.34.4',
      ...extra,
    );

  before(() => {
    helmHome = mkdtempSync(join(tmpdir(), 'metachat-helm-'));
  });
  after(() => rmSync(helmHome, { recursive: true, force: true }));

  it('passes helm lint --strict', () => {
    const lint = helm('lint', '--strict', chart);
    expect(lint.status, lint.out).to.equal(0);
    expect(lint.out).to.contain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('renders the CRDs, least-privilege RBAC, the operator and its metrics Service', () => {
    const rendered = render();
    expect(rendered.status, rendered.out).to.equal(0);
    const objects = parseAllDocuments(rendered.out)
      .map(
        (d) => d.toJS() as { kind: string; metadata: { name: string }; rules?: { verbs: string[] }[] } | null,
      )
      .filter((o) => o !== null);
    expect(objects.map((o) => o.kind).sort()).to.deep.equal(
      [
        ...['ChatRoom', 'MetaChat', 'MoodModel'].map(() => 'CustomResourceDefinition'),
        'ClusterRole',
        'ClusterRoleBinding',
        'Deployment',
        'Role',
        'RoleBinding',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
    const rules = objects.filter((o) => o.kind.endsWith('Role')).flatMap((o) => o.rules ?? []);
    expect(rules.flatMap((r) => r.verbs)).to.not.include('*');
  });

  it('is accepted by the API server (server-side dry run), and its RBAC allows the operator exactly what it needs', () => {
    kubectl(['create', 'namespace', namespace]);
    const manifest = render().out;
    const dryRun = kubectl(['apply', '--server-side', '--dry-run=server', '-f', '-'], manifest);
    expect(dryRun.status, dryRun.out).to.equal(0);
    expect(dryRun.out).to.contain('deployment.apps/mc-metachat-operator serverside-applied (server dry run)');

    const applied = kubectl(['apply', '--server-side', '-f', '-'], manifest);
    expect(applied.status, applied.out).to.equal(0);
    const can = (verb: string, resourceAndSub: string, ns = 'default') => {
      const [resource, subresource] = resourceAndSub.split('/') as [string, string | undefined];
      const sub = subresource ? [`--subresource=${subresource}`] : [];
      return kubectl([
        'auth',
        'can-i',
        verb,
        resource,
        ...sub,
        '-n',
        ns,
        '--as',
        serviceAccount,
      ]).stdout.trim();
    };
    for (const [verb, resource, ns] of [
      ['watch', 'chatrooms.metachat.io'],
      ['patch', 'chatrooms.metachat.io'],
      ['update', 'metachats.metachat.io/status'],
      ['create', 'deployments.apps'],
      ['delete', 'horizontalpodautoscalers.autoscaling'],
      ['get', 'secrets'],
      ['create', 'events'],
      ['update', 'leases.coordination.k8s.io', namespace],
    ] as const) {
      expect(can(verb, resource, ns), `${verb} ${resource}`).to.equal('yes');
    }
    for (const [verb, resource, ns] of [
      ['list', 'secrets'],
      ['update', 'metachats.metachat.io'],
      ['create', 'pods'],
      ['delete', 'namespaces'],
      ['update', 'leases.coordination.k8s.io', 'default'],
    ] as const) {
      expect(can(verb, resource, ns), `${verb} ${resource}`).to.equal('no');
    }
  });

  it('refuses values its schema does not allow, naming them', () => {
    const negative = render('--set', 'replicaCount=-1');
    expect(negative.status).to.not.equal(0);
    expect(negative.out).to.contain('replicaCount');
    const unknown = render('--set', 'replicas=3');
    expect(unknown.status).to.not.equal(0);
    expect(unknown.out).to.contain('replicas');
  });
});
