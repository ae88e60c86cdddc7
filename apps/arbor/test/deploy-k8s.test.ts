// The deployment artefacts: renders every kustomize overlay in deploy/k8s with `kubectl kustomize`, validates
// each object against the Kubernetes schemas (kubernetes-models), and checks the invariants the stack relies
// on (probes, resources, restricted security context, reward and gateway autoscaling, drain time, GPU placement,
// the gateway's HTTP probes and the orchestrator it dials, JetStream on a disk per NATS node) and its security
// (network policies, NATS users, TLS and route verification, API tokens, Secrets referenced and never rendered,
// the cert-manager and api-tls components, the gateway's TLS to the orchestrator); starts nats-server (JetStream
// on) with the shipped configuration and the certificate make-secrets.sh makes; then checks the Dockerfile and
// .dockerignore that build the image those manifests run.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, errors as natsErrors } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createPolicyBackend, readPolicyConfig } from '@arbor/policy';
import { createRewardBackend, readRewardConfig } from '@arbor/reward';
import { createValueBackend, readValueConfig } from '@arbor/value';
import { createGatewayService, DEFAULT_PRESETS, readGatewayConfig } from '@arbor/gateway';
import { freePort, LIVENESS_SERVICE, startNatsServer, type NatsServerProcess } from '@arbor/kit';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { IContainer, IPodSpec, IPodTemplateSpec, IProbe, IService } from 'kubernetes-models/v1';
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const k8sDir = join(repoRoot, 'deploy/k8s');
const overlaysDir = join(k8sDir, 'overlays');
const componentsDir = join(k8sDir, 'components');

/** The Arbor image's name in the manifests (overlays rewrite registry and tag, never the last path segment). */
const ARBOR_IMAGE = /(^|\/)arbor(:|@|$)/;
const ARBOR_SERVICES = ['orchestrator', 'policy', 'value', 'reward'] as const;
const MODEL_SERVICES = ['policy', 'value', 'reward'] as const;
/** The HTTP front door (OpenAI-compatible API): an Arbor container too, but a gRPC client, not a server. */
const GATEWAY = 'gateway';
/** Every Deployment running the Arbor image. */
const ARBOR_WORKLOADS = [...ARBOR_SERVICES, GATEWAY] as const;
/** The services' own defaults, used when a manifest leaves a setting out (README, configuration table). */
const DEFAULT_GRACE_MS = 10_000;
/** What a stopped service may spend flushing its NATS connection after its drain. */
const NATS_FLUSH_MS = 5_000;
const GPU = 'nvidia.com/gpu';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** Every kind the overlays may render, with the model that validates it: an unknown kind fails the test. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

function kubectlMissingMessage(): string {
  return (
    'kubectl is not on PATH. These tests render deploy/k8s with `kubectl kustomize`: install kubectl >= 1.27, ' +
    'e.g. Debian\'s kubernetes-client (sudo apt-get install kubernetes-client) where it is that recent, else from ' +
    'https://pkgs.k8s.io. ' +
    (process.env.CI === 'true' ? '.ci/run should have installed it; check its output.' : '.ci/run installs it in CI.')
  );
}

