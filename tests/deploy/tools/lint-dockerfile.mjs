// Lints a Dockerfile, since no container engine runs here: first
// dockerfile-utils (the linter of the Docker language server: syntax,
// instruction arguments, ports, signals, casing), every finding an error;
// then the project's rules for deploy/Dockerfile:
//   stages     a debian:12 build stage that runs deploy/scripts/install-deps.sh
//              and deploy/scripts/build.sh; a debian:12-slim final stage
//   runtime    the final stage installs no build tools or -dev packages,
//              with --no-install-recommends, cleans the apt lists, and has
//              tzdata and ca-certificates
//   user       the final stage runs as a numeric non-root USER
//   data       a VOLUME holds MEETINGS_DATA_DIR; EXPOSE covers the ports of
//              MEETINGS_ADDRESS and MEETINGS_METRICS_ADDRESS
//   entrypoint ENTRYPOINT in exec (JSON) form
// Usage: node lint-dockerfile.mjs Dockerfile...
import { readFileSync } from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { filesFromArgs, Report } from './lib.mjs';

const E = ValidationSeverity.ERROR;
const STRICT = {
  deprecatedMaintainer: E,
  directiveCasing: E,
  emptyContinuationLine: E,
  instructionCasing: E,
  instructionCmdMultiple: E,
  instructionEntrypointMultiple: E,
  instructionHealthcheckMultiple: E,
  instructionJSONInSingleQuotes: E,
  instructionWorkdirRelative: E,
};
const BUILD_TOOLS = /^(g\+\+|gcc|clang|cmake|ninja-build|make|build-essential|ccache|pkg-config|protobuf-compiler(-grpc)?|git|.*-dev)$/;

// Package names after "apt-get install" in a RUN's text.
function aptInstalls(run) {
  const out = [];
  for (const m of run.matchAll(/apt-get\s+install\s+([^&;|]*)/g)) {
    for (const word of m[1].split(/\s+/)) {
      if (word && !word.startsWith('-') && word !== '\\') out.push(word);
    }
  }
  return out;
}

for (const file of filesFromArgs('lint-dockerfile.mjs Dockerfile...')) {
  const report = new Report('dockerfile');
  const content = readFileSync(file, 'utf8');

  for (const d of validate(content, STRICT)) {
    report.add(`${file}:${d.range.start.line + 1}`, `dockerfile-utils: ${d.message}`);
  }

  const dockerfile = DockerfileParser.parse(content);
  // Instructions grouped by stage (each FROM opens one).
  const stages = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') stages.push({ from: instruction, body: [] });
    else if (stages.length > 0) stages.at(-1).body.push(instruction);
  }
  if (stages.length < 2) {
    report.add(file, 'stages: expected a build stage and a runtime stage');
    report.finish(file);
    continue;
  }
  const text = (i) => i.getRawArgumentsContent() ?? '';
  const runs = (stage) => stage.body.filter((i) => i.getKeyword() === 'RUN').map(text);
  const image = (stage) => stage.from.getImage();

  const build = stages[0];
  const final = stages.at(-1);
  if (image(build) !== 'debian:12') report.add(file, `stages: build stage is FROM ${image(build)}, not debian:12`);
  const buildRuns = runs(build).join('\n');
  for (const script of ['deploy/scripts/install-deps.sh', 'deploy/scripts/build.sh']) {
    if (!buildRuns.includes(script)) report.add(file, `stages: the build stage does not run ${script}`);
  }
  if (image(final) !== 'debian:12-slim') {
    report.add(file, `stages: final stage is FROM ${image(final)}, not debian:12-slim`);
  }

  // runtime
  const packages = runs(final).flatMap(aptInstalls);
  for (const p of packages) {
    if (BUILD_TOOLS.test(p)) report.add(file, `runtime: the final stage installs build tool or header package "${p}"`);
  }
  for (const p of ['tzdata', 'ca-certificates']) {
    if (!packages.includes(p)) report.add(file, `runtime: the final stage does not install ${p}`);
  }
  for (const run of runs(final)) {
    if (/apt-get\s+install/.test(run)) {
      if (!run.includes('--no-install-recommends')) report.add(file, 'runtime: apt-get install without --no-install-recommends');
      if (!run.includes('rm -rf /var/lib/apt/lists')) report.add(file, 'runtime: apt lists left in the image');
    }
  }
  for (const i of final.body) {
    if (i.getKeyword() === 'ADD') report.add(file, 'runtime: ADD in the final stage (use COPY --from=build)');
    if (i.getKeyword() === 'COPY' && !/--from=/.test(i.getTextContent())) {
      report.add(file, `runtime: COPY of build-context files into the final stage: ${text(i)}`);
    }
  }

  // user
  const users = final.body.filter((i) => i.getKeyword() === 'USER').map(text);
  const user = users.at(-1);
  if (user === undefined) {
    report.add(file, 'user: the final stage has no USER: it would run as root');
  } else {
    const uid = user.split(':')[0];
    if (!/^\d+$/.test(uid)) report.add(file, `user: USER ${user} is not numeric (Kubernetes runAsNonRoot cannot verify a name)`);
    else if (Number(uid) === 0) report.add(file, 'user: USER is root');
  }

  // data
  const env = {};
  for (const i of final.body.filter((x) => x.getKeyword() === 'ENV')) {
    for (const p of i.getProperties()) env[p.getName()] = p.getValue();
  }
  const volumes = final.body.filter((i) => i.getKeyword() === 'VOLUME')
    .flatMap((i) => text(i).replace(/[[\]",]/g, ' ').split(/\s+/).filter(Boolean));
  const dataDir = env.MEETINGS_DATA_DIR;
  if (!dataDir) report.add(file, 'data: MEETINGS_DATA_DIR is not set in the final stage');
  else if (!volumes.some((v) => dataDir === v || dataDir.startsWith(`${v.replace(/\/$/, '')}/`))) {
    report.add(file, `data: no VOLUME holds MEETINGS_DATA_DIR ${dataDir}`);
  }
  const exposed = final.body.filter((i) => i.getKeyword() === 'EXPOSE')
    .flatMap((i) => text(i).split(/\s+/)).map((p) => Number(p.split('/')[0]));
  for (const name of ['MEETINGS_ADDRESS', 'MEETINGS_METRICS_ADDRESS']) {
    const port = Number(/:(\d+)$/.exec(env[name] ?? '')?.[1]);
    if (!port) report.add(file, `data: ${name} is not set to host:port in the final stage`);
    else if (!exposed.includes(port)) report.add(file, `data: port ${port} of ${name} is not EXPOSEd`);
  }

  // entrypoint
  const entrypoint = final.body.filter((i) => i.getKeyword() === 'ENTRYPOINT').map(text).at(-1);
  if (!entrypoint) report.add(file, 'entrypoint: no ENTRYPOINT');
  else if (!entrypoint.trim().startsWith('[')) {
    report.add(file, 'entrypoint: ENTRYPOINT in shell form (a shell would be PID 1 and swallow SIGTERM)');
  }

  report.finish(file);
}
