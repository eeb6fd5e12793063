// Checks what schemas cannot see in a rendered overlay: references between
// objects, and the project's operational rules. Each rule names itself in
// its message.
//   selector      Service, PDB and NetworkPolicy selectors and the
//                 StatefulSet selector match the pod template's labels
//   ports         Service targetPorts, NetworkPolicy ports, grpc probe ports,
//                 the Prometheus annotation and the MEETINGS_*_ADDRESS ports
//                 name real container ports
//   probes        startup, readiness and liveness are grpc probes on
//                 distinct health names: readiness on "readiness" (or the
//                 service name), liveness on "liveness"; or httpGet probes
//                 of /healthz/{startup,ready,live} on the metrics port
//   tls           with MEETINGS_TLS_CERT_FILE set, no grpc probe (the
//                 kubelet cannot speak TLS to it); TLS and policy files lie
//                 on mounted volumes
//   grace         terminationGracePeriodSeconds >= MEETINGS_LAME_DUCK +
//                 MEETINGS_DRAIN_TIMEOUT + 5 s; liveness tolerates a drain
//   single-writer replicas is 1; the data directory lies on the claim
//   storage       every claim template is mounted
//   security      non-root, read-only root filesystem, no privilege
//                 escalation, every capability dropped, RuntimeDefault seccomp
//   resources     cpu and memory requests and limits
//   config        envFrom names a ConfigMap of the render; headless service
//                 exists; one namespace
//   image         a pinned tag, not "latest"
// Usage: node check-policy.mjs RENDERED.yaml...
import { filesFromArgs, loadManifests, Report } from './lib.mjs';

// Seconds the server needs beyond lame duck + drain deadline to refuse new
// calls, cancel stragglers and close RocksDB.
const CLOSE_MARGIN_SECONDS = 5;

// Parses absl::Duration text as the server does ("20s", "1m30s", "500ms", "0").
function durationSeconds(text) {
  if (text === undefined) return undefined;
  if (text === '0') return 0;
  const units = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 };
  let total = 0;
  let rest = String(text);
  const re = /^(\d+(?:\.\d+)?)(h|ms|us|ns|m|s)/;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m) return NaN;
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}

function portOf(address) {
  const m = /:(\d+)$/.exec(address ?? '');
  return m ? Number(m[1]) : undefined;
}

