#!/usr/bin/python3
"""The meeting-records benchmark: the service against gRPC's own ceiling and
against PostgreSQL 15, side by side, at several data sizes.

Run through tests/bench/run.sh (which builds the binaries and installs the
Debian packages first). For each size it:

  1. bulk-loads the generated data set into a fresh server through the
     public API (meetings_datagen --target) and records the rate;
  2. runs meetings_loadgen (health check, GetMeeting, three ListMeetings
     queries, UpdateMeeting, CreateMeeting, health check again), --repeats
     times, and samples the server's VmRSS;
  3. loads the same data set into a temporary PostgreSQL 15 cluster (COPY
     of the TSV files meetings_datagen --tsv_dir writes, then the indexes)
     and runs pgbench custom scripts (tests/bench/pg/*.sql) for the same
     queries at the same concurrency, --repeats times.

The server and PostgreSQL run on --server-cpu, the load generator and
pgbench on --client-cpu (taskset). Everything is written under --out:
results.json (all figures), report.md (tables, targets, chart) and
scaling.png (gnuplot). --check verifies that those files exist and are well
formed, without judging any figure (the ctest smoke test uses it).

Only /usr/bin/python3 and its standard library are needed.
"""

import argparse
import ctypes
import datetime
import glob
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PG_DIR = os.path.join(HERE, "pg")
PG_BIN = "/usr/lib/postgresql/15/bin"
PG_USER = "bench"

# Methods of the load generator, in the order they run; writes come last
# because they change what the reads see.
SERVICE_METHODS = [
    "health_check", "get_meeting", "list_by_organization", "list_by_date",
    "list_by_person", "update_meeting", "create_meeting", "health_check",
]
# The queries both sides answer: service method -> pgbench script stem.
COMPARED = [
    ("get_meeting", "get_meeting"),
    ("list_by_organization", "list_by_organization"),
    ("list_by_date", "list_by_date"),
    ("list_by_person", "list_by_person"),
]
LIST_METHODS = ["list_by_organization", "list_by_date", "list_by_person"]

# Targets of issue 5, checked by the report (never by a test).
TARGET_GET_RATIO = 0.85
TARGET_CREATE_RATIO = 0.5
TARGET_LIST_P99_GROWTH = 1.3
TARGET_BULK_RATE = 20000.0
TARGET_RSS_MIB = 300.0


def die_with_parent():
    """preexec_fn: the child gets SIGTERM when this script dies (even by
    SIGKILL, e.g. a ctest time-out), so no server outlives a run."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_size(text):
    value = int(float(text))
    if value < 1:
        raise argparse.ArgumentTypeError(f"bad size {text!r}")
    return value


def size_label(n):
    if n >= 10 and n == 10 ** round(math.log10(n)):
        return f"1e{round(math.log10(n))}"
    return str(n)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_proc_status(pid):
    """VmRSS and VmHWM of a process in MiB (None when it is gone)."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(rest.split()[0]) / 1024.0
    except OSError:
        return None
    return out


