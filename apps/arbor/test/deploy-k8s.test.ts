// The deployment artefacts: renders every kustomize overlay in deploy/k8s with `kubectl kustomize`, validates
// each object against the Kubernetes schemas (kubernetes-models), and checks the invariants the stack relies
// on (probes, resources, restricted security context, reward autoscaling, drain time, GPU placement); then
// checks the Dockerfile and .dockerignore that build the image those manifests run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createPolicyBackend, readPolicyConfig } from '@arbor/policy';
import { createRewardBackend, readRewardConfig } from '@arbor/reward';
import { createValueBackend, readValueConfig } from '@arbor/value';
import { LIVENESS_SERVICE } from '@arbor/kit';
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
const overlaysDir = join(repoRoot, 'deploy/k8s/overlays');

/** The Arbor image's name in the manifests (overlays rewrite registry and tag, never the last path segment). */
const ARBOR_IMAGE = /(^|\/)arbor(:|@|$)/;
const ARBOR_SERVICES = ['orchestrator', 'policy', 'value', 'reward'] as const;
const MODEL_SERVICES = ['policy', 'value', 'reward'] as const;
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

function render(overlay: string): K8sObject[] {
  const result = kubectl(['kustomize', join(overlaysDir, overlay)]);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${overlay} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${overlay}: invalid YAML from kustomize: ${doc.errors[0]!.message}`);
    return doc.toJS() as K8sObject;
  });
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
const rendered = new Map<string, K8sObject[]>();

beforeAll(() => {
  requireKustomize5();
  for (const overlay of overlays) rendered.set(overlay, render(overlay));
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

    it('runs the four Arbor services and NATS', () => {
      const objects = objectsOf(overlay);
      for (const service of ARBOR_SERVICES) expect(() => arborContainer(objects, service)).not.toThrow();
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

    it('names every Service port, gives the Arbor services a port named grpc, and selects existing pods', () => {
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
        if (selected.some(isArbor) && !ports.some((p) => p.name === 'grpc')) problems.push(`Service ${name}: no port named grpc`);
      }
      for (const service of ARBOR_SERVICES) {
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

    it('scales reward with an HPA on CPU that owns its replica count', () => {
      const objects = objectsOf(overlay);
      const hpas = byKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').filter(
        (h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === 'reward',
      );
      expect(hpas).toHaveLength(1);
      const hpa = hpas[0]!.spec!;
      expect(hpa.scaleTargetRef.apiVersion).toBe('apps/v1');
      expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.maxReplicas).toBeGreaterThan(hpa.minReplicas!);
      expect(hpa.metrics?.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu')).toBe(true);
      const { workload, container } = arborContainer(objects, 'reward');
      // A replicas field would reset the HPA's count on every `kubectl apply`.
      expect((workload as IDeployment).spec?.replicas).toBeUndefined();
      // CPU utilisation is measured against the request.
      expect(container.resources?.requests?.cpu).toBeDefined();
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
      for (const service of ARBOR_SERVICES) {
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

    it('keeps the V8 heap cap of every Arbor container below its memory limit', () => {
      const objects = objectsOf(overlay);
      for (const service of ARBOR_SERVICES) {
        const { container } = arborContainer(objects, service);
        const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(environment(objects, container).NODE_OPTIONS ?? '')?.[1]);
        expect(heapMiB, service).toBeGreaterThan(0);
        expect(heapMiB * 2 ** 20, service).toBeLessThan(quantity(container.resources!.limits!.memory!));
      }
    });

    it('sends telemetry only to a collector Service that exists', () => {
      const objects = objectsOf(overlay);
      for (const service of ARBOR_SERVICES) {
        const endpoint = environment(objects, arborContainer(objects, service).container).OTEL_EXPORTER_OTLP_ENDPOINT;
        if (endpoint === undefined) continue;
        const { host, port } = hostOf(endpoint);
        expect(serviceExposes(objects, host, port), `${service}: ${endpoint}`).toBe(true);
      }
    });

    it('denies ingress by default when it includes network policies', () => {
      const policies = byKind<K8sObject>(objectsOf(overlay), 'NetworkPolicy') as (K8sObject & { spec: { podSelector: object; policyTypes?: string[]; ingress?: unknown[] } })[];
      if (policies.length === 0) return;
      expect(policies.some((p) => Object.keys(p.spec.podSelector).length === 0 && p.spec.policyTypes?.includes('Ingress') && !p.spec.ingress)).toBe(true);
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
      for (const service of ARBOR_SERVICES) {
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
      for (const service of ARBOR_SERVICES) {
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
      for (const service of ARBOR_SERVICES) {
        const port = new RegExp(`ARBOR_${service.toUpperCase()}_LISTEN=0\\.0\\.0\\.0:(\\d+)`).exec(env)?.[1];
        expect(port, service).toBeDefined();
        const { container } = arborContainer(objectsOf(overlay), service);
        expect(container.ports?.find((p) => p.name === 'grpc')?.containerPort, `${overlay}/${service}`).toBe(Number(port));
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