function matches(selector, labels) {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

for (const file of filesFromArgs('check-policy.mjs RENDERED.yaml...')) {
  const report = new Report('policy');
  const manifests = loadManifests(file);
  const byKind = (kind) => manifests.filter((m) => m.doc.kind === kind);
  const statefulSets = byKind('StatefulSet');
  if (statefulSets.length !== 1) {
    report.add(file, `single-writer: expected exactly one StatefulSet, found ${statefulSets.length}`);
  }

  // Namespaces: one for every namespaced object.
  const namespaces = new Set(
    manifests.filter((m) => m.doc.kind !== 'Namespace').map((m) => m.doc.metadata?.namespace ?? ''),
  );
  if (namespaces.size > 1) report.add(file, `config: objects in several namespaces: ${[...namespaces]}`);
  for (const { doc, where } of byKind('Namespace')) {
    if (!namespaces.has(doc.metadata.name)) report.add(where, 'config: no object lives in this namespace');
  }

  for (const { doc: sts, where } of statefulSets) {
    const spec = sts.spec ?? {};
    const pod = spec.template?.spec ?? {};
    const podLabels = spec.template?.metadata?.labels ?? {};
    const containers = pod.containers ?? [];

    // single-writer
    if (spec.replicas !== 1) {
      report.add(where, `single-writer: replicas is ${spec.replicas}; RocksDB has one writer per directory and each replica would be a separate database`);
    }
    // selector
    if (!matches(spec.selector?.matchLabels, podLabels)) {
      report.add(where, 'selector: spec.selector.matchLabels does not match the pod template labels');
    }
    const headless = byKind('Service').find((s) => s.doc.metadata.name === spec.serviceName);
    if (!headless) {
      report.add(where, `config: serviceName "${spec.serviceName}" is not a Service of this render`);
    } else if (headless.doc.spec?.clusterIP !== 'None') {
      report.add(where, `config: serviceName "${spec.serviceName}" is not headless (clusterIP: None)`);
    }

    // Ports by name and number over every container.
    const portsByName = new Map();
    const portNumbers = new Set();
    for (const c of containers) {
      for (const p of c.ports ?? []) {
        if (p.name) portsByName.set(p.name, p.containerPort);
        portNumbers.add(p.containerPort);
      }
    }
    const realPort = (port) => (typeof port === 'number' ? portNumbers.has(port) : portsByName.has(port));

    const server = containers[0];
    if (!server) {
      report.add(where, 'config: no container');
      continue;
    }
    const cwhere = `${where} container ${server.name}`;

    // Configuration as the server sees it: ConfigMaps by envFrom, then env.
    const env = {};
    for (const from of server.envFrom ?? []) {
      const name = from.configMapRef?.name;
      if (!name) continue;
      const cm = byKind('ConfigMap').find((m) => m.doc.metadata.name === name);
      if (!cm) {
        report.add(cwhere, `config: envFrom names ConfigMap "${name}", which is not in this render`);
        continue;
      }
      Object.assign(env, cm.doc.data ?? {});
    }
    for (const e of server.env ?? []) if (e.value !== undefined) env[e.name] = e.value;

    // ports
    const grpcPort = portsByName.get('grpc');
    const metricsPort = portsByName.get('metrics');
    if (grpcPort === undefined) report.add(cwhere, 'ports: no container port named "grpc"');
    if (metricsPort === undefined) report.add(cwhere, 'ports: no container port named "metrics"');
    if (portOf(env.MEETINGS_ADDRESS) !== grpcPort) {
      report.add(cwhere, `ports: MEETINGS_ADDRESS "${env.MEETINGS_ADDRESS}" does not listen on the grpc port ${grpcPort}`);
    }
    if (portOf(env.MEETINGS_METRICS_ADDRESS) !== metricsPort) {
      report.add(cwhere, `ports: MEETINGS_METRICS_ADDRESS "${env.MEETINGS_METRICS_ADDRESS}" does not listen on the metrics port ${metricsPort}`);
    }
    const annotations = spec.template?.metadata?.annotations ?? {};
    if (annotations['prometheus.io/scrape'] !== 'true') {
      report.add(where, 'ports: pod template lacks prometheus.io/scrape: "true"');
    }
    if (Number(annotations['prometheus.io/port']) !== metricsPort) {
      report.add(where, `ports: prometheus.io/port "${annotations['prometheus.io/port']}" is not the metrics port ${metricsPort}`);
    }

    // probes: gRPC on the grpc port, or (required when that port speaks
    // TLS, which the kubelet's gRPC probes cannot) HTTP on the metrics port.
    const tls = Boolean(env.MEETINGS_TLS_CERT_FILE);
    const httpPaths = { startupProbe: '/healthz/startup', readinessProbe: '/healthz/ready', livenessProbe: '/healthz/live' };
    const httpNames = { startupProbe: 'startup', readinessProbe: 'readiness', livenessProbe: 'liveness' };
    const probes = { startupProbe: null, readinessProbe: null, livenessProbe: null };
    for (const kind of Object.keys(probes)) {
      const probe = server[kind];
      if (!probe) {
        report.add(cwhere, `probes: no ${kind}`);
        continue;
      }
      if (probe.httpGet) {
        const port = probe.httpGet.port;
        if (port !== metricsPort && port !== 'metrics') {
          report.add(cwhere, `ports: ${kind} gets port ${port}, not the metrics port ${metricsPort}`);
        }
        if (probe.httpGet.path !== httpPaths[kind]) {
          report.add(cwhere, `probes: ${kind} gets "${probe.httpGet.path}"; it must get ${httpPaths[kind]}`);
        }
        probes[kind] = httpNames[kind];
        continue;
      }
      if (!probe.grpc) {
        report.add(cwhere, `probes: ${kind} is neither a grpc nor an httpGet probe`);
        continue;
      }
      if (tls) {
        report.add(cwhere, `tls: ${kind} is a grpc probe, which cannot reach the TLS port; use httpGet ${httpPaths[kind]} on the metrics port`);
      }
      if (!portNumbers.has(probe.grpc.port)) {
        report.add(cwhere, `ports: ${kind} probes port ${probe.grpc.port}, which no container declares`);
      } else if (probe.grpc.port !== grpcPort) {
        report.add(cwhere, `ports: ${kind} probes port ${probe.grpc.port}, not the grpc port ${grpcPort}`);
      }
      probes[kind] = probe.grpc.service ?? '';
    }
    const names = Object.values(probes).filter((n) => n !== null);
    if (new Set(names).size !== names.length) {
      report.add(cwhere, `probes: startup, readiness and liveness share a health name (${names.join(', ')}); a drain would fail liveness and restart the pod`);
    }
    if (probes.livenessProbe !== null && probes.livenessProbe !== 'liveness') {
      report.add(cwhere, `probes: liveness checks "${probes.livenessProbe}"; only "liveness" stays SERVING through a drain`);
    }
    if (probes.readinessProbe !== null &&
        !['readiness', '', 'meetings.v1.MeetingRecords'].includes(probes.readinessProbe)) {
      report.add(cwhere, `probes: readiness checks "${probes.readinessProbe}", which does not turn NOT_SERVING on a drain`);
    }

    // tls: the certificate, key, client CA and policy files the server is
    // told to read lie on a mounted volume (a Secret), not in the image.
    for (const key of ['MEETINGS_TLS_CERT_FILE', 'MEETINGS_TLS_KEY_FILE', 'MEETINGS_TLS_CLIENT_CA_FILE', 'MEETINGS_AUTH_POLICY_FILE']) {
      const file = env[key];
      if (!file) continue;
      const mounted = (server.volumeMounts ?? []).some((m) => file.startsWith(m.mountPath.replace(/\/?$/, '/')));
      if (!mounted) report.add(cwhere, `tls: ${key} "${file}" is on no mounted volume`);
    }
    if (env.MEETINGS_TLS_KEY_FILE && !tls) {
      report.add(cwhere, 'tls: MEETINGS_TLS_KEY_FILE without MEETINGS_TLS_CERT_FILE');
    }

    // grace
    const lameDuck = durationSeconds(env.MEETINGS_LAME_DUCK ?? '0');
    const drain = durationSeconds(env.MEETINGS_DRAIN_TIMEOUT ?? '20s');
    if (Number.isNaN(lameDuck) || Number.isNaN(drain)) {
      report.add(cwhere, `grace: cannot read MEETINGS_LAME_DUCK "${env.MEETINGS_LAME_DUCK}" or MEETINGS_DRAIN_TIMEOUT "${env.MEETINGS_DRAIN_TIMEOUT}"`);
    } else {
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      const need = lameDuck + drain + CLOSE_MARGIN_SECONDS;
      if (grace < need) {
        report.add(where, `grace: terminationGracePeriodSeconds ${grace} < lame duck ${lameDuck} s + drain ${drain} s + ${CLOSE_MARGIN_SECONDS} s = ${need} s; the kubelet would SIGKILL a draining server`);
      }
      const liveness = server.livenessProbe;
      if (liveness) {
        const tolerance = (liveness.periodSeconds ?? 10) * (liveness.failureThreshold ?? 3);
        if (tolerance < drain) {
          report.add(cwhere, `grace: liveness tolerates ${tolerance} s of failures, less than the ${drain} s drain during which the port is closed`);
        }
      }
    }

    // storage and the data directory
    const claims = (spec.volumeClaimTemplates ?? []).map((c) => c.metadata?.name);
    if (claims.length === 0) report.add(where, 'storage: no volumeClaimTemplates');
    const mounts = server.volumeMounts ?? [];
    for (const claim of claims) {
      if (!mounts.some((m) => m.name === claim)) report.add(cwhere, `storage: claim "${claim}" is not mounted`);
    }
    const dataDir = env.MEETINGS_DATA_DIR ?? '';
    const onClaim = mounts.some((m) => claims.includes(m.name) &&
      (dataDir === m.mountPath || dataDir.startsWith(`${m.mountPath.replace(/\/$/, '')}/`)));
    if (!onClaim) {
      report.add(cwhere, `single-writer: MEETINGS_DATA_DIR "${dataDir}" is not on a persistent volume claim`);
    }

    // security
    const podSec = pod.securityContext ?? {};
    const sec = server.securityContext ?? {};
    if ((sec.runAsNonRoot ?? podSec.runAsNonRoot) !== true) report.add(cwhere, 'security: runAsNonRoot is not true');
    if ((sec.runAsUser ?? podSec.runAsUser) === 0) report.add(cwhere, 'security: runs as uid 0');
    if (sec.readOnlyRootFilesystem !== true) report.add(cwhere, 'security: readOnlyRootFilesystem is not true');
    if (sec.allowPrivilegeEscalation !== false) report.add(cwhere, 'security: allowPrivilegeEscalation is not false');
    if (sec.privileged === true) report.add(cwhere, 'security: privileged');
    if (!(sec.capabilities?.drop ?? []).includes('ALL')) report.add(cwhere, 'security: capabilities.drop lacks ALL');
    if ((sec.capabilities?.add ?? []).length > 0) report.add(cwhere, 'security: capabilities added');
    if ((sec.seccompProfile?.type ?? podSec.seccompProfile?.type) !== 'RuntimeDefault') {
      report.add(cwhere, 'security: seccompProfile is not RuntimeDefault');
    }
    if (pod.automountServiceAccountToken !== false) {
      report.add(where, 'security: automountServiceAccountToken is not false');
    }

    // resources
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (server.resources?.[kind]?.[resource] === undefined) {
          report.add(cwhere, `resources: no ${resource} ${kind}`);
        }
      }
    }

    // image
    const image = server.image ?? '';
    const tag = /:([^/:@]+)$/.exec(image)?.[1];
    if (!image.includes('@') && (!tag || tag === 'latest')) {
      report.add(cwhere, `image: "${image}" has no pinned tag`);
    }

    // Services, PDBs and NetworkPolicies that should select this pod.
    for (const { doc: svc, where: swhere } of byKind('Service')) {
      if (!matches(svc.spec?.selector, podLabels)) {
        report.add(swhere, 'selector: spec.selector does not match the StatefulSet pod labels');
      }
      for (const p of svc.spec?.ports ?? []) {
        const target = p.targetPort ?? p.port;
        if (!realPort(target)) {
          report.add(swhere, `ports: port "${p.name}" targets "${target}", which no container declares`);
        }
        const number = typeof target === 'number' ? target : portsByName.get(target);
        if (number === grpcPort && p.appProtocol !== 'grpc') {
          report.add(swhere, `ports: port "${p.name}" serves gRPC without appProtocol: grpc`);
        }
      }
    }
    if (byKind('Service').filter((s) => s.doc.spec?.clusterIP !== 'None').length === 0) {
      report.add(file, 'config: no client (non-headless) Service');
    }
    if (byKind('PodDisruptionBudget').length === 0) report.add(file, 'config: no PodDisruptionBudget');
    for (const { doc: pdb, where: pwhere } of byKind('PodDisruptionBudget')) {
      if (!matches(pdb.spec?.selector?.matchLabels, podLabels)) {
        report.add(pwhere, 'selector: spec.selector.matchLabels does not match the StatefulSet pod labels');
      }
    }
    if (byKind('NetworkPolicy').length === 0) report.add(file, 'config: no NetworkPolicy');
    for (const { doc: np, where: nwhere } of byKind('NetworkPolicy')) {
      if (!matches(np.spec?.podSelector?.matchLabels, podLabels)) {
        report.add(nwhere, 'selector: spec.podSelector does not match the StatefulSet pod labels');
      }
      for (const rule of np.spec?.ingress ?? []) {
        for (const p of rule.ports ?? []) {
          if (!realPort(p.port)) report.add(nwhere, `ports: ingress port "${p.port}" is not a container port`);
        }
      }
    }
  }
  report.finish(file);
}