def cpu_seconds(pid):
    """User + system CPU seconds a process (all its threads) has used."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def run(cmd, **kwargs):
    """Runs a command, raising with its output on failure."""
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} exited {result.returncode}\n{result.stdout[-3000:]}\n"
            f"{result.stderr[-3000:]}")
    return result


def machine_info():
    info = {"cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            info["memory_gib"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info["load_average"] = list(os.getloadavg())
    return info


class Server:
    """The meeting_records_server binary on 127.0.0.1, pinned to one CPU."""

    def __init__(self, binary, data_dir, cpu, log_path, extra_args=()):
        self.data_dir = data_dir
        port_file = os.path.join(os.path.dirname(data_dir), "server.port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.log = open(log_path, "ab")
        # The server's Prometheus endpoint, when this build has one, tells
        # how much memory RocksDB's memtables hold (see rocksdb_stats()).
        self.metrics_port = None
        extra = []
        if "--metrics_address" in subprocess.run([binary, "--help"], capture_output=True,
                                                 text=True).stdout:
            self.metrics_port = free_port()
            extra = ["--metrics_address", f"127.0.0.1:{self.metrics_port}"]
        self.proc = subprocess.Popen(
            ["taskset", "-c", str(cpu), binary, "--address", "127.0.0.1:0",
             "--data_dir", data_dir, "--port_file", port_file] + extra + list(extra_args),
            stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        deadline = time.time() + 60
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"server did not start; see {log_path}")
            time.sleep(0.05)
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.target = f"127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.proc.pid  # taskset execs the server: same pid

    def memory(self):
        return read_proc_status(self.pid) or {}

    def rocksdb_stats(self):
        """The meetings_rocksdb_* gauges of /metrics in MiB, or {} when the
        build has no metrics endpoint."""
        if self.metrics_port is None:
            return {}
        import urllib.request
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics",
                                        timeout=10) as response:
                text = response.read().decode()
        except OSError:
            return {}
        stats = {}
        for line in text.splitlines():
            if line.startswith("meetings_rocksdb_"):
                name, _, value = line.partition(" ")
                stats[name[len("meetings_rocksdb_"):].replace("_bytes", "_mib")] = \
                    float(value) / 2 ** 20
        return stats

    def wait_idle(self, max_seconds, idle_fraction=0.05, window=1.0):
        """Waits until the server (flushes, compactions) uses less than
        idle_fraction of a CPU over `window` seconds; returns the wait."""
        start = time.time()
        while time.time() - start < max_seconds:
            a = cpu_seconds(self.pid)
            time.sleep(window)
            b = cpu_seconds(self.pid)
            if a is None or b is None or (b - a) / window < idle_fraction:
                break
        return time.time() - start

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


class Postgres:
    """A throw-away PostgreSQL 15 cluster in a temporary directory, on
    127.0.0.1 and a free port, pinned to one CPU. initdb refuses to run as
    root, so as root the cluster belongs to an unprivileged user: `postgres`
    (created by Debian's package) or else `nobody` (see pg_run_as())."""

    def __init__(self, work_dir, cpu, log_path):
        self.dir = tempfile.mkdtemp(prefix="pg-", dir=work_dir)
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.log_path = log_path
        self.cpu = cpu
        self.as_user = []
        if os.geteuid() == 0:
            # The postgres user must be able to reach its directory.
            os.chmod(work_dir, 0o711)
            user = pg_run_as()
            shutil.chown(self.dir, user, pwd_group(user))
            self.as_user = ["runuser", "-u", user, "--"]
        start = time.time()
        run(self.as_user + [f"{PG_BIN}/initdb", "-D", self.data, "-U", PG_USER,
                            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(PG_CONF.format(port=self.port, socket_dir=self.dir))
        run(["taskset", "-c", str(cpu)] + self.as_user +
            [f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "server.log"),
             "-w", "-t", "60", "start"])
        self.start_seconds = time.time() - start
        self.version = run([f"{PG_BIN}/postgres", "--version"]).stdout.strip()

    def pid(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def psql(self, database, sql=None, file=None, capture=False):
        cmd = [f"{PG_BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
               "-p", str(self.port), "-U", PG_USER, "-d", database]
        if capture:
            cmd += ["-A", "-t"]
        if sql is not None:
            cmd += ["-c", sql]
        if file is not None:
            cmd += ["-f", file]
        return run(cmd).stdout

    def memory_mib(self):
        """Sum of VmRSS over the postmaster and its children (shared buffers
        counted once per process that touched them, so an upper bound)."""
        total = 0.0
        try:
            parent = self.pid()
        except OSError:
            return None
        for pid in [parent] + children_of(parent):
            status = read_proc_status(pid)
            if status:
                total += status.get("VmRSS", 0)
        return total

    def stop(self):
        try:
            run(self.as_user + [f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


# Settings of the temporary cluster. The service runs with its defaults
# (WAL on, no fsync per write); the cluster likewise does not wait for
# fsync. Queries run on one pinned core, so parallel query and JIT, which
# only add overhead to short queries there, are off.
PG_CONF = """
# --- tests/bench/bench.py ---
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
max_connections = 64
shared_buffers = 256MB
work_mem = 16MB
maintenance_work_mem = 512MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 8GB
checkpoint_timeout = 30min
autovacuum = off
jit = off
max_parallel_workers_per_gather = 0
max_parallel_maintenance_workers = 0
"""


def pg_run_as():
    """The unprivileged user a root run starts PostgreSQL as (it refuses to
    run as root): Debian's `postgres`, else `nobody`; None when neither."""
    import pwd
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
            return user
        except KeyError:
            pass
    return None


def pwd_group(user):
    import grp
    import pwd
    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


def pg_unavailable_reason():
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not os.access(f"{PG_BIN}/{tool}", os.X_OK):
            return f"{PG_BIN}/{tool} not found (Debian package postgresql-15)"
    for tool in ("pgbench", "psql"):
        if not os.access(f"{PG_BIN}/{tool}", os.X_OK):
            return f"{PG_BIN}/{tool} not found (Debian package postgresql-client-15)"
    if os.geteuid() == 0:
        if pg_run_as() is None:
            return "running as root and there is neither a `postgres` nor a `nobody` user"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def summarize_latencies(micros):
    if not micros:
        return {"p50_us": 0, "p99_us": 0, "p999_us": 0, "mean_us": 0}
    micros.sort()
    n = len(micros)

    def q(p):
        return float(micros[min(n - 1, int(p * n))])

    return {"p50_us": q(0.5), "p99_us": q(0.99), "p999_us": q(0.999),
            "mean_us": sum(micros) / n}


def run_pgbench(pg, database, script, variables, args, work_dir, clients, seconds, log_latency,
                stall_retries=2):
    """One pgbench run of `script` for `seconds`. A script that fails makes
    pgbench exit non-zero, which raises; a run that exits 0 having finished
    no transaction was stalled by the machine (seen in CI: the 1 s smoke run
    of a script beside the crash tests' fsyncs), so it is repeated with twice
    the time, at most `stall_retries` times, and the result says so."""
    for retries in range(stall_retries + 1):
        if retries:
            log(f"pgbench {os.path.basename(script)} finished no transaction; "
                f"again for {seconds} s")
        result = _run_pgbench_once(pg, database, script, variables, args, work_dir, clients,
                                   seconds, log_latency)
        if result["calls"] > 0:
            break
        seconds *= 2
    if retries:
        result["stall_retries"] = retries
    return result


def _run_pgbench_once(pg, database, script, variables, args, work_dir, clients, seconds,
                      log_latency):
    cmd = ["taskset", "-c", str(args.client_cpu), f"{PG_BIN}/pgbench", "-n", "-h", "127.0.0.1",
           "-p", str(pg.port), "-U", PG_USER, "-M", "prepared", "-c", str(clients), "-j", "1",
           "-T", str(seconds), "-f", script]
    for key, value in variables.items():
        cmd += ["-D", f"{key}={value}"]
    cmd.append(database)
    prefix = os.path.join(work_dir, "pgbench_log")
    for old in glob.glob(prefix + ".*"):
        os.unlink(old)
    if log_latency:
        cmd += ["-l", f"--log-prefix={prefix}"]
    out = run(cmd, cwd=work_dir).stdout
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
    processed = re.search(r"number of transactions actually processed: (\d+)", out)
    failed = re.search(r"number of failed transactions: (\d+)", out)
    result = {
        "qps": float(tps.group(1)) if tps else 0.0,
        "calls": int(processed.group(1)) if processed else 0,
        "errors": int(failed.group(1)) if failed else 0,
        "seconds": seconds,
    }
    if log_latency:
        micros = []
        for path in glob.glob(prefix + ".*"):
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 3:
                        micros.append(int(parts[2]))
            os.unlink(path)
        result.update(summarize_latencies(micros))
    return result


def pg_rows_per_call(pg, database, stem, variables, samples=20, seed=1):
    """Mean rows a query returns, over `samples` parameter draws made like
    pgbench's (same ranges), in one psql session."""
    with open(os.path.join(PG_DIR, f"{stem}_rows.sql")) as f:
        text = f.read()
    query = "\n".join(l for l in text.splitlines()
                      if not l.startswith("--") and not l.startswith("\\")).strip().rstrip(";")
    rng = random.Random(seed)
    v = dict(variables)
    statements = []
    for _ in range(samples):
        v["id"] = rng.randint(0, v["n_meetings"] - 1)
        v["org"] = rng.randint(0, v["n_orgs"] - 1)
        v["lo"] = v["first_epoch_day"] + rng.randint(0, v["org_window_starts"] - 1)
        v["hi"] = v["lo"] + v["org_window_days"] - 1
        v["day"] = v["first_epoch_day"] + rng.randint(0, v["n_days"] - 1)
        v["person"] = rng.randint(0, v["n_persons"] - 1)
        sql = re.sub(r"(?<!:):([a-z_]+)", lambda m: str(v[m.group(1)]), query)
        statements.append(f"SELECT count(*) FROM ({sql}) q;")
    out = pg.psql(database, sql="\n".join(statements), capture=True)
    counts = [int(x) for x in out.split()]
    return sum(counts) / len(counts) if counts else 0.0


def median_result(runs):
    """The run with the median QPS (so its latencies belong to one run), with
    the spread of every run's QPS."""
    ordered = sorted(runs, key=lambda r: r["qps"])
    mid = dict(ordered[(len(ordered) - 1) // 2])
    mid["run_qps"] = [r["qps"] for r in runs]
    return mid


def server_load_cpus(args):
    """The CPUs the server may use during the bulk load: --load-cpus, or
    every CPU this process may use ("all")."""
    if args.load_cpus == "all":
        return ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
    if args.load_cpus == "pinned":
        return str(args.server_cpu)
    return args.load_cpus


def repin(pid, cpus):
    """Moves every thread of a running process to `cpus` (a taskset list);
    threads it starts later inherit their creator's set."""
    subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], check=True,
                   stdout=subprocess.DEVNULL)


def bench_service(args, size, shape, work, profile):
    loaded = args.loaded.get(size)
    data_dir = os.path.join(loaded, "data") if loaded else os.path.join(work, "data")
    server = Server(args.server, data_dir, args.server_cpu,
                    os.path.join(args.out, f"server-{size_label(size)}.log"), args.server_arg)
    out = {"target": server.target}
    try:
        if loaded:
            reuse_load(args, size, loaded, out)
        else:
            bulk_load(args, size, work, server, out)
        out["settle_seconds"] = server.wait_idle(args.settle_max)
        out["data_dir_mib"] = dir_bytes(data_dir) / 2 ** 20
        out["rss_before_bench_mib"] = server.memory().get("VmRSS")
        log(f"{size_label(size)}: {out['load']['meetings_with_documents_per_second']:.0f} "
            f"meetings/s with documents; RSS {out['rss_before_bench_mib']:.0f} MiB once idle")
        bench_loaded_service(args, size, work, profile, server, data_dir, out)
    finally:
        exit_code = server.stop()
        out.setdefault("server_exit", exit_code)
    return out


def reuse_load(args, size, loaded, out):
    """Takes the load figures of a directory meetings_datagen filled earlier
    (--loaded): its load.json, and the loading server's peak RSS when
    load_server.json records it, so the RSS target still covers the load."""
    with open(os.path.join(loaded, "load.json")) as f:
        out["load"] = json.load(f)
    if out["load"].get("meetings") != size or out["load"].get("seed") != args.seed:
        raise RuntimeError(f"--loaded {loaded}: load.json is of {out['load'].get('meetings')} "
                           f"meetings, seed {out['load'].get('seed')}; this run wants {size}, "
                           f"seed {args.seed}")
    out["load"]["reused_from"] = loaded
    status_path = os.path.join(loaded, "load_server.json")
    if os.path.exists(status_path):
        with open(status_path) as f:
            out["load_server"] = json.load(f)
    log(f"{size_label(size)}: reusing the data loaded in {loaded}")
    out["os_cache_warmup"] = warm_os_cache(os.path.join(loaded, "data"))


def warm_os_cache(data_dir):
    """Reads every file of `data_dir` once, so that a directory loaded in an
    earlier run starts as warm in the OS page cache as one loaded just now:
    a 1e6 store (25 GB) opened cold served GetMeeting at a tenth of the
    warm rate, from disk. Returns the bytes read and the seconds it took."""
    start = time.time()
    total = 0
    for root, _, files in os.walk(data_dir):
        for name in files:
            with open(os.path.join(root, name), "rb", buffering=0) as f:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    total += len(chunk)
    seconds = time.time() - start
    log(f"read {total / 2 ** 30:.1f} GiB of {data_dir} into the OS cache in {seconds:.0f} s")
    return {"bytes": total, "seconds": seconds}


def bulk_load(args, size, work, server, out):
    """Loads the generated data set into the fresh server through the public
    API (meetings_datagen --target) and records the rate and the memory."""
    load_log = os.path.join(args.out, f"load-{size_label(size)}.log")
    log(f"{size_label(size)}: bulk load through the API (progress in {load_log}) ...")
    load_json = os.path.join(work, "load.json")
    load_cpus = server_load_cpus(args)
    if load_cpus != str(args.server_cpu):
        # The data generator needs a fraction of its core: the load is
        # the server's, and an operator loading data gives it the machine.
        # Measurements below run pinned again.
        repin(server.pid, load_cpus)
    start = time.time()
    with open(load_log, "w") as progress:
        result = subprocess.run(
            ["taskset", "-c", str(args.client_cpu), args.datagen, "--meetings", str(size),
             "--seed", str(args.seed), "--target", server.target,
             "--in_flight", str(args.in_flight), "--channels", str(args.channels),
             "--server_pid", str(server.pid), "--out", load_json],
            stderr=progress)
    if result.returncode != 0 or not os.path.exists(load_json):
        with open(load_log) as f:
            raise RuntimeError(f"bulk load failed:\n{f.read()[-3000:]}")
    with open(load_json) as f:
        out["load"] = json.load(f)
    out["load"]["wall_seconds"] = time.time() - start
    out["load"]["server_cpus"] = load_cpus
    if load_cpus != str(args.server_cpu):
        repin(server.pid, str(args.server_cpu))
    memory = server.memory()
    out["rss_after_load_mib"] = memory.get("VmRSS")
    out["rocksdb_after_load"] = server.rocksdb_stats()
    # With --keep-data, `work` is then a directory --loaded can measure
    # again without loading: data/, load.json and this file.
    write_json(os.path.join(work, "load_server.json"), {"rss_peak_mib": memory.get("VmHWM")})
    log(f"{size_label(size)}: loaded in {out['load']['total_seconds']:.1f} s")


def bench_loaded_service(args, size, work, profile, server, data_dir, out):
    """Runs the load generator --repeats times against the loaded server,
    then the optional profile and the read-path prototype; adds all figures
    to `out`."""
    runs = []
    rss_samples = []
    for r in range(args.repeats):
        log(f"{size_label(size)}: load generator, repeat {r + 1}/{args.repeats} ...")
        path = os.path.join(work, f"loadgen-{r}.json")
        cpu_before = cpu_seconds(server.pid)
        run(["taskset", "-c", str(args.client_cpu), args.loadgen, "--target", server.target,
             "--meetings", str(size), "--seed", str(args.seed),
             "--in_flight", str(args.in_flight), "--channels", str(args.channels),
             "--seconds", str(args.seconds), "--warmup", str(args.warmup),
             "--methods", ",".join(SERVICE_METHODS), "--run_tag", f"r{r}x{int(time.time())}",
             "--server_pid", str(server.pid), "--out", path])
        cpu_after = cpu_seconds(server.pid)
        with open(path) as f:
            runs.append(json.load(f))
        runs[-1]["server_cpu_seconds"] = (cpu_after or 0) - (cpu_before or 0)
        runs[-1]["load_average"] = os.getloadavg()[0]
        rss_samples.append(server.memory().get("VmRSS"))
    out["loadgen_runs"] = runs
    methods = summarize_runs(runs, SERVICE_METHODS)
    out["methods"] = methods
    out["health_check_qps"] = methods["health_check"]["qps"]
    memory = server.memory()
    out["rss_after_bench_mib"] = memory.get("VmRSS")
    out["rss_peak_mib"] = max(memory.get("VmHWM") or 0,
                              out.get("load_server", {}).get("rss_peak_mib") or 0) or None
    out["rss_samples_mib"] = rss_samples
    out["rocksdb_after_bench"] = server.rocksdb_stats()

    if profile:
        out["profiles"] = profile_server(args, server, size, work)
    out["server_exit"] = server.stop()
    if not args.no_prototype:
        if os.access(args.prototype_binary, os.X_OK):
            out["prototype"] = bench_prototype(args, size, data_dir, work)
        else:
            out["prototype"] = {"skipped": f"{args.prototype_binary} not built"}


def summarize_runs(runs, method_names):
    """Per method: the median repeat (by QPS) with every repeat's QPS, the
    median ratio to the health check, the median server CPU per call and
    the ratio that CPU implies."""
    methods = {}
    for name in dict.fromkeys(method_names):
        per_run = [r["methods"][name] for r in runs if name in r["methods"]]
        m = median_result(per_run)
        ratios = [r["ratio_to_health"] for r in per_run]
        m["ratio_to_health"] = statistics.median(ratios)
        m["ratio_runs"] = ratios
        client = [r.get("client_cpu_fraction", -1) for r in per_run]
        client = [c for c in client if c is not None and c >= 0]
        m["client_cpu_fraction"] = statistics.median(client) if client else -1
        cpu = [r.get("server_cpu_us_per_call", -1) for r in per_run]
        cpu = [c for c in cpu if c is not None and c > 0]
        m["server_cpu_us_per_call"] = statistics.median(cpu) if cpu else -1
        methods[name] = m
    health_cpu = methods["health_check"]["server_cpu_us_per_call"]
    for m in methods.values():
        # The QPS ratio the method would have if the server had its core to
        # itself: CPU per health check over CPU per call.
        m["cpu_ratio_to_health"] = (health_cpu / m["server_cpu_us_per_call"]
                                    if health_cpu > 0 and m["server_cpu_us_per_call"] > 0 else -1)
    return methods


PROTOTYPE_METHODS = ["health_check", "get_meeting", "list_by_date", "health_check"]
CONSTANT_GET_METHODS = ["health_check", "get_meeting", "health_check"]


def bench_prototype(args, size, data_dir, work):
    """The proposed read path, measured: meetings_rawget_prototype serves
    GetMeeting and a date page from the stored bytes of the same data
    directory (read-only, the server stopped), under the same load."""
    def measure(extra_args, methods, label, tag):
        proto = Server(args.prototype_binary, data_dir, args.server_cpu,
                       os.path.join(args.out, f"prototype-{size_label(size)}.log"), extra_args)
        runs = []
        try:
            for r in range(args.repeats):
                log(f"{size_label(size)}: {label}, repeat {r + 1}/{args.repeats} ...")
                path = os.path.join(work, f"prototype-{tag}-{r}.json")
                run(["taskset", "-c", str(args.client_cpu), args.loadgen, "--target",
                     proto.target, "--meetings", str(size), "--seed", str(args.seed),
                     "--in_flight", str(args.in_flight), "--channels", str(args.channels),
                     "--seconds", str(args.seconds), "--warmup", str(args.warmup),
                     "--methods", ",".join(methods), "--server_pid", str(proto.pid),
                     "--out", path])
                with open(path) as f:
                    runs.append(json.load(f))
            memory = proto.memory()
        finally:
            proto.stop()
        return summarize_runs(runs, methods), memory

    methods, memory = measure([], PROTOTYPE_METHODS, "read-path prototype", "bytes")
    out = {"methods": methods, "rss_peak_mib": memory.get("VmHWM")}
    # gRPC alone sending a meeting's bytes: what no GetMeeting can beat.
    constant, _ = measure(["--constant_get"], CONSTANT_GET_METHODS,
                          "constant GetMeeting answer (gRPC alone)", "constant")
    out["constant_get"] = constant
    return out


def profile_server(args, server, size, work):
    """perf record of the server while the load generator runs one method;
    writes the top of `perf report` (self and children) next to the report."""
    if shutil.which("perf") is None:
        return {"skipped": "perf not installed (Debian package linux-perf)"}
    profiles = {}
    for method in args.profile_methods.split(","):
        data = os.path.join(work, f"perf-{method}.data")
        lg = subprocess.Popen(
            ["taskset", "-c", str(args.client_cpu), args.loadgen, "--target", server.target,
             "--meetings", str(size), "--seed", str(args.seed), "--methods", method,
             "--seconds", str(args.profile_seconds + 2), "--warmup", "0.5",
             "--run_tag", f"prof{int(time.time())}", "--out", os.path.join(work, f"perf-{method}.json")],
            stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        subprocess.run(["perf", "record", "-F", "999", "--call-graph", "dwarf,16384", "-p",
                        str(server.pid), "-o", data, "--", "sleep", str(args.profile_seconds)],
                       capture_output=True)
        lg.wait()
        text = [f"# perf profile of the server while meetings_loadgen ran {method} at "
                f"{size_label(size)} ({args.in_flight} in flight), {args.profile_seconds:g} s, "
                f"999 Hz, DWARF call graphs.", ""]
        reports = {}
        for mode in ("--no-children", "--children"):
            rep = subprocess.run(["perf", "report", "-i", data, mode, "--sort", "symbol", "-g", "none",
                                  "--percent-limit", "0.5"], capture_output=True, text=True)
            reports[mode] = [l[:200].rstrip() for l in rep.stdout.splitlines()
                             if l.strip() and not l.startswith("#")]
        # The frames that tell where the time goes, without the std::function
        # and template plumbing between them.
        key = re.compile(r"meetings::|rocksdb::DBImpl::(WriteImpl|GetImpl)|MemTable::Add|"
                         r"_InternalParse|_InternalSerialize|SharedDtor|MergeFrom|"
                         r"StatusOr<meetings|malloc|free|Normaliz|icu_|Resolve|SerializeToArray")
        plumbing = re.compile(r"std::function|__invoke|InvokeObject|FunctionRef|_M_invoke|"
                              r"CatchingReactorGetter|_Function_handler")
        seen = set()
        curated = []
        for line in reports["--children"]:
            name = line.split("[.]")[-1].strip()
            if key.search(line) and not plumbing.search(line) and name not in seen:
                seen.add(name)
                curated.append(line)
        text.append("## key frames (inclusive %, self %)")
        text.extend(curated[:40])
        text.append("")
        text.append("## hottest functions (self %)")
        text.extend(reports["--no-children"][:40])
        text.append("")
        text.append("## all frames (inclusive %, self %)")
        text.extend(reports["--children"][:200])
        text.append("")
        path = os.path.join(args.out, f"profile-{size_label(size)}-{method}.txt")
        with open(path, "w") as f:
            f.write("\n".join(text) + "\n")
        os.unlink(data)
        profiles[method] = os.path.basename(path)
    return profiles


def bench_postgres(args, pg, size, shape, work):
    database = f"bench_{size}"
    out = {"database": database}
    tsv = os.path.join(work, "tsv")
    os.makedirs(tsv, exist_ok=True)
    log(f"{size_label(size)}: writing TSV for PostgreSQL ...")
    start = time.time()
    run(["taskset", "-c", str(args.client_cpu), args.datagen, "--meetings", str(size),
         "--seed", str(args.seed), "--tsv_dir", tsv, "--out", os.path.join(work, "tsv.json")])
    with open(os.path.join(work, "tsv.json")) as f:
        out["tsv"] = json.load(f)
    out["tsv"]["wall_seconds"] = time.time() - start

    log(f"{size_label(size)}: loading PostgreSQL (COPY, indexes, VACUUM ANALYZE) ...")
    pg.psql("postgres", sql=f"DROP DATABASE IF EXISTS {database}")
    pg.psql("postgres", sql=f"CREATE DATABASE {database}")
    pg.psql(database, file=os.path.join(PG_DIR, "schema.sql"))
    start = time.time()
    for table in ("organizations", "persons", "meetings", "participants",
                  "meeting_organizations", "documents"):
        pg.psql(database, sql=f"\\copy {table} FROM '{os.path.join(tsv, table + '.tsv')}'")
    copy_seconds = time.time() - start
    # Before the indexes: at 1e6 their sorts spill to temporary files, and
    # with the TSV still on disk they once filled it.
    shutil.rmtree(tsv, ignore_errors=True)
    start = time.time()
    pg.psql(database, file=os.path.join(PG_DIR, "indexes.sql"))
    index_seconds = time.time() - start
    start = time.time()
    pg.psql(database, sql="VACUUM ANALYZE")
    vacuum_seconds = time.time() - start
    total = copy_seconds + index_seconds + vacuum_seconds
    out["load"] = {
        "copy_seconds": copy_seconds, "index_seconds": index_seconds,
        "vacuum_analyze_seconds": vacuum_seconds, "total_seconds": total,
        "meetings_per_second": size / total if total > 0 else 0,
    }
    out["database_mib"] = float(pg.psql(
        database, sql=f"SELECT pg_database_size('{database}')", capture=True).strip()) / 2 ** 20

    variables = {
        "n_meetings": shape["meetings"], "n_orgs": shape["organizations"],
        "n_persons": shape["persons"], "n_days": shape["days"],
        "first_epoch_day": shape["first_epoch_day"],
        "org_window_starts": shape["organization_window_starts"],
        "org_window_days": shape["organization_window_days"], "page_size": 50,
    }
    scripts = [("null", "null")]
    for _, stem in COMPARED:
        scripts.append((f"{stem}_full", f"{stem}_full"))
        scripts.append((f"{stem}_rows", f"{stem}_rows"))
    queries = {}
    for name, stem in scripts:
        path = os.path.join(PG_DIR, f"{stem}.sql")
        runs = []
        for r in range(args.repeats):
            log(f"{size_label(size)}: pgbench {name}, repeat {r + 1}/{args.repeats} ...")
            if args.warmup >= 1:
                # A warm-up that stalls needs no second try: nothing is measured.
                _run_pgbench_once(pg, database, path, variables, args, work, args.in_flight,
                                  max(1, round(args.warmup)), log_latency=False)
            runs.append(run_pgbench(pg, database, path, variables, args, work,
                                    args.in_flight, max(1, round(args.seconds)), log_latency=True))
        queries[name] = median_result(runs)
    for _, stem in COMPARED:
        queries[f"{stem}_full"]["items_per_call"] = pg_rows_per_call(pg, database, stem, variables)
        queries[f"{stem}_rows"]["items_per_call"] = queries[f"{stem}_full"]["items_per_call"]
    out["queries"] = queries
    out["memory_mib"] = pg.memory_mib()
    if not args.keep_data:
        pg.psql("postgres", sql=f"DROP DATABASE {database}")
    return out


def describe(args, size):
    return json.loads(run([args.datagen, "--meetings", str(size), "--seed", str(args.seed),
                           "--describe"]).stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--sizes", default="1e4,1e5,1e6")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--in-flight", type=int, default=16)
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20211115)
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--load-cpus", default="all",
                        help="CPUs of the server during the bulk load: all (default; the data "
                             "generator needs little), pinned (--server-cpu only) or a "
                             "taskset list")
    parser.add_argument("--settle-max", type=float, default=120,
                        help="longest wait for flushes and compactions after the load, s")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--merge", action="append", default=[],
                        help="results.json of an earlier run: its sizes not run now join this "
                             "report, marked with where they came from (repeatable)")
    parser.add_argument("--write-floor-meetings", type=int, default=3000,
                        help="meetings stored per layer by meetings_write_floor")
    parser.add_argument("--require-pg", action="store_true",
                        help="fail (exit 1) when PostgreSQL is skipped or fails (the smoke "
                             "test sets it, so the PostgreSQL path cannot rot)")
    parser.add_argument("--no-prototype", action="store_true",
                        help="skip the read-path prototype (meetings_rawget_prototype)")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra flag for the server under test, e.g. "
                             "--server-arg=--block_cache_mb=512 (repeatable; recorded in the report; "
                             "not passed to the read-path prototype)")
    parser.add_argument("--keep-data", action="store_true")
    parser.add_argument("--loaded", action="append", default=[], metavar="SIZE=DIR",
                        help="serve SIZE from DIR/data, which meetings_datagen --target "
                        "filled earlier with its figures in DIR/load.json (and, optionally, "
                        "the loading server's peak RSS as {\"rss_peak_mib\": N} in "
                        "DIR/load_server.json), instead of loading it again; the run's writes "
                        "land in DIR/data, and DIR is never deleted (repeatable)")
    parser.add_argument("--note", action="append", default=[],
                        help="a line for the top of the report (repeatable), e.g. why a size "
                             "was not run or how long the machine was waited for")
    parser.add_argument("--profile", action="store_true",
                        help="perf-profile the server at the largest size")
    parser.add_argument("--profile-methods", default="get_meeting,create_meeting,list_by_date")
    parser.add_argument("--profile-seconds", type=float, default=5)
    parser.add_argument("--smoke", action="store_true",
                        help="tiny size, 1 s per method, 1 repeat, then --check")
    parser.add_argument("--check", action="store_true",
                        help="only verify the report files under --out")
    parser.add_argument("--server-binary", default=None,
                        help="server to benchmark (default: BUILD_DIR/services/meeting_records_server)")
    parser.add_argument("--work-dir", default=None,
                        help="where data directories go (default: a temporary directory)")
    args = parser.parse_args()

    if args.check:
        return check(args.out)
    if args.smoke:
        args.sizes = "200"
        args.seconds = 1
        args.warmup = 0.3
        args.repeats = 1
        args.settle_max = 5
    # Pinning needs CPUs this process may use (a CI container may have one).
    allowed = sorted(os.sched_getaffinity(0))
    if args.server_cpu not in allowed:
        args.server_cpu = allowed[0]
    if args.client_cpu not in allowed:
        args.client_cpu = allowed[-1]
    sizes = [parse_size(s) for s in args.sizes.split(",") if s]
    loaded = {}
    for spec in args.loaded:
        size_text, _, directory = spec.partition("=")
        if not directory or not os.path.isdir(os.path.join(directory, "data")):
            parser.error(f"--loaded {spec}: want SIZE=DIR with a DIR/data directory")
        loaded[parse_size(size_text)] = os.path.abspath(directory)
    args.loaded = loaded
    args.server = args.server_binary or os.path.join(args.build_dir, "services",
                                                     "meeting_records_server")
    args.loadgen = os.path.join(args.build_dir, "tests", "bench", "meetings_loadgen")
    args.datagen = os.path.join(args.build_dir, "tests", "bench", "meetings_datagen")
    args.prototype_binary = os.path.join(args.build_dir, "tests", "bench",
                                         "meetings_rawget_prototype")
    codec = os.path.join(args.build_dir, "tests", "bench", "meetings_codec_bench")
    for binary in (args.server, args.loadgen, args.datagen):
        if not os.access(binary, os.X_OK):
            log(f"missing {binary}: build it first (tests/bench/run.sh does)")
            return 2
    os.makedirs(args.out, exist_ok=True)
    if args.work_dir:
        os.makedirs(args.work_dir, exist_ok=True)
    work_root = tempfile.mkdtemp(prefix="meetings-bench-", dir=args.work_dir)

    results = {
        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(),
        "config": {
            "sizes": sizes, "seconds": args.seconds, "warmup": args.warmup,
            "repeats": args.repeats, "in_flight": args.in_flight, "channels": args.channels,
            "seed": args.seed, "server_cpu": args.server_cpu, "client_cpu": args.client_cpu,
            "smoke": args.smoke, "server_binary": args.server, "server_args": args.server_arg,
        },
        "sizes": {},
        "notes": args.note,
    }
    if os.access(codec, os.X_OK):
        log("protobuf cost of one meeting (meetings_codec_bench) ...")
        results["codec"] = json.loads(run(
            ["taskset", "-c", str(args.server_cpu), codec] +
            (["--meetings", "20", "--rounds", "3"] if args.smoke else [])).stdout)
    write_floor = os.path.join(args.build_dir, "tests", "bench", "meetings_write_floor")
    if os.access(write_floor, os.X_OK):
        log("cost of storing one meeting, layer by layer (meetings_write_floor) ...")
        results["write_floor"] = json.loads(run(
            ["taskset", "-c", str(args.server_cpu), write_floor,
             "--dir", os.path.join(work_root, "write-floor"),
             "--meetings", "200" if args.smoke else str(args.write_floor_meetings)]).stdout)
    merged_sizes = {}
    for path in args.merge:
        with open(path) as f:
            earlier = json.load(f)
        for size, entry in earlier.get("sizes", {}).items():
            if int(size) not in sizes:
                entry["merged_from"] = {"file": os.path.abspath(path),
                                        "started": earlier.get("started"),
                                        "finished": earlier.get("finished"),
                                        "server_binary": earlier["config"].get("server_binary"),
                                        "load_average_start":
                                            earlier.get("machine", {}).get("load_average"),
                                        "load_average_end":
                                            earlier.get("machine", {}).get("load_average_end")}
                merged_sizes[size] = entry
        results["notes"] = earlier.get("notes", []) + results["notes"]
    results["sizes"].update(merged_sizes)
    pg = None
    reason = "--no-pg given" if args.no_pg else pg_unavailable_reason()
    results_path = os.path.join(args.out, "results.json")
    try:
        if reason is None:
            try:
                pg = Postgres(work_root, args.server_cpu, os.path.join(args.out, "postgres.log"))
                results["postgres"] = {"version": pg.version, "start_seconds": pg.start_seconds,
                                       "settings": PG_CONF.strip()}
            except Exception as e:  # noqa: BLE001 - reported, benchmark goes on
                reason = f"PostgreSQL did not start: {e}"
                pg = None
        if reason is not None:
            results["postgres"] = {"skipped": reason}
            log(f"PostgreSQL skipped: {reason}")
        for i, size in enumerate(sizes):
            work = os.path.join(work_root, size_label(size))
            os.makedirs(work, exist_ok=True)
            shape = describe(args, size)
            entry = {"shape": shape}
            results["sizes"][str(size)] = entry
            entry["service"] = bench_service(args, size, shape, work,
                                             profile=args.profile and i == len(sizes) - 1)
            if not args.keep_data:
                shutil.rmtree(os.path.join(work, "data"), ignore_errors=True)
            write_json(results_path, results)
            if pg is not None:
                try:
                    entry["postgres"] = bench_postgres(args, pg, size, shape, work)
                except Exception as e:  # noqa: BLE001 - recorded; the report shows it
                    log(f"{size_label(size)}: PostgreSQL failed: {e}")
                    entry["postgres"] = {"error": str(e)[-2000:]}
                write_json(results_path, results)
    finally:
        if pg is not None:
            pg.stop()
        if not args.keep_data:
            shutil.rmtree(work_root, ignore_errors=True)
    results["finished"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    results["machine"]["load_average_end"] = list(os.getloadavg())
    results["targets"] = evaluate_targets(results)
    write_json(results_path, results)
    import report  # tests/bench/report.py
    report.write_report(results, args.out)
    log(f"report: {os.path.join(args.out, 'report.md')}")
    if args.require_pg:
        failed = [size for size, entry in results["sizes"].items()
                  if "queries" not in entry.get("postgres", {})]
        if "skipped" in results.get("postgres", {}) or failed:
            log("PostgreSQL was required but " +
                (results["postgres"].get("skipped") or f"failed at sizes {failed}"))
            return 1
    if args.smoke:
        return check(args.out)
    return 0


def write_json(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
    os.replace(tmp, path)


def evaluate_targets(results):
    """Each target of issue 5 with the measured figure and PASS / MISS /
    NOT MEASURED. Throughput ratios use the median of the repeats."""
    sizes = sorted(int(s) for s in results["sizes"])
    targets = []

    def service(size):
        return results["sizes"][str(size)].get("service", {})

    def prototype_note(method):
        figures = []
        for s in sizes:
            m = service(s).get("prototype", {}).get("methods", {}).get(method)
            if m:
                figures.append(f"{size_label(s)}: {m['ratio_to_health']:.3f}")
        constant = []
        if method == "get_meeting":
            for s in sizes:
                m = service(s).get("prototype", {}).get("constant_get", {}).get(method)
                if m:
                    constant.append(f"{size_label(s)}: {m['ratio_to_health']:.3f}")
        note = ""
        if figures:
            note += "; read-path prototype (stored bytes, no parse): " + ", ".join(figures)
        if constant:
            note += "; gRPC alone sending one stored meeting (no storage): " + ", ".join(constant)
        return note

    def write_floor_note():
        floor = results.get("write_floor")
        if not floor or "storage_meeting" not in floor:
            return ""
        return (f"; in process on one core, no gRPC (meetings_write_floor): domain "
                f"{floor['domain_meeting']['per_cpu_second']:,.0f}/s, storage alone "
                f"{floor['storage_meeting']['per_cpu_second']:,.0f}/s, its "
                f"{floor['rows_per_meeting']:.0f} rows as a bare RocksDB batch "
                f"{floor['rows_only_meeting']['per_cpu_second']:,.0f}/s, the record row alone "
                f"{floor['record_only_meeting']['per_cpu_second']:,.0f}/s")

    def add(name, goal, measured, ok, note=""):
        status = "NOT MEASURED" if ok is None else ("PASS" if ok else "MISS")
        targets.append({"target": name, "goal": goal, "measured": measured, "status": status,
                        "note": note})

    for method, goal in (("get_meeting", TARGET_GET_RATIO), ("create_meeting", TARGET_CREATE_RATIO)):
        ratios = {s: service(s)["methods"][method]["ratio_to_health"]
                  for s in sizes if "methods" in service(s)}
        by_cpu = {s: service(s)["methods"][method].get("cpu_ratio_to_health", -1)
                  for s in sizes if "methods" in service(s)}
        if ratios:
            worst = min(ratios.values())
            add(f"{method} QPS / health-check QPS at {results['config']['in_flight']} in flight",
                f">= {goal}", ", ".join(f"{size_label(s)}: {r:.3f}" for s, r in ratios.items()),
                worst >= goal,
                "by server CPU per call: " +
                ", ".join(f"{size_label(s)}: {r:.3f}" for s, r in by_cpu.items() if r > 0) +
                prototype_note(method) +
                (write_floor_note() if method == "create_meeting" else ""))
        else:
            add(method, f">= {goal}", "-", None)

    for method in LIST_METHODS:
        p99 = {s: service(s)["methods"][method]["p99_us"] for s in sizes if "methods" in service(s)}
        if 10000 in p99 and 1000000 in p99:
            growth = p99[1000000] / p99[10000] if p99[10000] else float("inf")
            add(f"{method} p99 at 1e6 / p99 at 1e4", f"<= {TARGET_LIST_P99_GROWTH}",
                f"{growth:.2f} ({p99[10000] / 1e3:.2f} ms -> {p99[1000000] / 1e3:.2f} ms)",
                growth <= TARGET_LIST_P99_GROWTH)
        elif len(p99) >= 2:
            lo, hi = min(p99), max(p99)
            growth = p99[hi] / p99[lo] if p99[lo] else float("inf")
            add(f"{method} p99 at 1e6 / p99 at 1e4", f"<= {TARGET_LIST_P99_GROWTH}",
                f"{size_label(hi)}/{size_label(lo)}: {growth:.2f}", None,
                "1e6 or 1e4 not run; the ratio between the sizes run is shown")
        else:
            add(f"{method} p99 at 1e6 / p99 at 1e4", f"<= {TARGET_LIST_P99_GROWTH}", "-", None,
                "needs two sizes")

    rates = {s: service(s)["load"]["meetings_with_documents_per_second"]
             for s in sizes if "load" in service(s)}
    if rates:
        add("bulk load, meetings (with their documents) per second",
            f">= {TARGET_BULK_RATE:.0f}",
            ", ".join(f"{size_label(s)}: {r:.0f}/s" for s, r in rates.items()),
            min(rates.values()) >= TARGET_BULK_RATE,
            "server on CPU(s) " + ", ".join(
                f"{size_label(s)}: "
                f"{service(s)['load'].get('server_cpus', results['config']['server_cpu'])}"
                for s in rates) +
            write_floor_note())

    rss = {s: service(s).get("rss_peak_mib") for s in sizes if service(s).get("rss_peak_mib")}
    if 1000000 in rss:
        add("server RSS at 1e6 (peak VmHWM)", f"<= {TARGET_RSS_MIB:.0f} MiB",
            f"{rss[1000000]:.0f} MiB", rss[1000000] <= TARGET_RSS_MIB)
    else:
        add("server RSS at 1e6 (peak VmHWM)", f"<= {TARGET_RSS_MIB:.0f} MiB",
            ", ".join(f"{size_label(s)}: {r:.0f} MiB" for s, r in rss.items()) or "-", None,
            "1e6 not run; the sizes run are shown")

    for method, stem in COMPARED:
        pairs = []
        ok = True
        any_pg = False
        for s in sizes:
            entry = results["sizes"][str(s)]
            if "queries" not in entry.get("postgres", {}) or "methods" not in service(s):
                continue
            any_pg = True
            ours = service(s)["methods"][method]["qps"]
            theirs = entry["postgres"]["queries"][f"{stem}_full"]["qps"]
            ratio = ours / theirs if theirs else float("inf")
            pairs.append(f"{size_label(s)}: {ratio:.2f}x")
            ok = ok and ratio > 1.0
        add(f"{method} faster than PostgreSQL (QPS ratio, same content)", "> 1.0x",
            ", ".join(pairs) or "-", ok if any_pg else None,
            "" if any_pg else results.get("postgres", {}).get("skipped", ""))
    return targets


def check(out):
    """Verifies that a run left a well-formed report; returns 0 or 1."""
    problems = []
    results_path = os.path.join(out, "results.json")
    report_path = os.path.join(out, "report.md")
    try:
        with open(results_path) as f:
            results = json.load(f)
    except (OSError, ValueError) as e:
        problems.append(f"results.json: {e}")
        results = None
    if results is not None:
        if not results.get("sizes"):
            problems.append("results.json: no sizes")
        for size, entry in results.get("sizes", {}).items():
            service = entry.get("service", {})
            for method in dict.fromkeys(SERVICE_METHODS):
                m = service.get("methods", {}).get(method)
                if m is None:
                    problems.append(f"results.json: size {size}: no {method}")
                    continue
                for key in ("qps", "p50_us", "p99_us", "p999_us", "errors", "ratio_to_health"):
                    if not isinstance(m.get(key), (int, float)):
                        problems.append(f"results.json: size {size}: {method}.{key} missing")
                if m.get("calls", 0) <= 0:
                    problems.append(f"results.json: size {size}: {method} made no calls")
            if not isinstance(service.get("load", {}).get("meetings_with_documents_per_second"),
                              (int, float)):
                problems.append(f"results.json: size {size}: no bulk-load rate")
            if not isinstance(service.get("rss_peak_mib"), (int, float)):
                problems.append(f"results.json: size {size}: no RSS")
            if "skipped" not in results.get("postgres", {"skipped": ""}):
                queries = entry.get("postgres", {}).get("queries", {})
                for _, stem in COMPARED:
                    q = queries.get(f"{stem}_full")
                    if not q or not isinstance(q.get("qps"), (int, float)) or q.get("calls", 0) <= 0:
                        problems.append(f"results.json: size {size}: no PostgreSQL {stem}")
        if not results.get("targets"):
            problems.append("results.json: no targets")
        if "skipped" in results.get("postgres", {}):
            print(f"bench check: PostgreSQL was skipped: {results['postgres']['skipped']}")
    try:
        with open(report_path, encoding="utf-8") as f:
            report_text = f.read()
        for heading in ("# Meeting-records benchmark", "## Targets", "## Scaling"):
            if heading not in report_text:
                problems.append(f"report.md: no \"{heading}\"")
    except OSError as e:
        problems.append(f"report.md: {e}")
        report_text = ""
    png = os.path.join(out, "scaling.png")
    if shutil.which("gnuplot"):
        try:
            with open(png, "rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    problems.append("scaling.png is not a PNG")
        except OSError as e:
            problems.append(f"scaling.png: {e}")
    elif "gnuplot" not in report_text:
        problems.append("report.md does not say why the chart is missing")
    for p in problems:
        print(f"bench check: {p}")
    print(f"bench check: {'OK' if not problems else 'FAILED'} ({out})")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    # SIGTERM unwinds like an exception, so the finally blocks stop the
    # server and the PostgreSQL cluster.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