function kubectl(args: string[]) {
  const result = spawnSync('kubectl', args, { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(kubectlMissingMessage());
  if (result.error) throw result.error;
  return result;
}

/**
 * The overlays use kustomize 5 features (components, `labels` on pod templates, patches by label selector).
 * An older kubectl (Debian 12's kubernetes-client is 1.20, with kustomize 2) would fail or, worse, render
 * without them; say so instead of failing on a missing NetworkPolicy.
 */
function requireKustomize5(): void {
  const result = kubectl(['version', '--client', '-o', 'json']);
  const version = (JSON.parse(result.stdout || '{}') as { kustomizeVersion?: string; clientVersion?: { gitVersion?: string } });
  const major = Number(/^v?(\d+)/.exec(version.kustomizeVersion ?? '')?.[1] ?? 0);
  if (major < 5) {
    throw new Error(
      `kubectl ${version.clientVersion?.gitVersion ?? '(unknown version)'} bundles kustomize ${version.kustomizeVersion ?? '< 3'}; ` +
        'deploy/k8s needs kustomize 5 (kubectl >= 1.27). Install a newer kubectl, e.g. from https://pkgs.k8s.io.',
    );
  }
}

/** The objects `kubectl kustomize DIR` renders. */
function renderDir(dir: string): K8sObject[] {
  const result = kubectl(['kustomize', dir]);
  const label = relative(repoRoot, dir) || dir;
  if (result.status !== 0) throw new Error(`kubectl kustomize ${label} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${label}: invalid YAML from kustomize: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

function render(overlay: string): K8sObject[] {
  return renderDir(join(overlaysDir, overlay));
}

/**
 * deploy/k8s/base with some components, as an overlay of yours would use them: through a kustomization in a
 * temporary folder (kustomize takes relative paths only).
 */
function renderBaseWith(componentNames: string[]): K8sObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'arbor-kustomize-'));
  try {
    const to = (path: string) => relative(dir, path).split('\\').join('/');
    const lines = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'namespace: arbor',
      'resources:',
      `  - ${to(join(k8sDir, 'base'))}`,
      'components:',
      ...componentNames.map((c) => `  - ${to(join(componentsDir, c))}`),
    ];
    writeFileSync(join(dir, 'kustomization.yaml'), `${lines.join('\n')}\n`);
    return renderDir(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- helpers over rendered objects ----

type Workload = (IDeployment | IStatefulSet) & K8sObject;

const isWorkload = (o: K8sObject): o is Workload => o.kind === 'Deployment' || o.kind === 'StatefulSet';
const template = (w: Workload): IPodTemplateSpec => w.spec!.template;
const podSpec = (w: Workload): IPodSpec => template(w).spec!;
const containers = (w: Workload): IContainer[] => podSpec(w).containers;
const isArbor = (w: Workload) => containers(w).some((c) => ARBOR_IMAGE.test(c.image ?? ''));
const labelsOf = (w: Workload): Record<string, string> => template(w).metadata?.labels ?? {};

function byKind<T>(objects: K8sObject[], kind: string): (T & K8sObject)[] {
  return objects.filter((o) => o.kind === kind) as (T & K8sObject)[];
}

function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found;
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A container's environment as the kubelet builds it: envFrom ConfigMaps in order, then env (literal values only). */
function environment(objects: K8sObject[], container: IContainer): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (!name) continue;
    const map = named(objects, 'ConfigMap', name) as K8sObject & { data?: Record<string, string> };
    Object.assign(env, map.data ?? {});
  }
  for (const variable of container.env ?? []) if (variable.value !== undefined) env[variable.name] = variable.value;
  return env;
}

function arborContainer(objects: K8sObject[], service: string): { workload: Workload; container: IContainer } {
  const workload = named(objects, 'Deployment', service) as Workload;
  const container = containers(workload).find((c) => ARBOR_IMAGE.test(c.image ?? ''));
  if (!container) throw new Error(`Deployment ${service} runs no Arbor container`);
  return { workload, container };
}

function preStopSleepSeconds(container: IContainer): number {
  const command = container.lifecycle?.preStop?.exec?.command ?? [];
  if (command[0] === 'sleep') return Number(command[1]);
  const sleep = (container.lifecycle?.preStop as { sleep?: { seconds: number } } | undefined)?.sleep;
  return sleep?.seconds ?? 0;
}

/** CPU in cores and memory in bytes, from Kubernetes quantities ("250m", "2", "384Mi", "1Gi"). */
function quantity(value: string | number): number {
  const text = String(value);
  const match = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text);
  if (!match) throw new Error(`unrecognised quantity ${text}`);
  const factor: Record<string, number> = {
    m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
  };
  return Number(match[1]) * (match[2] ? factor[match[2]]! : 1);
}

/** Bytes from a nats-server size ("64MB", "8GB"): nats-server reads K, M, G, T (with or without B) as powers of 1024. */
function natsBytes(value: string | undefined): number {
  const match = /^(\d+)\s*([KMGT])?B?$/i.exec(value ?? '');
  if (!match) throw new Error(`unrecognised nats-server size ${value}`);
  return Number(match[1]) * 1024 ** (match[2] ? 'KMGT'.indexOf(match[2].toUpperCase()) + 1 : 0);
}

function probePortsExist(probe: IProbe | undefined, container: IContainer): boolean {
  if (!probe) return false;
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  if (port === undefined) return true;
  const ports = container.ports ?? [];
  return typeof port === 'number' ? ports.some((p) => p.containerPort === port) : ports.some((p) => p.name === port);
}

function hostOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

function serviceExposes(objects: K8sObject[], host: string, port: number): boolean {
  return byKind<IService>(objects, 'Service').some((s) => s.metadata.name === host && (s.spec?.ports ?? []).some((p) => p.port === port));
}

// ---- the overlays ----

const overlays = existsSync(overlaysDir) ? readdirSync(overlaysDir).sort() : [];
const components = existsSync(componentsDir) ? readdirSync(componentsDir).sort() : [];
const rendered = new Map<string, K8sObject[]>();
let secretsRun: Promise<MakeSecretsRun> | undefined;

beforeAll(() => {
  // The slowest step (it runs the arbor CLI twice) goes on while kustomize renders.
  secretsRun = makeSecrets();
  requireKustomize5();
  for (const overlay of overlays) rendered.set(overlay, render(overlay));
  rendered.set('base', renderDir(join(k8sDir, 'base')));
  rendered.set('base+cert-manager', renderBaseWith(['cert-manager']));
  rendered.set('base+api-tls', renderBaseWith(['api-tls']));
});

afterAll(async () => {
  const run = await secretsRun;
  if (run) rmSync(run.dir, { recursive: true, force: true });
});

function objectsOf(overlay: string): K8sObject[] {
  const objects = rendered.get(overlay);
  if (!objects) throw new Error(`overlay ${overlay} was not rendered`);
  return objects;
}

describe('deploy/k8s overlays', () => {
  it('has the embedded and vllm overlays', () => {
    expect(overlays).toEqual(expect.arrayContaining(['embedded', 'vllm']));
  });

  describe.each(overlays)('overlay %s', (overlay) => {
    it('renders objects that all validate against the Kubernetes schemas', () => {
      const objects = objectsOf(overlay);
      expect(objects.length).toBeGreaterThan(20);
      const failures: string[] = [];
      for (const object of objects) {
        const id = `${object.kind}/${object.metadata?.name}`;
        const Model = MODELS[`${object.apiVersion}/${object.kind}`];
        if (!Model) {
          failures.push(`${id}: no schema registered for ${object.apiVersion} ${object.kind} (add it to MODELS)`);
          continue;
        }
        try {
          new Model(object as never).validate();
        } catch (err) {
          failures.push(`${id}: ${(err as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('puts everything in one namespace that enforces the restricted Pod Security profile', () => {
      const objects = objectsOf(overlay);
      const namespaces = byKind<K8sObject>(objects, 'Namespace');
      expect(namespaces).toHaveLength(1);
      const namespace = namespaces[0]!;
      expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      const elsewhere = objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace.metadata.name);
      expect(elsewhere.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    });

    it('runs the four Arbor services, the gateway and NATS', () => {
      const objects = objectsOf(overlay);
      for (const service of ARBOR_WORKLOADS) expect(() => arborContainer(objects, service)).not.toThrow();
      expect(() => named(objects, 'StatefulSet', 'nats')).not.toThrow();
    });

    it('gives every container readiness and liveness probes on ports it declares', () => {
      const problems: string[] = [];
      for (const workload of objectsOf(overlay).filter(isWorkload)) {
        for (const container of containers(workload)) {
          const id = `${workload.kind}/${workload.metadata.name}/${container.name}`;
          if (!container.readinessProbe) problems.push(`${id}: no readinessProbe`);
          if (!container.livenessProbe) problems.push(`${id}: no livenessProbe`);
          for (const [kind, probe] of Object.entries({ readiness: container.readinessProbe, liveness: container.livenessProbe, startup: container.startupProbe })) {
            if (probe && !probePortsExist(probe, container)) problems.push(`${id}: ${kind} probe port is not a container port`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('gives every container CPU and memory requests and limits, requests within limits', () => {
      const problems: string[] = [];
      for (const workload of objectsOf(overlay).filter(isWorkload)) {
        for (const container of containers(workload)) {
          const id = `${workload.metadata.name}/${container.name}`;
          const { requests = {}, limits = {} } = container.resources ?? {};
          for (const resource of ['cpu', 'memory']) {
            const request = requests[resource];
            const limit = limits[resource];
            if (request === undefined) problems.push(`${id}: no ${resource} request`);
            if (limit === undefined) problems.push(`${id}: no ${resource} limit`);
            if (request !== undefined && limit !== undefined && quantity(request) > quantity(limit)) {
              problems.push(`${id}: ${resource} request ${request} above limit ${limit}`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('runs every pod non-root with the restricted security context and no service account token', () => {
      const problems: string[] = [];
      for (const workload of objectsOf(overlay).filter(isWorkload)) {
        const pod = podSpec(workload);
        if (pod.automountServiceAccountToken !== false) problems.push(`${workload.metadata.name}: mounts a service account token`);
        if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push(`${workload.metadata.name}: shares a host namespace`);
        for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
          const id = `${workload.metadata.name}/${container.name}`;
          const own = container.securityContext ?? {};
          const runAsNonRoot = own.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
          const runAsUser = own.runAsUser ?? pod.securityContext?.runAsUser;
          const seccomp = own.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
          if (runAsNonRoot !== true) problems.push(`${id}: runAsNonRoot is not true`);
          if (runAsUser === 0) problems.push(`${id}: runs as uid 0`);
          if (own.readOnlyRootFilesystem !== true) problems.push(`${id}: root filesystem is writable`);
          if (own.allowPrivilegeEscalation !== false) problems.push(`${id}: allows privilege escalation`);
          if (own.privileged) problems.push(`${id}: is privileged`);
          if (!(own.capabilities?.drop ?? []).includes('ALL')) problems.push(`${id}: does not drop ALL capabilities`);
          if ((own.capabilities?.add ?? []).length > 0) problems.push(`${id}: adds capabilities`);
          if (seccomp !== 'RuntimeDefault') problems.push(`${id}: seccomp profile is ${seccomp ?? 'unset'}`);
          const image = container.image ?? '';
          if (!/:[^/]+$/.test(image) && !image.includes('@')) problems.push(`${id}: image ${image} has no tag`);
          if (/:latest$/.test(image)) problems.push(`${id}: image ${image} uses latest`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('names every Service port, gives the Arbor services a port named grpc (the gateway http), and selects existing pods', () => {
      const objects = objectsOf(overlay);
      const workloads = objects.filter(isWorkload);
      const problems: string[] = [];
      for (const service of byKind<IService>(objects, 'Service')) {
        const name = service.metadata.name;
        const ports = service.spec?.ports ?? [];
        for (const port of ports) if (!port.name) problems.push(`Service ${name}: port ${port.port} has no name`);
        const selected = workloads.filter((w) => selects(service.spec?.selector, labelsOf(w)));
        if (selected.length === 0) problems.push(`Service ${name}: selects no pods`);
        for (const port of ports) {
          if (typeof port.targetPort !== 'string') continue;
          const declared = selected.some((w) => containers(w).some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort)));
          if (!declared) problems.push(`Service ${name}: targetPort ${port.targetPort} is no container port of its pods`);
        }
        const wanted = selected.some((w) => labelsOf(w)['app.kubernetes.io/name'] === GATEWAY) ? 'http' : 'grpc';
        if (selected.some(isArbor) && !ports.some((p) => p.name === wanted)) problems.push(`Service ${name}: no port named ${wanted}`);
      }
      for (const service of ARBOR_WORKLOADS) {
        if (!objects.some((o) => o.kind === 'Service' && o.metadata.name === service)) problems.push(`no Service ${service}`);
      }
      expect(problems).toEqual([]);
    });

    it('gives every pod an existing ServiceAccount and every ConfigMap reference an existing ConfigMap', () => {
      const objects = objectsOf(overlay);
      const problems: string[] = [];
      const exists = (kind: string, name: string) => objects.some((o) => o.kind === kind && o.metadata.name === name);
      for (const workload of objects.filter(isWorkload)) {
        const pod = podSpec(workload);
        if (!pod.serviceAccountName || !exists('ServiceAccount', pod.serviceAccountName)) {
          problems.push(`${workload.metadata.name}: ServiceAccount ${pod.serviceAccountName ?? '(default)'} missing`);
        }
        for (const volume of pod.volumes ?? []) {
          if (volume.configMap && !exists('ConfigMap', volume.configMap.name!)) problems.push(`${workload.metadata.name}: volume ConfigMap ${volume.configMap.name} missing`);
        }
        for (const container of pod.containers) {
          for (const source of container.envFrom ?? []) {
            const name = source.configMapRef?.name;
            if (name && !exists('ConfigMap', name)) problems.push(`${workload.metadata.name}: envFrom ConfigMap ${name} missing`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it.each(['reward', GATEWAY])('scales %s with an HPA on CPU that owns its replica count', (service) => {
      const objects = objectsOf(overlay);
      const hpas = byKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').filter(
        (h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === service,
      );
      expect(hpas).toHaveLength(1);
      const hpa = hpas[0]!.spec!;
      expect(hpa.scaleTargetRef.apiVersion).toBe('apps/v1');
      expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.maxReplicas).toBeGreaterThan(hpa.minReplicas!);
      expect(hpa.metrics?.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu')).toBe(true);
      const { workload, container } = arborContainer(objects, service);
      // A replicas field would reset the HPA's count on every `kubectl apply`.
      expect((workload as IDeployment).spec?.replicas).toBeUndefined();
      // CPU utilisation is measured against the request.
      expect(container.resources?.requests?.cpu).toBeDefined();
    });

    it('serves the gateway on HTTP: probes on /readyz and /healthz, a Service on port 8080, the orchestrator\'s Service dialled', () => {
      const objects = objectsOf(overlay);
      const { workload, container } = arborContainer(objects, GATEWAY);
      const env = environment(objects, container);
      expect(container.args).toEqual(['serve', GATEWAY]);
      const port = portOf(container, 'http');
      expect(port).toBe(8080);
      expect(env.ARBOR_GATEWAY_LISTEN).toBe(`0.0.0.0:${port}`);
      // Readiness follows the orchestrator's health; liveness and start-up only that the process answers.
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      // /readyz asks the orchestrator with a 1 s deadline: the probe must wait longer than that.
      expect(container.readinessProbe?.timeoutSeconds).toBeGreaterThan(1);
      expect((named(objects, 'Service', GATEWAY) as IService & K8sObject).spec?.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
      // It dials the orchestrator's Service on its gRPC port, which selects the orchestrator's pods.
      const [host, dialled] = (env.ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS ?? '').split(':');
      expect(host).toBe('orchestrator');
      const orchestratorService = named(objects, 'Service', host!) as IService & K8sObject;
      const grpcPort = orchestratorService.spec?.ports?.find((p) => p.name === 'grpc');
      expect(grpcPort?.port).toBe(Number(dialled));
      expect(selects(orchestratorService.spec?.selector, labelsOf(arborContainer(objects, 'orchestrator').workload))).toBe(true);
      // Its own config reader accepts the rendered environment, as the pod would at start.
      const gateway = createGatewayService(env);
      expect(gateway.presets.map((p) => p.id)).toEqual(DEFAULT_PRESETS.map((p) => p.id));
      expect(gateway.config.ARBOR_GRPC_TLS).toBe(false);
      // A client of the API only: no NATS user, no Secret (the caller's token passes through it).
      for (const variable of ['NATS_USER', 'NATS_PASSWORD', 'NATS_CA']) expect(envVar(container, variable), variable).toBeUndefined();
      expect(requiredSecrets(workload)).toEqual([]);
    });

    it('protects every replicated workload with a PodDisruptionBudget that still lets nodes drain', () => {
      const objects = objectsOf(overlay);
      const pdbs = byKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget');
      const autoscaled = new Set(byKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').map((h) => h.spec?.scaleTargetRef.name));
      const problems: string[] = [];
      for (const workload of objects.filter(isWorkload)) {
        const replicas = (workload.spec as { replicas?: number }).replicas;
        const name = workload.metadata.name;
        const covering = pdbs.filter((p) => selects(p.spec?.selector?.matchLabels, labelsOf(workload)));
        if ((replicas ?? 1) >= 2 || autoscaled.has(name)) {
          if (covering.length !== 1) problems.push(`${name}: ${covering.length} PodDisruptionBudgets (want 1)`);
        }
        for (const pdb of covering) {
          const { minAvailable, maxUnavailable } = pdb.spec ?? {};
          if (maxUnavailable !== undefined && String(maxUnavailable) === '0') problems.push(`${name}: PDB allows no disruption`);
          if (typeof minAvailable === 'number' && minAvailable >= (replicas ?? 1)) problems.push(`${name}: PDB minAvailable ${minAvailable} blocks drains`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('gives each model service its own backend ConfigMap', () => {
      const objects = objectsOf(overlay);
      for (const service of MODEL_SERVICES) {
        const { container } = arborContainer(objects, service);
        const own = (container.envFrom ?? [])
          .map((s) => s.configMapRef?.name ?? '')
          .filter((name) => name.startsWith(`${service}-backend`));
        expect(own, service).toHaveLength(1);
        const data = (named(objects, 'ConfigMap', own[0]!) as K8sObject & { data?: Record<string, string> }).data ?? {};
        expect(data[`ARBOR_${service.toUpperCase()}_BACKEND`], service).toBeTruthy();
      }
    });

    it('connects the orchestrator to the model services over NATS, through a Service that exists', () => {
      const objects = objectsOf(overlay);
      for (const service of ARBOR_SERVICES) {
        const env = environment(objects, arborContainer(objects, service).container);
        const { host, port } = hostOf(env.NATS_URL ?? '');
        expect(serviceExposes(objects, host, port), `${service}: NATS_URL ${env.NATS_URL}`).toBe(true);
        // Inside a container the services' 127.0.0.1 defaults are unreachable.
        expect(env[`ARBOR_${service.toUpperCase()}_LISTEN`], service).toMatch(/^0\.0\.0\.0:\d+$/);
      }
      const env = environment(objects, arborContainer(objects, 'orchestrator').container);
      for (const service of MODEL_SERVICES) expect(env[`ARBOR_${service.toUpperCase()}_TRANSPORT`]).toBe('nats');
    });

    it('probes readiness on gRPC health and liveness on its "liveness" name, which stays SERVING while NATS is down or draining', () => {
      const objects = objectsOf(overlay);
      for (const service of ARBOR_SERVICES) {
        const { container } = arborContainer(objects, service);
        const port = container.ports?.find((p) => p.name === 'grpc')?.containerPort;
        expect(container.readinessProbe?.grpc, service).toMatchObject({ port });
        expect(container.readinessProbe?.grpc?.service ?? '', service).toBe('');
        expect(container.livenessProbe?.grpc, service).toEqual({ port, service: LIVENESS_SERVICE });
      }
    });

    it('allows a stopping Arbor pod its preStop sleep, the whole drain and the NATS flush', () => {
      const objects = objectsOf(overlay);
      // The gateway has no NATS connection, but the same margin to exit after its drain.
      for (const service of ARBOR_WORKLOADS) {
        const { workload, container } = arborContainer(objects, service);
        const graceMs = Number(environment(objects, container).ARBOR_SHUTDOWN_GRACE_MS ?? DEFAULT_GRACE_MS);
        // `arbor serve` keeps its whole drain (searches stopped with their best answer, gRPC and NATS
        // responders drained) within the grace; then it flushes its NATS connection. preStop runs first.
        const neededMs = preStopSleepSeconds(container) * 1000 + graceMs + NATS_FLUSH_MS;
        const allowedMs = (podSpec(workload).terminationGracePeriodSeconds ?? 30) * 1000;
        expect(allowedMs, `${service}: terminationGracePeriodSeconds`).toBeGreaterThan(neededMs);
      }
    });

    it('lets NATS finish lame duck mode before the kubelet kills it', () => {
      const objects = objectsOf(overlay);
      const nats = named(objects, 'StatefulSet', 'nats') as Workload;
      const volume = (podSpec(nats).volumes ?? []).find((v) => v.configMap);
      const conf = (named(objects, 'ConfigMap', volume!.configMap!.name!) as K8sObject & { data: Record<string, string> }).data['nats.conf']!;
      const seconds = (key: string) => Number(new RegExp(`^${key}:\\s*(\\d+)s`, 'm').exec(conf)?.[1] ?? NaN);
      const lameDuck = seconds('lame_duck_grace_period') + seconds('lame_duck_duration');
      expect(lameDuck).toBeGreaterThan(0);
      expect(podSpec(nats).terminationGracePeriodSeconds).toBeGreaterThan(lameDuck);
      expect(containers(nats)[0]!.lifecycle?.preStop?.exec?.command?.join(' ')).toMatch(/--signal ldm/);
    });

    it('runs JetStream clustered, on a disk of its own per NATS node, and the orchestrator\'s durable jobs on it', () => {
      const objects = objectsOf(overlay);
      const { workload, container, conf } = natsServer(objects);
      const spec = (workload as IStatefulSet & K8sObject).spec!;
      const jetstream = natsBlocks(conf).blocks.jetstream;
      expect(jetstream, 'nats.conf: jetstream block').toBeDefined();
      // The store is on a claim of the StatefulSet's template (a disk per node that outlives its pod), writable,
      // and no pod volume of that name shadows the claim.
      const storeDir = natsSetting(jetstream!, 'store_dir');
      const mount = container.volumeMounts?.find((m) => m.mountPath === storeDir);
      expect(mount, `a volume mounted at store_dir ${storeDir}`).toBeDefined();
      expect(mount!.readOnly ?? false).toBe(false);
      expect((podSpec(workload).volumes ?? []).map((v) => v.name)).not.toContain(mount!.name);
      const claim = spec.volumeClaimTemplates?.find((c) => c.metadata?.name === mount!.name);
      expect(claim?.spec?.accessModes).toEqual(['ReadWriteOnce']);
      const disk = quantity(claim!.spec!.resources!.requests!.storage!);
      expect(disk).toBe(10 * 2 ** 30);
      expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
      // JetStream refuses writes before the disk is full, and keeps memory streams well within the pod's limit.
      expect(natsBytes(natsSetting(jetstream!, 'max_file_store'))).toBeLessThan(disk);
      expect(natsBytes(natsSetting(jetstream!, 'max_memory_store'))).toBeLessThanOrEqual(quantity(container.resources!.limits!.memory!) / 4);
      // Clustered JetStream tells its peers apart by server name, the pod's own; its nodes start together, as
      // none is healthy before a quorum has met.
      expect(natsSetting(conf, 'server_name')).toBe('$SERVER_NAME');
      expect(container.env?.find((v) => v.name === 'SERVER_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
      expect(natsSetting(natsBlocks(conf).blocks.cluster!, 'name')).toBeTruthy();
      expect(spec.podManagementPolicy).toBe('Parallel');
      expect(environment(objects, arborContainer(objects, 'orchestrator').container).ARBOR_JOBS).toBe('on');
    });

    it('keeps the V8 heap cap of every Arbor container below its memory limit', () => {
      const objects = objectsOf(overlay);
      for (const service of ARBOR_WORKLOADS) {
        const { container } = arborContainer(objects, service);
        const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(environment(objects, container).NODE_OPTIONS ?? '')?.[1]);
        expect(heapMiB, service).toBeGreaterThan(0);
        expect(heapMiB * 2 ** 20, service).toBeLessThan(quantity(container.resources!.limits!.memory!));
      }
    });

    it('sends telemetry only to a collector Service that exists, from every Arbor container or none', () => {
      const objects = objectsOf(overlay);
      const endpoints = ARBOR_WORKLOADS.map((service) => environment(objects, arborContainer(objects, service).container).OTEL_EXPORTER_OTLP_ENDPOINT);
      expect(new Set(endpoints).size, endpoints.join(', ')).toBe(1);
      for (const service of ARBOR_WORKLOADS) {
        const endpoint = environment(objects, arborContainer(objects, service).container).OTEL_EXPORTER_OTLP_ENDPOINT;
        if (endpoint === undefined) continue;
        const { host, port } = hostOf(endpoint);
        expect(serviceExposes(objects, host, port), `${service}: ${endpoint}`).toBe(true);
      }
    });

    it('places only model servers on GPU nodes, each with a GPU, a GPU node selector and the GPU toleration', () => {
      const problems: string[] = [];
      for (const workload of objectsOf(overlay).filter(isWorkload)) {
        const pod = podSpec(workload);
        const name = workload.metadata.name;
        const wantsGpu = pod.containers.some((c) => c.resources?.limits?.[GPU] !== undefined);
        const gpuSelector = Object.keys(pod.nodeSelector ?? {}).some((k) => k.startsWith('nvidia.com/gpu'));
        const gpuToleration = (pod.tolerations ?? []).some((t) => t.key === GPU);
        if (wantsGpu !== gpuSelector || wantsGpu !== gpuToleration) problems.push(`${name}: GPU limit ${wantsGpu}, selector ${gpuSelector}, toleration ${gpuToleration}`);
        if (wantsGpu && labelsOf(workload)['app.kubernetes.io/component'] !== 'model-server') problems.push(`${name}: takes a GPU but is not a model server`);
        if (isArbor(workload) && wantsGpu) problems.push(`${name}: an Arbor service takes a GPU`);
      }
      expect(problems).toEqual([]);
    });
  });

  describe('embedded', () => {
    it('gives every model service a configuration its own reader accepts and a backend it can build', () => {
      expectStartableModelServices(objectsOf('embedded'));
    });

    it('runs every model service on its embedded backend and nothing on a GPU', () => {
      const objects = objectsOf('embedded');
      for (const service of MODEL_SERVICES) {
        expect(environment(objects, arborContainer(objects, service).container)[`ARBOR_${service.toUpperCase()}_BACKEND`]).toBe('embedded');
      }
      expect(objects.filter(isWorkload).filter((w) => podSpec(w).nodeSelector)).toEqual([]);
    });
  });

  describe('vllm', () => {
    it('points policy, value and reward at vLLM servers deployed with it', () => {
      const objects = objectsOf('vllm');
      for (const service of MODEL_SERVICES) {
        const env = environment(objects, arborContainer(objects, service).container);
        const prefix = `ARBOR_${service.toUpperCase()}`;
        expect(env[`${prefix}_BACKEND`], service).not.toBe('embedded');
        expect(env[`${prefix}_MODEL`], service).toBeTruthy();
        const { host, port } = hostOf(env[`${prefix}_BASE_URL`] ?? '');
        expect(serviceExposes(objects, host, port), `${service}: ${env[`${prefix}_BASE_URL`]}`).toBe(true);
        const selector = (named(objects, 'Service', host) as IService & K8sObject).spec?.selector;
        const servers = objects.filter(isWorkload).filter((w) => selects(selector, labelsOf(w)));
        expect(servers.map((w) => labelsOf(w)['app.kubernetes.io/component']), service).toEqual(['model-server']);
      }
    });

    it('gives every model service a configuration its own reader accepts and a backend it can build', () => {
      expectStartableModelServices(objectsOf('vllm'));
    });

    it('gives each vLLM server exactly one GPU', () => {
      const servers = objectsOf('vllm').filter(isWorkload).filter((w) => labelsOf(w)['app.kubernetes.io/component'] === 'model-server');
      expect(servers.map((w) => w.metadata.name).sort()).toEqual(['vllm-policy', 'vllm-reward']);
      for (const server of servers) {
        const resources = containers(server)[0]!.resources!;
        expect(String(resources.limits![GPU])).toBe('1');
        // Extended resources cannot be overcommitted: a request, if given, equals the limit.
        expect(String(resources.requests?.[GPU] ?? resources.limits![GPU])).toBe('1');
      }
    });
  });
});

// ---- security ----

/** The Secrets the base reads, each of which deploy/k8s/README.md tells how to create. */
const BASE_SECRETS = ['arbor-api-tokens', 'arbor-nats-users', 'nats-tls'];
/** The OIDs of the serverAuth and clientAuth extended key usages. */
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

const tcp = (port: string) => ({ port, protocol: 'TCP' });
const podsLabelled = (labels: Record<string, string>) => ({ podSelector: { matchLabels: labels } });
const NAME = 'app.kubernetes.io/name';
const COMPONENT = 'app.kubernetes.io/component';

/** Every NetworkPolicy the stack ships, exactly as rendered. */
const NETWORK_POLICIES: Record<string, unknown> = {
  'default-deny-ingress': { podSelector: {}, policyTypes: ['Ingress'] },
  'orchestrator-from-clients': {
    podSelector: { matchLabels: { [NAME]: 'orchestrator' } },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'arbor.dev/client': 'true' } } }, podsLabelled({ [NAME]: 'gateway' })],
        ports: [tcp('grpc')],
      },
    ],
  },
  'gateway-from-clients': {
    podSelector: { matchLabels: { [NAME]: 'gateway' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'arbor.dev/client': 'true' } } }], ports: [tcp('http')] }],
  },
  'nats-from-arbor': {
    podSelector: { matchLabels: { [NAME]: 'nats' } },
    policyTypes: ['Ingress'],
    ingress: [
      { from: [podsLabelled({ 'app.kubernetes.io/part-of': 'arbor' })], ports: [tcp('client')] },
      { from: [podsLabelled({ [NAME]: 'nats' })], ports: [tcp('cluster')] },
    ],
  },
  'model-services-from-orchestrator': {
    podSelector: { matchLabels: { [COMPONENT]: 'model-service' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [podsLabelled({ [NAME]: 'orchestrator' })], ports: [tcp('grpc')] }],
  },
  'model-servers-from-model-services': {
    podSelector: { matchLabels: { [COMPONENT]: 'model-server' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [podsLabelled({ [COMPONENT]: 'model-service' })], ports: [tcp('http')] }],
  },
  'otel-collector-from-arbor': {
    podSelector: { matchLabels: { [NAME]: 'otel-collector' } },
    policyTypes: ['Ingress'],
    ingress: [
      { from: [podsLabelled({ 'app.kubernetes.io/part-of': 'arbor' })], ports: [tcp('otlp-grpc'), tcp('otlp-http')] },
      { from: [{ namespaceSelector: {} }], ports: [tcp('metrics')] },
    ],
  },
};

interface MountedFile {
  source: 'Secret' | 'ConfigMap';
  name: string;
  key: string;
}

/** Where a file that `container` reads comes from, through its volume mounts: a Secret's or ConfigMap's key. */
function mountedFile(workload: Workload, container: IContainer, path: string): MountedFile | undefined {
  for (const mount of container.volumeMounts ?? []) {
    const dir = mount.mountPath.replace(/\/+$/, '');
    if (!path.startsWith(`${dir}/`) || mount.subPath) continue;
    const volume = (podSpec(workload).volumes ?? []).find((v) => v.name === mount.name);
    const from = volume?.secret
      ? { source: 'Secret' as const, name: volume.secret.secretName, items: volume.secret.items }
      : volume?.configMap
        ? { source: 'ConfigMap' as const, name: volume.configMap.name, items: volume.configMap.items }
        : undefined;
    if (!from?.name) continue;
    const file = path.slice(dir.length + 1);
    const key = from.items ? from.items.find((item) => item.path === file)?.key : file;
    if (key) return { source: from.source, name: from.name, key };
  }
  return undefined;
}

function envVar(container: IContainer, name: string) {
  return (container.env ?? []).find((e) => e.name === name);
}

/** Every Secret a pod needs to start: volumes, envFrom and secretKeyRef, less those marked optional. */
function requiredSecrets(workload: Workload): string[] {
  const pod = podSpec(workload);
  const names: string[] = [];
  for (const volume of pod.volumes ?? []) if (volume.secret?.secretName && !volume.secret.optional) names.push(volume.secret.secretName);
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    for (const source of container.envFrom ?? []) if (source.secretRef?.name && !source.secretRef.optional) names.push(source.secretRef.name);
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef;
      if (ref?.name && !ref.optional) names.push(ref.name);
    }
  }
  return names;
}

/** A nats-server configuration's top level (comments, nested blocks and arrays left out) and its blocks by name. */
function natsBlocks(conf: string): { top: string; blocks: Record<string, string> } {
  const text = conf.replace(/#.*$/gm, '');
  const blocks: Record<string, string> = {};
  let top = '';
  let depth = 0;
  let start = 0;
  let name = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{' || c === '[') {
      if (depth === 0 && c === '{') {
        name = /(\w+)\s*[:=]?\s*$/.exec(top)?.[1] ?? '';
        start = i + 1;
      }
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0 && c === '}') blocks[name] = text.slice(start, i);
    } else if (depth === 0) top += c;
  }
  return { top, blocks };
}

/** A setting at the top level of a nats-server configuration (or block), unquoted. */
function natsSetting(conf: string, key: string): string | undefined {
  const value = new RegExp(`^\\s*${key}\\s*[:=]?\\s+(.+?)\\s*$`, 'm').exec(natsBlocks(conf).top)?.[1];
  return value?.replace(/^"(.*)"$/, '$1');
}

/** Whether a certificate's DNS name (possibly `*.` and one label) covers a host. */
function dnsNameCovers(dnsName: string, host: string): boolean {
  if (!dnsName.startsWith('*.')) return dnsName === host;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === dnsName.slice(2);
}

/** The NATS StatefulSet's container, its configuration file and the ConfigMap holding it. */
function natsServer(objects: K8sObject[]) {
  const workload = named(objects, 'StatefulSet', 'nats') as Workload;
  const container = containers(workload)[0]!;
  const args = container.args ?? [];
  const configPath = args[args.indexOf('--config') + 1] ?? '';
  const config = mountedFile(workload, container, configPath);
  if (config?.source !== 'ConfigMap') throw new Error(`nats: --config ${configPath} is not a mounted ConfigMap file`);
  const data = (named(objects, 'ConfigMap', config.name) as K8sObject & { data: Record<string, string> }).data;
  return { workload, container, configPath, config, data, conf: data[config.key] ?? '' };
}

function portOf(container: IContainer, name: string): number | undefined {
  return container.ports?.find((p) => p.name === name)?.containerPort;
}

describe.each(['base', ...overlays])('security of %s', (set) => {
  it('ships exactly the intended network policies, the default one denying all ingress', () => {
    const policies = byKind<K8sObject & { spec: unknown }>(objectsOf(set), 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(Object.keys(NETWORK_POLICIES).sort());
    for (const policy of policies) expect(policy.spec, policy.metadata.name).toEqual(NETWORK_POLICIES[policy.metadata.name]);
  });

  it('has network policies that select the pods and name the ports they are meant for', () => {
    const objects = objectsOf(set);
    const workloads = objects.filter(isWorkload);
    const selected = (name: string) => {
      const spec = (named(objects, 'NetworkPolicy', name) as K8sObject & { spec: { podSelector: { matchLabels: Record<string, string> } } }).spec;
      return workloads.filter((w) => selects(spec.podSelector.matchLabels, labelsOf(w))).map((w) => w.metadata.name).sort();
    };
    expect(selected('orchestrator-from-clients')).toEqual(['orchestrator']);
    expect(selected('gateway-from-clients')).toEqual([GATEWAY]);
    expect(selected('model-services-from-orchestrator')).toEqual([...MODEL_SERVICES].sort());
    expect(selected('nats-from-arbor')).toEqual(['nats']);
    // The gateway's pods are among those the orchestrator lets in (in this namespace), on the port it dials.
    const gateway = arborContainer(objects, GATEWAY);
    type Peer = { namespaceSelector?: object; podSelector?: { matchLabels?: Record<string, string> } };
    const toOrchestrator = (named(objects, 'NetworkPolicy', 'orchestrator-from-clients') as K8sObject & { spec: { ingress: { from: Peer[]; ports: { port: string }[] }[] } }).spec.ingress;
    const admitted = toOrchestrator.filter((rule) => rule.from.some((peer) => !peer.namespaceSelector && selects(peer.podSelector?.matchLabels, labelsOf(gateway.workload))));
    expect(admitted.flatMap((rule) => rule.ports.map((p) => p.port))).toEqual(['grpc']);
    expect(portOf(gateway.container, 'http')).toBeDefined();
    // NATS lets in pods with the part-of label: every Arbor service has it, on its pods.
    for (const service of ARBOR_WORKLOADS) expect(labelsOf(arborContainer(objects, service).workload)['app.kubernetes.io/part-of'], service).toBe('arbor');
    for (const service of ARBOR_SERVICES) expect(portOf(arborContainer(objects, service).container, 'grpc'), service).toBeDefined();
    const nats = natsServer(objects).container;
    for (const port of ['client', 'cluster']) expect(portOf(nats, port), port).toBeDefined();
  });

  it('connects every Arbor service to NATS over TLS as its own user, trusting the CA alone from nats-tls', () => {
    const objects = objectsOf(set);
    const nats = natsServer(objects);
    const authorization = nats.data['nats-authorization.conf'] ?? '';
    const passwordOf = Object.fromEntries([...authorization.matchAll(/user:\s*"?([\w.]+)"?\s+password:\s*\$(\w+)/g)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(passwordOf).sort()).toEqual([...ARBOR_SERVICES].sort());
    for (const service of ARBOR_SERVICES) {
      const { workload, container } = arborContainer(objects, service);
      expect(environment(objects, container).NATS_URL, service).toMatch(/^tls:\/\//);
      expect(envVar(container, 'NATS_USER')?.value, service).toBe(service);
      expect(envVar(container, 'NATS_PASSWORD')?.valueFrom?.secretKeyRef, service).toEqual({ name: 'arbor-nats-users', key: `ARBOR_NATS_${service.toUpperCase()}_PASSWORD` });
      // The key the service reads is the variable the server fills that user's password from.
      expect(passwordOf[service], service).toBe(`ARBOR_NATS_${service.toUpperCase()}_PASSWORD`);
      const ca = envVar(container, 'NATS_CA')?.value ?? '';
      expect(mountedFile(workload, container, ca), `${service}: NATS_CA ${ca}`).toEqual({ source: 'Secret', name: 'nats-tls', key: 'ca.crt' });
      // The NATS servers' private key is in the same Secret: an Arbor pod mounts its CA and nothing else.
      const keys = (podSpec(workload).volumes ?? []).filter((v) => v.secret?.secretName === 'nats-tls').map((v) => v.secret!.items?.map((i) => i.key));
      expect(keys, service).toEqual([['ca.crt']]);
    }
  });

  it('runs NATS with every user\'s password from arbor-nats-users and its certificate from nats-tls', () => {
    const objects = objectsOf(set);
    const { workload, container, configPath, config, conf } = natsServer(objects);
    expect(container.envFrom, 'nats envFrom').toContainEqual({ secretRef: { name: 'arbor-nats-users' } });
    // The include is relative to nats.conf, and must land on a file of the same ConfigMap.
    const include = /^\s*include\s+"?([^"\s]+)"?\s*$/m.exec(natsBlocks(conf).top)?.[1] ?? '';
    expect(include).toBe('./nats-authorization.conf');
    expect(mountedFile(workload, container, posix.join(posix.dirname(configPath), include))).toEqual({ ...config, key: 'nats-authorization.conf' });
    const { blocks } = natsBlocks(conf);
    const cluster = blocks.cluster ?? '';
    const tlsBlocks = { client: blocks.tls, cluster: natsBlocks(cluster).blocks.tls };
    for (const [which, tls] of Object.entries(tlsBlocks)) {
      expect(tls, `${which} tls block`).toBeDefined();
      for (const [setting, key] of [['cert_file', 'tls.crt'], ['key_file', 'tls.key'], ['ca_file', 'ca.crt']] as const) {
        const path = natsSetting(tls!, setting) ?? '';
        expect(mountedFile(workload, container, path), `${which} tls ${setting} ${path}`).toEqual({ source: 'Secret', name: 'nats-tls', key });
      }
    }
    // Routes: mutual TLS, and only from a certificate naming one of the route hosts.
    expect(natsSetting(tlsBlocks.cluster!, 'verify')).toBe('true');
    expect(natsSetting(tlsBlocks.cluster!, 'verify_cert_and_check_known_urls')).toBe('true');
    // Clients need no certificate of their own (they log in with a password).
    expect(natsSetting(tlsBlocks.client!, 'verify') ?? 'false').toBe('false');
    // The routes are the StatefulSet's nodes on the headless Service, on the cluster port.
    const routes = [...(/routes\s*[:=]?\s*\[([^\]]*)\]/.exec(cluster)?.[1] ?? '').matchAll(/\S+:\/\/[^\s,]+/g)].map((m) => new URL(m[0]));
    const statefulSet = workload as IStatefulSet & K8sObject;
    const replicas = statefulSet.spec!.replicas!;
    expect(routes.map((u) => u.hostname)).toEqual(Array.from({ length: replicas }, (_, i) => `nats-${i}.${statefulSet.spec!.serviceName}`));
    for (const route of routes) expect(Number(route.port)).toBe(portOf(container, 'cluster'));
    expect(Number(natsSetting(conf, 'port'))).toBe(portOf(container, 'client'));
    expect(Number(natsSetting(cluster, 'port'))).toBe(portOf(container, 'cluster'));
    // Monitoring stays plain HTTP, for the kubelet's probes.
    expect(Number(natsSetting(conf, 'http_port'))).toBe(portOf(container, 'monitor'));
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      expect(probe?.httpGet?.port).toBe('monitor');
      expect(probe?.httpGet?.scheme ?? 'HTTP').toBe('HTTP');
    }
  });

  it('has the orchestrator read its API tokens from the arbor-api-tokens Secret', () => {
    const objects = objectsOf(set);
    const { workload, container } = arborContainer(objects, 'orchestrator');
    const path = environment(objects, container).ARBOR_AUTH_TOKENS_FILE ?? '';
    expect(mountedFile(workload, container, path), `ARBOR_AUTH_TOKENS_FILE ${path}`).toEqual({ source: 'Secret', name: 'arbor-api-tokens', key: 'tokens.json' });
  });

  it('needs exactly the Secrets the README tells how to create, renders none, and mounts them as directories', () => {
    const objects = objectsOf(set);
    expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toEqual([]);
    const needed = new Set(objects.filter(isWorkload).flatMap(requiredSecrets));
    expect([...needed].sort()).toEqual(BASE_SECRETS);
    const readme = readFileSync(join(k8sDir, 'README.md'), 'utf8');
    for (const secret of BASE_SECRETS) expect(readme, secret).toContain(`kubectl -n arbor create secret generic ${secret}`);
    // A subPath mount never sees the Secret change: rotated certificates and tokens would go unnoticed.
    for (const workload of objects.filter(isWorkload)) {
      const secretVolumes = new Set((podSpec(workload).volumes ?? []).filter((v) => v.secret).map((v) => v.name));
      for (const container of containers(workload)) {
        for (const mount of container.volumeMounts ?? []) {
          if (secretVolumes.has(mount.name)) expect(mount.subPath, `${workload.metadata.name}/${mount.name}`).toBeUndefined();
        }
      }
    }
  });
});

describe('deploy/k8s components', () => {
  it('has the cert-manager and api-tls components, and every component renders on its own', () => {
    expect(components).toEqual(expect.arrayContaining(['api-tls', 'cert-manager', 'otel-collector']));
    expect(components).not.toContain('network-policies');
    for (const component of components) expect(() => renderDir(join(componentsDir, component)), component).not.toThrow();
  });

  it('cert-manager: a self-signed issuer signs the CA, the CA signs nats-tls for the client and route names', () => {
    const objects = objectsOf('base+cert-manager');
    type Issued = K8sObject & { spec: { issuerRef: { name: string; kind?: string; group?: string }; secretName: string; isCA?: boolean; dnsNames?: string[]; usages?: string[] } };
    type Issuer = K8sObject & { spec: { selfSigned?: object; ca?: { secretName: string } } };
    const certificates = byKind<Issued>(objects, 'Certificate');
    const issuers = byKind<Issuer>(objects, 'Issuer');
    for (const o of [...certificates, ...issuers]) expect(o.apiVersion, o.metadata.name).toBe('cert-manager.io/v1');
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const issuerOf = (cert: Issued) => {
      expect(cert.spec.issuerRef.kind ?? 'Issuer').toBe('Issuer');
      return issuers.find((i) => i.metadata.name === cert.spec.issuerRef.name);
    };
    const nats = certificates.find((c) => c.spec.secretName === 'nats-tls');
    expect(nats).toBeDefined();
    // Signed by a CA issuer, whose CA certificate is signed by a self-signed issuer.
    const caIssuer = issuerOf(nats!);
    const caCert = certificates.find((c) => c.spec.secretName === caIssuer?.spec.ca?.secretName);
    expect(caCert?.spec.isCA).toBe(true);
    expect(issuerOf(caCert!)?.spec.selfSigned).toEqual({});
    expect(nats!.spec.dnsNames).toEqual(expect.arrayContaining(['nats', 'nats-headless', '*.nats-headless']));
    expect(nats!.spec.usages).toEqual(expect.arrayContaining(['server auth', 'client auth']));
    // Covers the host the services dial and every route host (the route check needs a DNS name matching one).
    const { conf } = natsServer(objects);
    const routeHosts = [...(natsBlocks(conf).blocks.cluster ?? '').matchAll(/\w+:\/\/([\w.-]+):\d+/g)].map((m) => m[1]!);
    const clientHost = new URL(environment(objects, arborContainer(objects, 'policy').container).NATS_URL!).hostname;
    expect(routeHosts.length).toBeGreaterThan(0);
    for (const host of [clientHost, ...routeHosts]) expect(nats!.spec.dnsNames!.some((d) => dnsNameCovers(d, host)), host).toBe(true);
    // The API certificate cannot pass for a NATS route peer or a client.
    const api = certificates.find((c) => c.spec.secretName === 'orchestrator-tls');
    expect(api?.spec.usages).toContain('server auth');
    expect(api?.spec.usages).not.toContain('client auth');
    expect(issuerOf(api!)).toBe(caIssuer);
  });

  it('api-tls: the orchestrator serves its API with orchestrator-tls, and health in plaintext for the probes', () => {
    const objects = objectsOf('base+api-tls');
    const { workload, container } = arborContainer(objects, 'orchestrator');
    const env = environment(objects, container);
    expect(mountedFile(workload, container, env.ARBOR_TLS_CERT_FILE ?? '')).toEqual({ source: 'Secret', name: 'orchestrator-tls', key: 'tls.crt' });
    expect(mountedFile(workload, container, env.ARBOR_TLS_KEY_FILE ?? '')).toEqual({ source: 'Secret', name: 'orchestrator-tls', key: 'tls.key' });
    const health = portOf(container, 'health');
    expect(health).toBeDefined();
    expect(health).not.toBe(portOf(container, 'grpc'));
    expect(env.ARBOR_ORCHESTRATOR_HEALTH_LISTEN).toBe(`0.0.0.0:${health}`);
    expect(env.ARBOR_ORCHESTRATOR_LISTEN).toBe(`0.0.0.0:${portOf(container, 'grpc')}`);
    expect(container.readinessProbe?.grpc).toEqual({ port: health });
    expect(container.livenessProbe?.grpc).toEqual({ port: health, service: LIVENESS_SERVICE });
    // The gateway, a client of the API, dials it over TLS trusting the CA of orchestrator-tls, and gets that
    // Secret's ca.crt alone: never the orchestrator's private key.
    const gateway = arborContainer(objects, GATEWAY);
    const gatewayEnv = environment(objects, gateway.container);
    expect(gatewayEnv.ARBOR_GRPC_TLS).toBe('true');
    expect(mountedFile(gateway.workload, gateway.container, gatewayEnv.ARBOR_GRPC_CA_FILE ?? '')).toEqual({ source: 'Secret', name: 'orchestrator-tls', key: 'ca.crt' });
    const keys = (podSpec(gateway.workload).volumes ?? []).filter((v) => v.secret?.secretName === 'orchestrator-tls').map((v) => v.secret!.items?.map((i) => i.key));
    expect(keys).toEqual([['ca.crt']]);
    expect(requiredSecrets(gateway.workload)).toEqual(['orchestrator-tls']);
    // Its reader takes the settings; it dials the TLS API port (not the plaintext health port), by a name the
    // orchestrator's certificate carries (cert-manager's; make-secrets.sh's is checked below).
    const config = readGatewayConfig(gatewayEnv);
    expect(config.ARBOR_GRPC_TLS).toBe(true);
    expect(config.ARBOR_GRPC_SERVER_NAME).toBe('');
    const [host, port] = config.ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS.split(':');
    expect(Number(port)).toBe(portOf(container, 'grpc'));
    const certificate = byKind<K8sObject & { spec: { secretName: string; dnsNames?: string[] } }>(objectsOf('base+cert-manager'), 'Certificate').find((c) => c.spec.secretName === 'orchestrator-tls');
    expect(certificate?.spec.dnsNames).toContain(host);
    // Everything else of the base stays as it was.
    expect(objects.filter(isWorkload).map((w) => w.metadata.name).sort()).toEqual(objectsOf('base').filter(isWorkload).map((w) => w.metadata.name).sort());
  });
});

// ---- make-secrets.sh, and nats-server on the shipped configuration ----

interface MakeSecretsRun {
  dir: string;
  status: number | null;
  stdout: string;
  /** What it wrote to --token-file. */
  token: string;
  stderr: string;
}

/** Runs make-secrets.sh --out into a temporary folder, as a user would (the real arbor CLI and openssl). */
function makeSecrets(): Promise<MakeSecretsRun> {
  const dir = mkdtempSync(join(tmpdir(), 'arbor-make-secrets-'));
  const tokenFile = join(dir, 'api-token');
  const args = [join(k8sDir, 'make-secrets.sh'), '-n', 'arbor', '--api-tls', '--token-file', tokenFile, '--out', join(dir, 'out')];
  const child = spawn('sh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const token = () => (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8') : '');
  return new Promise((resolve) => {
    child.on('error', (err) => resolve({ dir, status: -1, stdout, token: '', stderr: `${stderr}${err.message}` }));
    child.on('close', (status) => resolve({ dir, status, stdout, token: token(), stderr }));
  });
}

describe('make-secrets.sh and nats-server on the shipped configuration', () => {
  let run: MakeSecretsRun;
  let out: string;
  let passwords: Record<string, string>;
  let server: NatsServerProcess | undefined;

  beforeAll(async () => {
    run = await secretsRun!;
    if (run.status !== 0) throw new Error(`make-secrets.sh failed (${run.status}):\n${run.stderr}`);
    out = join(run.dir, 'out');
    passwords = Object.fromEntries(
      readFileSync(join(out, 'arbor-nats-users/nats-users.env'), 'utf8').trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    // The embedded overlay's nats.conf and authorization, with the Secret's mount moved to make-secrets.sh's files.
    const { workload, container, data, config } = natsServer(objectsOf('embedded'));
    const tlsMount = container.volumeMounts!.find((m) => (podSpec(workload).volumes ?? []).some((v) => v.name === m.name && v.secret?.secretName === 'nats-tls'))!;
    const confDir = join(run.dir, 'conf');
    mkdirSync(confDir);
    // JetStream's store too, from the claim's mount to a folder of the test's.
    const store = (text: string) => text.replace(/^(\s*store_dir:\s*).*$/m, `$1"${join(run.dir, 'jetstream')}"`);
    for (const [key, text] of Object.entries(data)) writeFileSync(join(confDir, key), store(text.split(`${tlsMount.mountPath}/`).join(`${join(out, 'nats-tls')}/`)));
    // One node on loopback: its routes to nats-N.nats-headless do not resolve here, and it serves alone.
    const [monitor, cluster] = [await freePort(), await freePort()];
    server = await startNatsServer({
      args: ['--config', join(confDir, config.key), '-m', String(monitor), '--cluster', `nats://127.0.0.1:${cluster}`],
      env: { PATH: process.env.PATH ?? '', SERVER_NAME: 'nats-0', ...passwords },
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('makes a password per NATS user, and a tokens file holding the digest of the token it prints', () => {
    expect(Object.keys(passwords).sort()).toEqual(ARBOR_SERVICES.map((s) => `ARBOR_NATS_${s.toUpperCase()}_PASSWORD`).sort());
    for (const password of Object.values(passwords)) expect(password.length).toBeGreaterThanOrEqual(20);
    // The token goes to --token-file only; stdout stays empty.
    expect(run.stdout).toBe('');
    expect(run.token).toMatch(/^\S{20,}\n$/);
    const tokens = JSON.parse(readFileSync(join(out, 'arbor-api-tokens/tokens.json'), 'utf8')) as { tenants: Record<string, { tokens: { sha256: string }[] }> };
    expect(tokens.tenants.demo?.tokens.map((t) => t.sha256)).toEqual([createHash('sha256').update(run.token.trim()).digest('hex')]);
  });

  it('signs the NATS certificate for the client and route names, for server and client auth, with its CA', () => {
    const ca = new X509Certificate(readFileSync(join(out, 'nats-tls/ca.crt')));
    const cert = new X509Certificate(readFileSync(join(out, 'nats-tls/tls.crt')));
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca) && cert.verify(ca.publicKey)).toBe(true);
    const names = (cert.subjectAltName ?? '').split(', ').map((n) => n.replace(/^DNS:/, ''));
    expect(names).toEqual(expect.arrayContaining(['nats', 'nats-headless', '*.nats-headless', 'nats.arbor.svc', '*.nats-headless.arbor.svc.cluster.local']));
    expect(cert.keyUsage).toEqual(expect.arrayContaining([SERVER_AUTH, CLIENT_AUTH]));
    expect(readFileSync(join(out, 'nats-tls/tls.key'), 'utf8')).toMatch(/PRIVATE KEY/);
    // The API certificate: same CA, server auth only.
    const api = new X509Certificate(readFileSync(join(out, 'orchestrator-tls/tls.crt')));
    expect(api.checkIssued(ca) && api.verify(ca.publicKey)).toBe(true);
    expect(api.keyUsage).toEqual([SERVER_AUTH]);
    expect(api.checkHost('orchestrator.arbor.svc')).toBe('orchestrator.arbor.svc');
    // The name the gateway dials (its ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS), which components/api-tls verifies.
    const gatewayDials = environment(objectsOf('base'), arborContainer(objectsOf('base'), GATEWAY).container).ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS!.split(':')[0]!;
    expect(api.checkHost(gatewayDials)).toBe(gatewayDials);
  });

  it('lets each service in over TLS with its own password, and no one with a wrong one or another name', async () => {
    const url = server!.url.replace(/^nats:/, 'tls:');
    // The services dial `nats`; here the server is on 127.0.0.1, so say which name its certificate must carry
    // (nats.js hands its tls options to Node's tls.connect, servername included).
    const tls = { caFile: join(out, 'nats-tls/ca.crt'), servername: 'nats' };
    const elsewhere = { ...tls, servername: 'elsewhere' };
    for (const service of ARBOR_SERVICES) {
      const nc = await connect({ servers: url, tls, user: service, pass: passwords[`ARBOR_NATS_${service.toUpperCase()}_PASSWORD`], reconnect: false });
      expect(nc.info?.tls_required, service).toBe(true);
      expect(nc.info?.jetstream, service).toBe(true);
      await nc.close();
    }
    await expect(connect({ servers: url, tls, user: 'policy', pass: passwords.ARBOR_NATS_VALUE_PASSWORD, reconnect: false })).rejects.toBeInstanceOf(natsErrors.AuthorizationError);
    await expect(connect({ servers: url, tls: elsewhere, user: 'policy', pass: passwords.ARBOR_NATS_POLICY_PASSWORD, reconnect: false })).rejects.toThrow(/altnames/);
  });
});

/**
 * Reads each model service's rendered environment with the service's own config reader and builds its backend,
 * as the pod would at start: a misspelt setting or a missing one fails here instead of in a crash-looping pod.
 */
function expectStartableModelServices(objects: K8sObject[]): void {
  const build = {
    policy: (env: Record<string, string>) => createPolicyBackend(readPolicyConfig(env)).name,
    value: (env: Record<string, string>) => createValueBackend(readValueConfig(env)).name,
    reward: (env: Record<string, string>) => createRewardBackend(readRewardConfig(env)).name,
  };
  for (const service of MODEL_SERVICES) {
    const env = environment(objects, arborContainer(objects, service).container);
    const backend = env[`ARBOR_${service.toUpperCase()}_BACKEND`] ?? 'embedded';
    expect(build[service](env), service).toBe(backend);
  }
}

// ---- the image ----

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, with comments dropped and continuation lines joined. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const space = full.indexOf(' ');
    instructions.push({ keyword: full.slice(0, space).toUpperCase(), args: full.slice(space + 1).trim() });
  }
  return instructions;
}

/** Splits instructions into build stages; ARGs before the first FROM are global defaults. */
function stagesOf(instructions: Instruction[]) {
  const globals: Record<string, string> = {};
  const stages: { image: string; name?: string; body: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      const image = match![1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => globals[a ?? b] ?? '');
      stages.push({ image, ...(match![2] ? { name: match![2] } : {}), body: [] });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [name, value] = instruction.args.split('=');
      if (name && value !== undefined) globals[name] = value;
    } else {
      stages.at(-1)?.body.push(instruction);
    }
  }
  return stages;
}

/** Docker's .dockerignore rules: in order, last match wins, and a pattern matching a parent folder matches its files. */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = (negate ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      let source = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i]!;
        if (c === '*' && pattern[i + 1] === '*') {
          i++;
          if (pattern[i + 1] === '/') {
            i++;
            source += '(?:.*/)?';
          } else source += '.*';
        } else if (c === '*') source += '[^/]*';
        else if (c === '?') source += '[^/]';
        else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { negate, regex: new RegExp(`^${source}$`) };
    });
  return (path) => {
    const parts = path.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (candidates.some((c) => rule.regex.test(c))) excluded = !rule.negate;
    return excluded;
  };
}

describe('the image', () => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const stages = stagesOf(parseDockerfile(dockerfile));
  const final = stages.at(-1)!;
  const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));

  it('is a multi-stage build on pinned base images', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      if (stageNames.has(stage.image)) continue;
      expect(stage.image, 'base image').toMatch(/^[\w./-]+(:[\w.-]+)(@sha256:[0-9a-f]{64})?$/);
      expect(stage.image).not.toMatch(/:latest(@|$)/);
    }
  });

  it('runs as a numeric non-root user, so Kubernetes can verify runAsNonRoot, the same one the manifests use', () => {
    const users = final.body.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.args;
    const [uid] = user.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    for (const overlay of overlays) {
      const objects = objectsOf(overlay);
      for (const service of ARBOR_WORKLOADS) {
        const { workload, container } = arborContainer(objects, service);
        const runAsUser = container.securityContext?.runAsUser ?? podSpec(workload).securityContext?.runAsUser;
        expect(runAsUser, `${overlay}/${service}`).toBe(Number(uid));
      }
    }
  });

  it('starts the bundled CLI with node, the service picked by the command', () => {
    const entrypoint = JSON.parse(final.body.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)!.args) as string[];
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint.at(-1)).toMatch(/dist\/arbor\.mjs$/);
    // Preloaded modules (the telemetry loader) must be ones the build writes, and a loader the build writes
    // must be preloaded, or the image would crash at start or run without telemetry.
    const built = [...readFileSync(join(repoRoot, 'apps/arbor/scripts/build.mjs'), 'utf8').matchAll(/outfile:\s*'dist\/([\w.-]+)'/g)].map((m) => m[1]!);
    const preloaded = entrypoint.flatMap((arg, i) => (entrypoint[i - 1] === '--import' ? [arg.replace(/^.*\/dist\//, '')] : []));
    for (const file of preloaded) expect(built, `--import ${file}`).toContain(file);
    if (built.includes('telemetry.mjs')) expect(preloaded).toContain('telemetry.mjs');
    expect(JSON.parse(final.body.filter((i) => i.keyword === 'CMD').at(-1)!.args)).toEqual(['serve', 'all']);
    for (const overlay of overlays) {
      for (const service of ARBOR_WORKLOADS) {
        expect(arborContainer(objectsOf(overlay), service).container.args).toEqual(['serve', service]);
      }
    }
  });

  it('ships production dependencies only, the bundle and the protos', () => {
    const copies = final.body.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    const fromStage = (args: string) => /--from=(\S+)/.exec(args)?.[1];
    const depsStage = stages.find((s) => s.name === fromStage(copies.find((c) => /node_modules/.test(c)) ?? ''));
    expect(depsStage?.body.some((i) => i.keyword === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args))).toBe(true);
    expect(copies.some((c) => /--from=\S+\s+\S*dist\b/.test(c))).toBe(true);
    expect(copies.some((c) => /\bprotos\b/.test(c))).toBe(true);
    expect(final.body.some((i) => i.keyword === 'ENV' && /ARBOR_PROTO_ROOT=/.test(i.args))).toBe(true);
  });

  it('listens on all interfaces, on the ports the manifests expose', () => {
    const env = final.body.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    for (const overlay of overlays) {
      for (const service of ARBOR_WORKLOADS) {
        const port = new RegExp(`ARBOR_${service.toUpperCase()}_LISTEN=0\\.0\\.0\\.0:(\\d+)`).exec(env)?.[1];
        expect(port, service).toBeDefined();
        const { container } = arborContainer(objectsOf(overlay), service);
        const portName = service === GATEWAY ? 'http' : 'grpc';
        expect(container.ports?.find((p) => p.name === portName)?.containerPort, `${overlay}/${service}`).toBe(Number(port));
      }
    }
  });

  it('builds from a context without node_modules, .git, build output or local secrets, but with every workspace', () => {
    const isExcluded = dockerignore(readFileSync(join(repoRoot, '.dockerignore'), 'utf8'));
    for (const path of [
      'node_modules/pino/package.json',
      'packages/kit/node_modules/zod/package.json',
      'apps/arbor/node_modules/.bin/tsx',
      '.git/HEAD',
      'apps/arbor/dist/arbor.mjs',
      '.turbo/cache/x',
      '.env',
      'bench-results/run.json',
    ]) {
      expect(isExcluded(path), path).toBe(true);
    }
    // Every folder the root package.json names as workspaces ("packages/*", ...).
    const workspaceDirs = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces.map((glob) => glob.replace(/\/\*$/, ''));
    expect(workspaceDirs).toContain('apps');
    const workspaces = workspaceDirs.flatMap((dir) =>
      readdirSync(join(repoRoot, dir)).filter((name) => existsSync(join(repoRoot, dir, name, 'package.json'))).map((name) => `${dir}/${name}/package.json`),
    );
    expect(workspaces.length).toBeGreaterThan(5);
    for (const path of [
      'package.json',
      'package-lock.json',
      'tsconfig.base.json',
      'protos/arbor/v1/common.proto',
      'apps/arbor/scripts/build.mjs',
      'apps/arbor/src/cli/entry.ts',
      ...workspaces,
    ]) {
      expect(isExcluded(path), path).toBe(false);
    }
    // Everything the Dockerfile copies from the context is in it.
    for (const stage of stages) {
      for (const copy of stage.body.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))) {
        const sources = copy.args.split(/\s+/).filter((token) => !token.startsWith('--')).slice(0, -1);
        for (const source of sources) expect(isExcluded(source), `COPY ${source}`).toBe(false);
      }
    }
  });
});
