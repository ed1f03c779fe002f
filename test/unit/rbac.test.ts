import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { ApiException } from '@kubernetes/client-node';
import {
  clusterScopedKinds,
  describeDeadRun,
  removeEach,
} from '../../helpers/framework/leftovers.js';
import { requiredPermissions } from '../../helpers/k8s/cluster.js';
import { NAD_GROUP, NAD_PLURAL } from '../../helpers/probes/network-attachment.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}
interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace: string }[];
}

const docs = parseAllDocuments(
  readFileSync(path.join(root, 'sonobuoy', 'rbac-least-privilege.yaml'), 'utf8'),
).map((d) => d.toJS() as Doc);
const role = docs.find((d) => d.kind === 'ClusterRole') as Doc;

function grants(group: string, resource: string, verb: string): boolean {
  return (role.rules ?? []).some(
    (rule) =>
      (rule.apiGroups ?? []).includes(group) &&
      (rule.resources ?? []).includes(resource) &&
      rule.verbs.includes(verb),
  );
}

/**
 * Every Kubernetes client method the suite calls, and what it needs. A new
 * call in helpers/ or suites/ fails the scan below until it is listed here and
 * granted by the ClusterRole.
 */
const permissionOf: Record<string, [group: string, resource: string, verb: string]> = {
  listNode: ['', 'nodes', 'list'],
  readNode: ['', 'nodes', 'get'],
  connectGetNodeProxyWithPath: ['', 'nodes/proxy', 'get'],
  createNamespace: ['', 'namespaces', 'create'],
  deleteNamespace: ['', 'namespaces', 'delete'],
  listNamespace: ['', 'namespaces', 'list'],
  createNamespacedPod: ['', 'pods', 'create'],
  readNamespacedPod: ['', 'pods', 'get'],
  deleteNamespacedPod: ['', 'pods', 'delete'],
  listNamespacedPod: ['', 'pods', 'list'],
  listPodForAllNamespaces: ['', 'pods', 'list'],
  listLimitRangeForAllNamespaces: ['', 'limitranges', 'list'],
  listResourceQuotaForAllNamespaces: ['', 'resourcequotas', 'list'],
  readNamespacedPodLog: ['', 'pods/log', 'get'],
  createNamespacedService: ['', 'services', 'create'],
  readNamespacedService: ['', 'services', 'get'],
  createNamespacedConfigMap: ['', 'configmaps', 'create'],
  listConfigMapForAllNamespaces: ['', 'configmaps', 'list'],
  createNamespacedSecret: ['', 'secrets', 'create'],
  listSecretForAllNamespaces: ['', 'secrets', 'list'],
  createNamespacedPersistentVolumeClaim: ['', 'persistentvolumeclaims', 'create'],
  readNamespacedPersistentVolumeClaim: ['', 'persistentvolumeclaims', 'get'],
  readPersistentVolume: ['', 'persistentvolumes', 'get'],
  listPersistentVolume: ['', 'persistentvolumes', 'list'],
  listNamespacedEvent: ['', 'events', 'list'],
  listStorageClass: ['storage.k8s.io', 'storageclasses', 'list'],
  listCSIDriver: ['storage.k8s.io', 'csidrivers', 'list'],
  listCSINode: ['storage.k8s.io', 'csinodes', 'list'],
  listNamespacedEndpointSlice: ['discovery.k8s.io', 'endpointslices', 'list'],
  createNamespacedNetworkPolicy: ['networking.k8s.io', 'networkpolicies', 'create'],
  deleteNamespacedNetworkPolicy: ['networking.k8s.io', 'networkpolicies', 'delete'],
  listNetworkPolicyForAllNamespaces: ['networking.k8s.io', 'networkpolicies', 'list'],
  createNamespacedIngress: ['networking.k8s.io', 'ingresses', 'create'],
  readNamespacedIngress: ['networking.k8s.io', 'ingresses', 'get'],
  listIngressClass: ['networking.k8s.io', 'ingressclasses', 'list'],
  createNamespacedHorizontalPodAutoscaler: ['autoscaling', 'horizontalpodautoscalers', 'create'],
  readNamespacedHorizontalPodAutoscaler: ['autoscaling', 'horizontalpodautoscalers', 'get'],
  deleteNamespacedHorizontalPodAutoscaler: ['autoscaling', 'horizontalpodautoscalers', 'delete'],
  listAPIService: ['apiregistration.k8s.io', 'apiservices', 'list'],
  createNamespacedCustomObject: [NAD_GROUP, NAD_PLURAL, 'create'],
  listClusterCustomObject: [NAD_GROUP, NAD_PLURAL, 'list'],
  createNamespacedLease: ['coordination.k8s.io', 'leases', 'create'],
  readNamespacedLease: ['coordination.k8s.io', 'leases', 'get'],
  replaceNamespacedLease: ['coordination.k8s.io', 'leases', 'update'],
  createSelfSubjectAccessReview: ['authorization.k8s.io', 'selfsubjectaccessreviews', 'create'],
};
/** Methods that look like API calls but are the suite's own helpers or client-side. */
const notApiCalls = new Set([
  'createAndWaitRunning',
  'createRunning',
  'createService',
  'createClaim',
  'createPolicy',
  'createIngress',
  'createAttachment',
]);

