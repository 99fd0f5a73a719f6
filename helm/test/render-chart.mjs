// Proves that the Helm chart in helm/plexus renders to sound Kubernetes objects.
//
//   node --test helm/test/render-chart.mjs
//
// With a `helm` binary on PATH it runs `helm lint` and `helm template`; without
// one it renders through ./mini-helm.mjs, a strict subset of helm's template
// engine. PLEXUS_CHART_RENDERER=helm or =mini forces one of the two.
// (The file name deliberately avoids *.test.* so Jest does not collect it.)

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import { renderChart, toHelmOutput } from './mini-helm.mjs';
import { validateObject } from './validate-objects.mjs';

const CHART_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'plexus');
const RELEASE = 't';

function helmAvailable() {
  const probe = spawnSync('helm', ['version', '--short'], { encoding: 'utf8' });
  return probe.status === 0;
}

const forced = process.env.PLEXUS_CHART_RENDERER;
if (forced && forced !== 'helm' && forced !== 'mini') throw new Error('PLEXUS_CHART_RENDERER must be helm or mini');
const useHelm = forced ? forced === 'helm' : helmAvailable();
if (useHelm && !helmAvailable()) throw new Error('PLEXUS_CHART_RENDERER=helm but no helm binary runs');
console.log(`# chart renderer: ${useHelm ? 'helm' : 'mini-helm (no helm binary found)'}`);