/** RBAC resource (plural) of each kind the generic client is used with. */
const resourceOfKind: Record<string, string> = {
  ClusterRoleBinding: 'clusterrolebindings',
  ClusterRole: 'clusterroles',
  StorageClass: 'storageclasses',
  PersistentVolume: 'persistentvolumes',
};
/** Generic object client methods and the RBAC verb each needs. */
const verbOfGenericCall: Record<string, string> = {
  create: 'create',
  read: 'get',
  list: 'list',
  replace: 'update',
  patch: 'patch',
  delete: 'delete',
};
/**
 * Every file that uses the generic client (KubernetesObjectApi), the kinds it
 * uses it with and the generic calls it makes. A new file, kind or call fails
 * the scan below until it is listed here and granted by the ClusterRole.
 */
const genericCalls: Record<string, { kinds: readonly { apiVersion: string; kind: string }[] }> = {
  // The leftover sweep: list and delete of the cluster-scoped kinds checks may create.
  'helpers/framework/leftovers.ts': { kinds: clusterScopedKinds },
  // API discovery: GET /apis/<group version> only (a nonResourceURL, no object call).
  'helpers/k8s/discovery.ts': { kinds: [] },
};

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '';
}

/** [group, resource, verb] for every generic call of every listed file, by scanning its source. */
function genericPermissions(files: readonly string[]): {
  needed: [group: string, resource: string, verb: string][];
  unlisted: string[];
  unknownKinds: string[];
} {
  const needed: [string, string, string][] = [];
  const unlisted: string[] = [];
  const unknownKinds: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('KubernetesObjectApi')) continue;
    const listed = genericCalls[path.relative(root, file)];
    if (!listed) {
      unlisted.push(path.relative(root, file));
      continue;
    }
    const verbs = [...text.matchAll(/\.(create|read|list|replace|patch|delete)\(/g)].map(
      (m) => verbOfGenericCall[m[1] as string] as string,
    );
    for (const { apiVersion, kind } of listed.kinds) {
      const resource = resourceOfKind[kind];
      if (!resource) unknownKinds.push(kind);
      else for (const verb of new Set(verbs)) needed.push([groupOf(apiVersion), resource, verb]);
    }
  }
  return { needed, unlisted, unknownKinds };
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return name.endsWith('.ts') ? [file] : [];
  });
}

describe('least-privilege RBAC (sonobuoy/rbac-least-privilege.yaml)', () => {
  it('has a ClusterRole, a ServiceAccount and a binding between them', () => {
    const account = docs.find((d) => d.kind === 'ServiceAccount') as Doc;
    const binding = docs.find((d) => d.kind === 'ClusterRoleBinding') as Doc;
    expect(role.rules?.length).to.be.above(5);
    expect(binding.roleRef).to.include({ kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).to.deep.equal([
      {
        kind: 'ServiceAccount',
        name: account.metadata.name,
        namespace: account.metadata.namespace,
      },
    ]);
  });

  it('has no wildcard verb, resource or API group', () => {
    for (const rule of role.rules ?? []) {
      for (const value of [...rule.verbs, ...(rule.resources ?? []), ...(rule.apiGroups ?? [])])
        expect(value, JSON.stringify(rule)).not.to.contain('*');
    }
  });

  it('grants every permission the preflight asks for', () => {
    for (const p of requiredPermissions) {
      const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
      expect(grants(p.group ?? '', resource, p.verb), `${p.verb} ${resource}`).to.equal(true);
    }
  });

  it('grants exec (create, and get for older API servers) and API discovery', () => {
    expect(grants('', 'pods/exec', 'create')).to.equal(true);
    expect(grants('', 'pods/exec', 'get')).to.equal(true);
    const urls = (role.rules ?? []).flatMap((r) => r.nonResourceURLs ?? []);
    expect(urls).to.include.members(['/api', '/apis', '/version']);
  });

  it('grants what every Kubernetes client call in helpers/ and suites/ needs', () => {
    const files = [...sources(path.join(root, 'helpers')), ...sources(path.join(root, 'suites'))];
    const unknown = new Set<string>();
    const denied = new Set<string>();
    let calls = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /\.((?:list|create|read|delete|replace|patch|connect)[A-Z]\w*)\(/g,
      )) {
        const method = m[1] as string;
        if (notApiCalls.has(method)) continue;
        calls++;
        const permission = permissionOf[method];
        if (!permission) unknown.add(`${method} (${path.relative(root, file)})`);
        else if (!grants(...permission))
          denied.add(`${permission[2]} ${permission[1]} for ${method}`);
      }
    }
    expect(calls).to.be.above(20);
    expect([...unknown], 'calls not in permissionOf: list them and grant them').to.deep.equal([]);
    expect([...denied], 'calls the ClusterRole does not grant').to.deep.equal([]);
  });

  it('grants the generic object calls (KubernetesObjectApi) of the leftover sweep', () => {
    const files = [...sources(path.join(root, 'helpers')), ...sources(path.join(root, 'suites'))];
    const { needed, unlisted, unknownKinds } = genericPermissions(files);
    expect(unlisted, 'files using KubernetesObjectApi not in genericCalls').to.deep.equal([]);
    expect(unknownKinds, 'kinds not in resourceOfKind').to.deep.equal([]);
    const sweep = needed.map(([g, r, v]) => `${v} ${g}/${r}`);
    for (const kind of [
      'clusterroles',
      'clusterrolebindings',
      'storageclasses',
      'persistentvolumes',
    ])
      for (const verb of ['list', 'delete'])
        expect(sweep, 'the sweep').to.include(
          `${verb} ${groupOf(
            clusterScopedKinds.find((k) => resourceOfKind[k.kind] === kind)?.apiVersion ?? '',
          )}/${kind}`,
        );
    const denied = needed.filter((p) => !grants(...p)).map(([g, r, v]) => `${v} ${g}/${r}`);
    expect(denied, 'generic calls the ClusterRole does not grant').to.deep.equal([]);
  });

  it('grants the HorizontalPodAutoscaler round trip of ra2.k8s.013 (create, get, delete), no more', () => {
    for (const verb of ['create', 'get', 'delete'])
      expect(grants('autoscaling', 'horizontalpodautoscalers', verb), verb).to.equal(true);
    for (const verb of ['list', 'update', 'patch', 'watch'])
      expect(grants('autoscaling', 'horizontalpodautoscalers', verb), verb).to.equal(false);
  });

  it('grants the namespace list and delete the sweep does through the typed client', () => {
    expect(grants('', 'namespaces', 'list')).to.equal(true);
    expect(grants('', 'namespaces', 'delete')).to.equal(true);
  });

  it('grants nothing the suite does not call (besides exec and discovery)', () => {
    const needed = new Set(Object.values(permissionOf).map(([g, r, v]) => `${g}|${r}|${v}`));
    const files = [...sources(path.join(root, 'helpers')), ...sources(path.join(root, 'suites'))];
    for (const [g, r, v] of genericPermissions(files).needed) needed.add(`${g}|${r}|${v}`);
    needed.add('|pods/exec|create').add('|pods/exec|get');
    for (const rule of role.rules ?? []) {
      for (const group of rule.apiGroups ?? [])
        for (const resource of rule.resources ?? [])
          for (const verb of rule.verbs)
            expect(
              needed.has(`${group}|${resource}|${verb}`),
              `${verb} ${group}/${resource}`,
            ).to.equal(true);
    }
  });
});

describe('the leftover sweep when a delete is refused', () => {
  const forbidden = () =>
    Promise.reject(
      new ApiException(403, 'clusterroles.rbac.authorization.k8s.io "x" is forbidden', {}, {}),
    );
  const gone = () => Promise.reject(new ApiException(404, 'not found', {}, {}));

  it('reports a 403 as "could not remove <object>: <cause>", never as removed', async () => {
    const outcome = await removeEach(
      [
        { object: 'namespace/ra2-k8s-010-abcde', remove: () => Promise.resolve({}) },
        { object: 'clusterrole/ra2-x', remove: forbidden },
        { object: 'storageclass/ra2-y', remove: gone },
      ],
      'https://127.0.0.1:6443',
    );
    expect(outcome.removed).to.deep.equal(['namespace/ra2-k8s-010-abcde', 'storageclass/ra2-y']);
    expect(outcome.notRemoved).to.have.length(1);
    expect(outcome.notRemoved[0]).to.match(/^could not remove clusterrole\/ra2-x: .*403 Forbidden/);

    const lines = describeDeadRun({ runId: 'r1', reason: 'its heartbeat is stale', ...outcome });
    expect(lines[0]).to.equal(
      'Removed leftovers of run r1 (its heartbeat is stale): namespace/ra2-k8s-010-abcde, storageclass/ra2-y',
    );
    expect(lines[1]).to.match(/^Leftovers of run r1: could not remove clusterrole\/ra2-x: /);
    expect(lines.join('\n')).to.not.match(/Removed[^\n]*clusterrole\/ra2-x/);
  });

  it('says nothing was removed when every delete failed', async () => {
    const outcome = await removeEach([{ object: 'persistentvolume/pv', remove: forbidden }], 's');
    expect(outcome.removed).to.deep.equal([]);
    const lines = describeDeadRun({ runId: 'r2', reason: 'gone', ...outcome });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.contain('could not remove persistentvolume/pv');
    expect(lines[0]).to.not.contain('Removed');
  });
});