const scratch = mkdtempSync(path.join(tmpdir(), 'plexus-chart-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function helm(args) {
  return spawnSync('helm', args, { encoding: 'utf8' });
}

/**
 * Renders the chart with `values` (merged over values.yaml, like `-f`).
 * Returns { ok: true, docs, text } or { ok: false, error }.
 */
function render(values = {}, extraHelmArgs = []) {
  let text;
  if (useHelm) {
    const file = path.join(scratch, `values-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(values)); // JSON is YAML
    const run = helm(['template', RELEASE, CHART_DIR, '--namespace', 'default', '-f', file, ...extraHelmArgs]);
    if (run.status !== 0) return { ok: false, error: run.stderr };
    text = run.stdout;
  } else {
    try {
      text = toHelmOutput(renderChart(CHART_DIR, { releaseName: RELEASE, namespace: 'default', values }));
    } catch (error) {
      return { ok: false, error: error.message };
    }
  }
  const docs = yaml.loadAll(text).filter((doc) => doc !== null && doc !== undefined);
  return { ok: true, docs, text };
}

function mustRender(values, extraHelmArgs) {
  const result = render(values, extraHelmArgs);
  assert.ok(result.ok, `chart failed to render: ${result.error}`);
  return result.docs;
}

const find = (docs, kind) => docs.filter((doc) => doc.kind === kind);
const one = (docs, kind) => {
  const found = find(docs, kind);
  assert.equal(found.length, 1, `expected one ${kind}, got ${found.length}`);
  return found[0];
};
const envOf = (deployment) =>
  Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e) => [e.name, e]));
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('helm/plexus chart', () => {
  test('Chart.yaml is a v2 chart named plexus, version 0.1.0', () => {
    const chart = yaml.load(readFileSync(path.join(CHART_DIR, 'Chart.yaml'), 'utf8'));
    assert.equal(chart.apiVersion, 'v2');
    assert.equal(chart.name, 'plexus');
    assert.equal(chart.version, '0.1.0');
    assert.equal(String(chart.appVersion), '0.1.0');
  });

  test('lints with the default values', { skip: !useHelm && 'needs helm' }, () => {
    const run = helm(['lint', CHART_DIR]);
    assert.equal(run.status, 0, `helm lint failed:\n${run.stdout}\n${run.stderr}`);
  });

  test('renders well-formed objects with the default values (adminKey generated)', () => {
    const docs = mustRender({});
    assert.deepEqual(docs.map((d) => d.kind).sort(), ['Deployment', 'Secret', 'Service']);
    for (const doc of docs) {
      assert.ok(doc.apiVersion, `${doc.kind} has an apiVersion`);
      assert.match(doc.metadata.name, DNS1123);
      for (const [key, value] of Object.entries(doc.metadata.labels ?? {})) {
        assert.ok(String(value).length <= 63, `label ${key} is at most 63 characters`);
      }
    }
    const adminKey = Buffer.from(one(docs, 'Secret').data.ADMIN_KEY, 'base64').toString();
    assert.match(adminKey, /^[A-Za-z0-9]{40}$/);
  });

  test('`helm template t helm/plexus --set adminKey=x` renders a Deployment and a Service', () => {
    const docs = useHelm ? mustRender({}, ['--set', 'adminKey=x']) : mustRender({ adminKey: 'x' });
    const deployment = one(docs, 'Deployment');
    const service = one(docs, 'Service');
    const secret = one(docs, 'Secret');
    assert.equal(deployment.apiVersion, 'apps/v1');
    assert.equal(deployment.metadata.name, 't-plexus');
    assert.equal(deployment.spec.replicas, 1);
    assert.equal(deployment.spec.strategy, undefined, 'RollingUpdate by default without persistence');

    // The selector matches the pod template and the Service selects the same pods.
    const podLabels = deployment.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(deployment.spec.selector.matchLabels))
      assert.equal(podLabels[key], value);
    for (const [key, value] of Object.entries(service.spec.selector)) assert.equal(podLabels[key], value);

    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    assert.equal(container.image, 'plexus:0.1.0');
    assert.equal(container.imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(container.ports, [{ name: 'http', containerPort: 4000, protocol: 'TCP' }]);
    assert.deepEqual(container.livenessProbe.httpGet, { path: '/health', port: 'http' });
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/ready', port: 'http' });
    assert.deepEqual(container.startupProbe.httpGet, { path: '/health', port: 'http' });

    const env = envOf(deployment);
    assert.equal(env.PORT.value, '4000');
    assert.equal(env.DATA_DIR.value, '/data');
    assert.equal(env.LOG_LEVEL.value, 'info');
    assert.equal(env.REDIS_URL, undefined);
    assert.deepEqual(env.ADMIN_KEY.valueFrom.secretKeyRef, { name: 't-plexus', key: 'ADMIN_KEY' });
    assert.equal(env.ENCRYPTION_KEY.valueFrom.secretKeyRef.optional, true);
    assert.equal(env.DATABASE_URL.valueFrom.secretKeyRef.optional, true);

    // Non-root, read-only root filesystem, with writable /data and /tmp.
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.runAsUser, 1000);
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    const mounts = Object.fromEntries(container.volumeMounts.map((m) => [m.mountPath, m.name]));
    assert.deepEqual(mounts, { '/data': 'data', '/tmp': 'tmp' });
    const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
    assert.ok(volumes.data.emptyDir, 'data is an emptyDir without persistence');
    assert.ok(volumes.tmp.emptyDir);
    assert.ok(deployment.spec.template.metadata.annotations['checksum/secret']);

    assert.equal(service.spec.type, 'ClusterIP');
    assert.deepEqual(service.spec.ports, [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);

    assert.equal(secret.metadata.name, 't-plexus');
    assert.deepEqual(Object.keys(secret.data), ['ADMIN_KEY']);
    assert.equal(Buffer.from(secret.data.ADMIN_KEY, 'base64').toString(), 'x');
  });

  test('optional settings reach the pod and the Secret', () => {
    const encryptionKey = 'ab'.repeat(32);
    const docs = mustRender({
      adminKey: 'x',
      encryptionKey,
      databaseUrl: 'postgres://u:p@db:5432/plexus',
      redisUrl: 'redis://redis:6379',
      logLevel: 'debug',
      migrations: { job: false },
      image: { repository: 'registry.example/plexus', tag: '1.2.3' },
      resources: { requests: { cpu: '100m' }, limits: { memory: '1Gi' } },
      extraEnv: [{ name: 'EXTRA', value: 'yes' }],
      service: { type: 'NodePort', port: 8080 },
    });
    const secret = one(docs, 'Secret');
    const decode = (key) => Buffer.from(secret.data[key], 'base64').toString();
    assert.equal(decode('ENCRYPTION_KEY'), encryptionKey);
    assert.equal(decode('DATABASE_URL'), 'postgres://u:p@db:5432/plexus');
    const deployment = one(docs, 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    assert.equal(container.image, 'registry.example/plexus:1.2.3');
    assert.deepEqual(container.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
    const env = envOf(deployment);
    assert.equal(env.REDIS_URL.value, 'redis://redis:6379');
    assert.equal(env.LOG_LEVEL.value, 'debug');
    assert.equal(env.EXTRA.value, 'yes');
    const service = one(docs, 'Service');
    assert.equal(service.spec.type, 'NodePort');
    assert.equal(service.spec.ports[0].port, 8080);
  });

  test('declarativeConfig renders a ConfigMap mounted as a directory, and PLEXUS_CONFIG points at it', () => {
    const config = {
      providers: {
        openai: { api_base_url: 'https://api.openai.com/v1', api_key: '${OPENAI_API_KEY}', models: ['gpt-4o-mini'] },
      },
      user_quotas: { daily: { type: 'daily', limitType: 'requests', limit: 1000 } },
    };
    const docs = mustRender({ adminKey: 'x', declarativeConfig: { config } });
    const configMap = one(docs, 'ConfigMap');
    assert.equal(configMap.metadata.name, `${RELEASE}-plexus-config`);
    // the ${ENV} reference reaches the gateway as written: the secret stays in the environment
    assert.deepEqual(yaml.load(configMap.data['plexus.yaml']), config);
    const deployment = one(docs, 'Deployment');
    const pod = deployment.spec.template.spec;
    assert.equal(envOf(deployment).PLEXUS_CONFIG.value, '/etc/plexus/plexus.yaml');
    const mount = pod.containers[0].volumeMounts.find((volumeMount) => volumeMount.name === 'config');
    assert.deepEqual(mount, { name: 'config', mountPath: '/etc/plexus', readOnly: true });
    assert.equal(mount.subPath, undefined);
    assert.deepEqual(
      pod.volumes.find((volume) => volume.name === 'config'),
      { name: 'config', configMap: { name: `${RELEASE}-plexus-config` } },
    );

    const existing = mustRender({
      adminKey: 'x',
      declarativeConfig: { existingConfigMap: 'gitops-plexus', key: 'gateway.yaml', config },
    });
    assert.equal(find(existing, 'ConfigMap').length, 0);
    const existingDeployment = one(existing, 'Deployment');
    assert.equal(envOf(existingDeployment).PLEXUS_CONFIG.value, '/etc/plexus/gateway.yaml');
    assert.equal(
      existingDeployment.spec.template.spec.volumes.find((volume) => volume.name === 'config').configMap.name,
      'gitops-plexus',
    );

    const none = mustRender({ adminKey: 'x' });
    assert.equal(find(none, 'ConfigMap').length, 0);
    assert.equal(envOf(one(none, 'Deployment')).PLEXUS_CONFIG, undefined);
  });

  test('existingSecret replaces the chart Secret', () => {
    const docs = mustRender({ existingSecret: 'my-plexus' });
    assert.equal(find(docs, 'Secret').length, 0);
    const deployment = one(docs, 'Deployment');
    const env = envOf(deployment);
    for (const key of ['ADMIN_KEY', 'ENCRYPTION_KEY', 'DATABASE_URL']) {
      assert.equal(env[key].valueFrom.secretKeyRef.name, 'my-plexus');
    }
    assert.equal(deployment.spec.template.metadata.annotations, undefined);
  });

  test('persistence.enabled adds a PVC mounted at /data and the Recreate strategy', () => {
    const docs = mustRender({ adminKey: 'x', persistence: { enabled: true, size: '5Gi', storageClass: 'fast' } });
    const pvc = one(docs, 'PersistentVolumeClaim');
    assert.equal(pvc.metadata.name, 't-plexus-data');
    assert.deepEqual(pvc.spec.accessModes, ['ReadWriteOnce']);
    assert.equal(pvc.spec.resources.requests.storage, '5Gi');
    assert.equal(pvc.spec.storageClassName, 'fast');
    const deployment = one(docs, 'Deployment');
    assert.deepEqual(deployment.spec.strategy, { type: 'Recreate' });
    const data = deployment.spec.template.spec.volumes.find((v) => v.name === 'data');
    assert.deepEqual(data, { name: 'data', persistentVolumeClaim: { claimName: 't-plexus-data' } });

    const existing = mustRender({ adminKey: 'x', persistence: { enabled: true, existingClaim: 'old-data' } });
    assert.equal(find(existing, 'PersistentVolumeClaim').length, 0);
    const volume = one(existing, 'Deployment').spec.template.spec.volumes.find((v) => v.name === 'data');
    assert.equal(volume.persistentVolumeClaim.claimName, 'old-data');

    const noClass = mustRender({ adminKey: 'x', persistence: { enabled: true, storageClass: '-' } });
    assert.equal(one(noClass, 'PersistentVolumeClaim').spec.storageClassName, '');
  });

  test('more than one replica requires an external database', () => {
    const refused = render({ adminKey: 'x', replicaCount: 2 });
    assert.equal(refused.ok, false, 'replicaCount 2 with the embedded database must not render');
    assert.match(refused.error, /replicaCount > 1 needs an external database/);

    const docs = mustRender({ adminKey: 'x', replicaCount: 3, databaseUrl: 'postgres://db/plexus' });
    assert.equal(one(docs, 'Deployment').spec.replicas, 3);
    assert.equal(one(mustRender({ replicaCount: 2, existingSecret: 's' }), 'Deployment').spec.replicas, 2);
  });

  test('every object of the default and the production-like values validates against the Kubernetes schemas', async () => {
    const production = yaml.load(readFileSync(path.join(CHART_DIR, 'ci', 'production-values.yaml'), 'utf8'));
    const sets = [
      {},
      production,
      { adminKey: 'x', databaseUrl: 'postgres://db/plexus', persistence: { enabled: true } },
    ];
    for (const values of sets) for (const doc of mustRender(values)) await validateObject(doc);
    // The validator does refuse what the API server would.
    const broken = structuredClone(one(mustRender({}), 'Deployment'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    await assert.rejects(validateObject(broken), /Deployment t-plexus/);
  });

  test('production-like values: hook Job migrates, pods skip migrations, HPA, PDB, Ingress with TLS and SSO, ServiceMonitor', () => {
    const production = yaml.load(readFileSync(path.join(CHART_DIR, 'ci', 'production-values.yaml'), 'utf8'));
    const docs = mustRender(production);
    const job = one(docs, 'Job');
    assert.equal(job.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.deepEqual(job.spec.template.spec.containers[0].args.slice(-1), ['migrate']);
    assert.equal(
      job.spec.template.spec.containers[0].env.find((e) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.name,
      'plexus-secrets',
    );
    const deployment = one(docs, 'Deployment');
    const env = envOf(deployment);
    assert.equal(env.RUN_MIGRATIONS.value, 'false');
    assert.equal(env.REDIS_URL.value, 'redis://plexus-redis-master:6379');
    assert.equal(env.TRUSTED_PROXIES.value, '10.0.0.0/8');
    assert.equal(env.NODE_OPTIONS.value, '--max-old-space-size=384');
    assert.equal(deployment.spec.replicas, undefined, 'the HPA owns the replica count');
    assert.equal(deployment.spec.template.spec.terminationGracePeriodSeconds, 45);
    assert.equal(deployment.spec.template.spec.containers[0].resources.limits.memory, '512Mi');
    const hpa = one(docs, 'HorizontalPodAutoscaler');
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 10]);
    assert.equal(hpa.spec.scaleTargetRef.name, deployment.metadata.name);
    const pdb = one(docs, 'PodDisruptionBudget');
    assert.equal(pdb.spec.minAvailable, 2);
    assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
    const ingress = one(docs, 'Ingress');
    assert.equal(ingress.spec.ingressClassName, 'nginx');
    assert.deepEqual(ingress.spec.tls, [{ secretName: 'plexus-tls', hosts: ['plexus.example.com'] }]);
    assert.match(ingress.metadata.annotations['nginx.ingress.kubernetes.io/auth-url'], /oauth2\/auth/);
    assert.equal(one(docs, 'ServiceMonitor').spec.endpoints[0].path, '/metrics');
    assert.equal(one(docs, 'ConfigMap').metadata.name, 't-plexus-config');

    // The chart's own Secret does not exist yet at pre-install: the Job gets a hook Secret.
    const own = mustRender({ adminKey: 'x', databaseUrl: 'postgres://db/plexus' });
    const hookSecret = find(own, 'Secret').find((secret) => secret.metadata.annotations?.['helm.sh/hook']);
    assert.equal(Buffer.from(hookSecret.data.DATABASE_URL, 'base64').toString(), 'postgres://db/plexus');
    // The embedded database migrates in its pod: no Job.
    assert.equal(find(mustRender({}), 'Job').length, 0);
    assert.equal(envOf(one(mustRender({}), 'Deployment')).RUN_MIGRATIONS, undefined);
  });

  test('the embedded database is refused with autoscaling', () => {
    const refused = render({ adminKey: 'x', autoscaling: { enabled: true } });
    assert.equal(refused.ok, false, 'autoscaling with the embedded database must not render');
    assert.match(refused.error, /autoscaling.enabled needs an external database/);
  });

  test('names follow the release and the overrides', () => {
    const sameName = useHelm
      ? (() => {
          const run = helm(['template', 'plexus', CHART_DIR, '--set', 'adminKey=x']);
          assert.equal(run.status, 0, run.stderr);
          return yaml.loadAll(run.stdout).filter(Boolean);
        })()
      : yaml
          .loadAll(toHelmOutput(renderChart(CHART_DIR, { releaseName: 'plexus', values: { adminKey: 'x' } })))
          .filter(Boolean);
    assert.equal(one(sameName, 'Deployment').metadata.name, 'plexus');
    const docs = mustRender({ adminKey: 'x', fullnameOverride: 'gateway' });
    assert.equal(one(docs, 'Deployment').metadata.name, 'gateway');
    assert.equal(one(docs, 'Service').metadata.name, 'gateway');
  });

  test('NOTES.txt renders', { skip: useHelm && 'helm template does not print NOTES.txt' }, () => {
    const plain = renderChart(CHART_DIR, { releaseName: RELEASE, values: {} }).notes;
    assert.match(plain, /port-forward svc\/t-plexus 4000:80/);
    assert.match(plain, /generated a random key/);
    assert.match(plain, /WARNING: embedded database on an emptyDir/);
    const external = renderChart(CHART_DIR, {
      releaseName: RELEASE,
      values: { adminKey: 'x', databaseUrl: 'postgres://db/plexus' },
    }).notes;
    assert.doesNotMatch(external, /WARNING/);
    assert.doesNotMatch(external, /generated a random key/);
  });
});
