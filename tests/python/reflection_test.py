#!/usr/bin/python3
"""Third-party reflection client test for the meeting-records server.

Runs with Debian's interpreter and packages only (/usr/bin/python3 with
python3-grpcio and python3-protobuf) and has no copy of our .proto files:
everything about meetings.v1 comes from the server's reflection service, the
way grpcurl or any other generic client sees it. The only protocol compiled
locally is the reflection protocol itself (grpc/reflection/v1alpha from
/usr/share/grpc-proto), which is not our API.

Usage:
  /usr/bin/python3 tests/python/reflection_test.py \
      --server build/services/server/meeting_records_server \
      --seed-dir clients/examples/seed

It starts the server on 127.0.0.1:0 with a fresh data directory, reads the
bound port from --port_file, checks reflection, health, the seed data, the
meeting queries and the error contract, then stops the server with SIGTERM
and expects exit code 0. It prints one "ok - ..." / "not ok - ..." line per
check and ends with "N passed, M failed"; the exit code is non-zero if any
check failed.
"""

import argparse
import atexit
import copy
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata

try:
    import grpc
    from google.protobuf import descriptor_pb2
    from google.protobuf import descriptor_pool
    from google.protobuf import json_format
    from google.protobuf import message_factory
except ImportError as exc:  # pragma: no cover - environment problem
    sys.stderr.write(
        "reflection_test.py needs Debian's python3-grpcio and python3-protobuf; "
        "run it with /usr/bin/python3 (import failed: %s)\n" % exc)
    sys.exit(2)

SERVICE = "meetings.v1.MeetingRecords"
HEALTH_SERVICE = "grpc.health.v1.Health"
REFLECTION_V1ALPHA = "grpc.reflection.v1alpha.ServerReflection"
REFLECTION_SERVICES = (REFLECTION_V1ALPHA, "grpc.reflection.v1.ServerReflection")
REFLECTION_METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
MEETING_NAME = "meetings/vusta-giao-ban-2021-11-15"

EXPECTED_METHODS = [
    verb + noun
    for noun in ("Organization", "Person", "Meeting", "Document")
    for verb in ("Create", "Get", "Update", "Delete")
] + ["ListOrganizations", "ListPersons", "ListMeetings", "ListDocuments"]

SEED_FILE_RE = re.compile(r"^\d+_([A-Za-z]+)_[^/]*\.json$")

PORT_FILE_TIMEOUT_S = 30.0
CHANNEL_READY_TIMEOUT_S = 10.0
RPC_TIMEOUT_S = 10.0
SHUTDOWN_TIMEOUT_S = 15.0
KILL_WAIT_S = 5.0


# ---------------------------------------------------------------------------
# Reporting


class Abort(Exception):
    """A failed check that the remaining checks depend on."""


class CheckFailed(Exception):
    """A check's assertion did not hold."""


class Report(object):
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, name):
        self.passed += 1
        print("ok - %s" % name, flush=True)

    def not_ok(self, name, detail=""):
        self.failed += 1
        print("not ok - %s" % name, flush=True)
        for line in str(detail).splitlines():
            print("#   %s" % line, flush=True)

    def run(self, name, fn, fatal=False):
        """Runs fn(); reports ok unless it raises. Returns fn's result."""
        try:
            result = fn()
        except Abort:
            raise
        except grpc.RpcError as e:
            self.not_ok(name, describe_rpc_error(e))
            if fatal:
                raise Abort(name)
            return None
        except Exception as e:  # noqa: BLE001 - every failure is reported
            self.not_ok(name, "%s: %s" % (type(e).__name__, e))
            if fatal:
                raise Abort(name)
            return None
        self.ok(name)
        return result

    def summary(self):
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)


def require(cond, message):
    if not cond:
        raise CheckFailed(message)


def describe_rpc_error(e):
    code = e.code() if hasattr(e, "code") else None
    details = e.details() if hasattr(e, "details") else str(e)
    return "RPC failed: %s: %s" % (code, details)


# ---------------------------------------------------------------------------
# The server process


class ServerProcess(object):
    def __init__(self, binary, tmp):
        self.binary = binary
        self.tmp = tmp
        self.data_dir = os.path.join(tmp, "data")
        self.port_file = os.path.join(tmp, "port")
        self.stdout_path = os.path.join(tmp, "server.stdout")
        self.stderr_path = os.path.join(tmp, "server.stderr")
        self.proc = None
        self.port = None
        self.output_shown = False

    def command(self):
        return [
            self.binary,
            "--address=127.0.0.1:0",
            "--data_dir=" + self.data_dir,
            "--port_file=" + self.port_file,
        ]

    def start(self):
        require(os.path.isfile(self.binary) and os.access(self.binary, os.X_OK),
                "server binary %r does not exist or is not executable" % self.binary)
        os.makedirs(self.data_dir, exist_ok=True)
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                cwd=self.tmp)
        deadline = time.monotonic() + PORT_FILE_TIMEOUT_S
        while True:
            rc = self.proc.poll()
            if rc is not None:
                self.output_shown = True
                raise CheckFailed("server exited early with code %s before writing %s\n%s"
                                  % (rc, self.port_file, self.output_tail()))
            port = self._read_port()
            if port is not None:
                self.port = port
                return port
            if time.monotonic() > deadline:
                self.output_shown = True
                raise CheckFailed("server did not write %s within %.0f s\n%s"
                                  % (self.port_file, PORT_FILE_TIMEOUT_S, self.output_tail()))
            time.sleep(0.05)

    def _read_port(self):
        try:
            with open(self.port_file, "r", encoding="ascii") as f:
                text = f.read().strip()
        except (OSError, UnicodeDecodeError):
            return None
        if not text.isdigit():
            return None  # written by atomic rename, but do not trust a partial file
        port = int(text)
        if not 0 < port < 65536:
            raise CheckFailed("port file %s holds an invalid port %r" % (self.port_file, text))
        return port

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def sigterm_and_wait(self, timeout):
        """Sends SIGTERM; returns the exit code, or None if still running."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        """Ends the server by any means; safe to call more than once."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.proc.terminate()
            self.proc.wait(timeout=KILL_WAIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            try:
                self.proc.wait(timeout=KILL_WAIT_S)
            except subprocess.TimeoutExpired:
                pass
        except OSError:
            pass

    def output_tail(self, limit=4000):
        parts = []
        for label, path in (("stderr", self.stderr_path), ("stdout", self.stdout_path)):
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            text = data[-limit:].decode("utf-8", "replace")
            if not text.strip():
                continue
            parts.append("--- server %s (last %d bytes) ---\n%s" % (label, limit, text.rstrip()))
        return "\n".join(parts) if parts else "(no server output captured)"


# ---------------------------------------------------------------------------
# Reflection


def compile_reflection_pb2(tmp, protoc, include_dir):
    """Generates reflection_pb2 from /usr/share/grpc-proto and imports it.

    The module is loaded under a private name: Debian's `grpc` package has no
    `grpc.reflection` subpackage, so the generated path cannot be imported as
    a package.
    """
    rel = "grpc/reflection/v1alpha/reflection.proto"
    src = os.path.join(include_dir, rel)
    require(os.path.isfile(src), "reflection protocol %s not found (package grpc-proto)" % src)
    protoc_path = shutil.which(protoc) or protoc
    require(os.path.isfile(protoc_path), "protoc %r not found (package protobuf-compiler)" % protoc)
    out_dir = os.path.join(tmp, "reflection_py")
    os.makedirs(out_dir, exist_ok=True)
    res = subprocess.run(
        [protoc_path, "-I" + include_dir, "--python_out=" + out_dir, rel],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    require(res.returncode == 0, "protoc failed (%d): %s"
            % (res.returncode, res.stderr.decode("utf-8", "replace")))
    path = os.path.join(out_dir, "grpc/reflection/v1alpha/reflection_pb2.py")
    spec = importlib.util.spec_from_file_location("_meetings_test_reflection_v1alpha_pb2", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ReflectionError(Exception):
    def __init__(self, code, message):
        Exception.__init__(self, "reflection error %d (%s): %s"
                           % (code, _status_name(code), message))
        self.code = code


def _status_name(code):
    for sc in grpc.StatusCode:
        if sc.value[0] == code:
            return sc.name
    return "?"


class ReflectionClient(object):
    def __init__(self, channel, pb2):
        self.pb2 = pb2
        self._call = channel.stream_stream(
            REFLECTION_METHOD,
            request_serializer=pb2.ServerReflectionRequest.SerializeToString,
            response_deserializer=pb2.ServerReflectionResponse.FromString)

    def _ask(self, **kwargs):
        request = self.pb2.ServerReflectionRequest(host="", **kwargs)
        responses = list(self._call(iter([request]), timeout=RPC_TIMEOUT_S))
        require(len(responses) == 1,
                "expected 1 reflection response, got %d" % len(responses))
        response = responses[0]
        which = response.WhichOneof("message_response")
        if which == "error_response":
            raise ReflectionError(response.error_response.error_code,
                                  response.error_response.error_message)
        return which, response

    def list_services(self):
        which, response = self._ask(list_services="*")
        require(which == "list_services_response", "unexpected response %r" % which)
        return [s.name for s in response.list_services_response.service]

    def _files(self, **kwargs):
        which, response = self._ask(**kwargs)
        require(which == "file_descriptor_response", "unexpected response %r" % which)
        files = [bytes(b) for b in response.file_descriptor_response.file_descriptor_proto]
        require(files, "empty file_descriptor_response for %r" % (kwargs,))
        return files

    def file_containing_symbol(self, symbol):
        return self._files(file_containing_symbol=symbol)

    def file_by_filename(self, filename):
        return self._files(file_by_filename=filename)


def build_pool(serialized_files, fetch_file=None, max_rounds=100):
    """Adds FileDescriptorProtos to a fresh pool in dependency order.

    serialized_files: iterable of serialized FileDescriptorProto (any order,
    duplicates allowed). fetch_file(name) -> list of serialized
    FileDescriptorProto, used for dependencies the server did not send.
    Returns (pool, names of the files added, in the order added).
    """
    pending = {}

    def take(raw):
        fdp = descriptor_pb2.FileDescriptorProto.FromString(raw)
        require(fdp.name, "reflection returned a FileDescriptorProto without a name")
        if fdp.name not in added_set and fdp.name not in pending:
            pending[fdp.name] = fdp
            return True
        return False

    pool = descriptor_pool.DescriptorPool()
    added = []
    added_set = set()
    for raw in serialized_files:
        take(raw)
    for _ in range(max_rounds):
        if not pending:
            return pool, added
        progress = False
        for name in sorted(pending):
            fdp = pending[name]
            if all(dep in added_set for dep in fdp.dependency):
                pool.AddSerializedFile(fdp.SerializeToString())
                added.append(name)
                added_set.add(name)
                del pending[name]
                progress = True
        if progress:
            continue
        missing = sorted({dep for fdp in pending.values() for dep in fdp.dependency
                          if dep not in added_set and dep not in pending})
        if not missing or fetch_file is None:
            raise CheckFailed("cannot resolve descriptor dependencies of %s (missing: %s)"
                              % (sorted(pending), missing or "a cycle"))
        fetched = False
        for dep in missing:
            for raw in fetch_file(dep):
                fetched = take(raw) or fetched
        if not fetched:
            raise CheckFailed("file_by_filename returned nothing new for %s" % missing)
    raise CheckFailed("descriptor dependencies did not settle after %d rounds" % max_rounds)


class Classes(object):
    """Message classes built from a reflected descriptor pool."""

    def __init__(self, pool):
        self.pool = pool
        self._factory = None

    def for_descriptor(self, desc):
        get_message_class = getattr(message_factory, "GetMessageClass", None)
        if get_message_class is not None:  # protobuf >= 4.22
            return get_message_class(desc)
        if self._factory is None:  # protobuf 3.21 (Debian 12's python3-protobuf)
            self._factory = message_factory.MessageFactory(self.pool)
        return self._factory.GetPrototype(desc)

    def by_name(self, full_name):
        return self.for_descriptor(self.pool.FindMessageTypeByName(full_name))


# ---------------------------------------------------------------------------
# Comparison


def subset_mismatches(expected, actual, path="$"):
    """Paths where `actual` differs from `expected` on the keys `expected` has.

    Dicts are compared on expected's keys only (the server may add fields);
    lists must have the same length and match element-wise.
    """
    out = []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return ["%s: expected an object, got %r" % (path, actual)]
        for key, value in expected.items():
            if key not in actual:
                out.append("%s.%s: missing in the response" % (path, key))
            else:
                out.extend(subset_mismatches(value, actual[key], "%s.%s" % (path, key)))
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return ["%s: expected %d elements, got %r"
                    % (path, len(expected), actual if not isinstance(actual, list)
                       else "%d elements" % len(actual))]
        for i, (e, a) in enumerate(zip(expected, actual)):
            out.extend(subset_mismatches(e, a, "%s[%d]" % (path, i)))
    elif expected != actual:
        note = ""
        if (isinstance(expected, str) and isinstance(actual, str)
                and unicodedata.normalize("NFC", expected) == unicodedata.normalize("NFC", actual)):
            note = " (same text after NFC: the response is not NFC-normalized)"
        out.append("%s: expected %r, got %r%s" % (path, _short(expected), _short(actual), note))
    return out


def _short(value, limit=200):
    text = repr(value)
    return value if len(text) <= limit else text[:limit] + "..."


def to_dict(message):
    return json_format.MessageToDict(message)


# ---------------------------------------------------------------------------
# The checks


class Session(object):
    def __init__(self, report, channel, reflection, seed_dir):
        self.report = report
        self.channel = channel
        self.reflection = reflection
        self.seed_dir = seed_dir
        self.pool = None
        self.classes = None
        self.service = None
        self.health_service = None

    # -- reflection ---------------------------------------------------------

    def check_reflection(self):
        r = self.report
        services = r.run("reflection list_services answers",
                         self.reflection.list_services, fatal=True)
        for name in (SERVICE, HEALTH_SERVICE):
            r.run("list_services includes %s" % name,
                  lambda name=name: require(name in services, "services: %s" % services))
        r.run("list_services includes the reflection service",
              lambda: require(any(s in services for s in REFLECTION_SERVICES),
                              "services: %s" % services))

        files = r.run("file_containing_symbol %s" % SERVICE,
                      lambda: self.reflection.file_containing_symbol(SERVICE), fatal=True)
        health_files = r.run("file_containing_symbol %s" % HEALTH_SERVICE,
                             lambda: self.reflection.file_containing_symbol(HEALTH_SERVICE))

        def build():
            pool, added = build_pool(list(files) + list(health_files or []),
                                     fetch_file=self.reflection.file_by_filename)
            return pool, added

        pool, added = r.run("reflected descriptors load into a fresh DescriptorPool",
                            build, fatal=True)
        self.pool = pool
        self.classes = Classes(pool)
        self.service = r.run("descriptor of %s found" % SERVICE,
                             lambda: pool.FindServiceByName(SERVICE), fatal=True)
        if health_files:
            self.health_service = r.run("descriptor of %s found" % HEALTH_SERVICE,
                                        lambda: pool.FindServiceByName(HEALTH_SERVICE))

        def methods():
            missing = [m for m in EXPECTED_METHODS if m not in self.service.methods_by_name]
            require(not missing, "missing methods: %s; has %s"
                    % (missing, sorted(self.service.methods_by_name)))
        r.run("%s has the standard methods of organizations, persons, meetings and "
              "documents" % SERVICE, methods, fatal=True)

        def classes():
            for m in self.service.methods:
                self.classes.for_descriptor(m.input_type)
                self.classes.for_descriptor(m.output_type)
        r.run("message classes build from the reflected descriptors", classes, fatal=True)

    # -- calls --------------------------------------------------------------

    def method(self, name):
        m = self.service.methods_by_name.get(name)
        require(m is not None, "%s has no method %s" % (SERVICE, name))
        return m

    def request(self, method_name, body):
        """A request message for method_name from a dict or JSON text."""
        m = self.method(method_name)
        msg = self.classes.for_descriptor(m.input_type)()
        text = body if isinstance(body, str) else json.dumps(body)
        json_format.Parse(text, msg)
        return msg

    def call(self, method_name, request):
        m = self.method(method_name)
        require(not m.client_streaming and not m.server_streaming,
                "%s is not unary" % method_name)
        out_cls = self.classes.for_descriptor(m.output_type)
        stub = self.channel.unary_unary(
            "/%s/%s" % (SERVICE, method_name),
            request_serializer=lambda msg: msg.SerializeToString(),
            response_deserializer=out_cls.FromString)
        return stub(request, timeout=RPC_TIMEOUT_S)

    def call_json(self, method_name, body):
        return self.call(method_name, self.request(method_name, body))

    # -- health -------------------------------------------------------------

    def check_health(self):
        def check():
            require(self.health_service is not None,
                    "no reflected descriptor for %s" % HEALTH_SERVICE)
            m = self.health_service.methods_by_name["Check"]
            req = self.classes.for_descriptor(m.input_type)()
            json_format.Parse('{"service": ""}', req)
            out_cls = self.classes.for_descriptor(m.output_type)
            stub = self.channel.unary_unary(
                "/%s/Check" % HEALTH_SERVICE,
                request_serializer=lambda msg: msg.SerializeToString(),
                response_deserializer=out_cls.FromString)
            resp = stub(req, timeout=RPC_TIMEOUT_S)
            serving = (m.output_type.fields_by_name["status"].enum_type
                       .values_by_name["SERVING"].number)
            require(resp.status == serving, "status %s" % to_dict(resp))
        self.report.run("grpc.health.v1.Health/Check(service \"\") is SERVING", check)

    # -- seed ---------------------------------------------------------------

    def seed_files(self):
        names = sorted(n for n in os.listdir(self.seed_dir) if SEED_FILE_RE.match(n))
        require(names, "no NN_<Method>_<what>.json files in %s" % self.seed_dir)
        return names

    def load_seed(self):
        names = self.report.run("seed directory %s has request files" % self.seed_dir,
                                self.seed_files, fatal=True)
        seeds = []
        all_ok = True
        for name in names:
            method = name.split("_")[1]
            with open(os.path.join(self.seed_dir, name), "r", encoding="utf-8") as f:
                text = f.read()

            def load(method=method, text=text):
                req = self.request(method, text)
                resp = self.call(method, req)
                return req, resp
            result = self.report.run("seed %s via %s" % (name, method), load)
            if result is None:
                all_ok = False
                continue
            seeds.append((name, method, text, result[0], result[1]))
        if not all_ok:
            raise Abort("seed data did not load")
        return seeds

    # -- the meeting --------------------------------------------------------

    def check_meeting(self, seeds):
        r = self.report
        creates = [s for s in seeds
                   if s[1] == "CreateMeeting"
                   and "meetings/" + s[3].meeting_id == MEETING_NAME]
        if not creates:
            r.not_ok("seed has a CreateMeeting for %s" % MEETING_NAME)
            return
        _, _, seed_text, seed_req, _ = creates[0]
        seed_meeting = to_dict(seed_req.meeting)
        seed_title = json.loads(seed_text)["meeting"]["title"]

        got = r.run("GetMeeting %s from JSON" % MEETING_NAME,
                    lambda: self.call_json("GetMeeting", {"name": MEETING_NAME}))
        if got is None:
            return
        got_dict = to_dict(got)

        def equal():
            bad = subset_mismatches(seed_meeting, got_dict)
            require(not bad, "\n".join(bad[:30]))
        r.run("GetMeeting returns every field of the seed unchanged", equal)

        def output_only():
            require(got.name == MEETING_NAME, "name %r" % got.name)
            missing = [k for k in ("uid", "createTime", "updateTime", "etag",
                                   "localStartDate", "localEndDate")
                       if k not in got_dict]
            require(not missing, "server did not set %s" % missing)
        r.run("GetMeeting sets name, uid, createTime, updateTime, etag and local dates",
              output_only)

        r.run("title is byte-for-byte the UTF-8 of the seed title",
              lambda: require(got.title.encode("utf-8") == seed_title.encode("utf-8"),
                              "got %r, bytes %s" % (got.title, got.title.encode("utf-8"))))
        want_date = {"year": 2021, "month": 11, "day": 15}
        r.run("localStartDate is 2021-11-15 (08:00 Asia/Ho_Chi_Minh = 01:00 UTC)",
              lambda: require(got_dict.get("localStartDate") == want_date,
                              "got %r" % got_dict.get("localStartDate")))
        r.run("localEndDate is 2021-11-15 (no end time: the start date)",
              lambda: require(got_dict.get("localEndDate") == want_date,
                              "got %r" % got_dict.get("localEndDate")))

    def check_documents(self, seeds):
        expected = sorted(
            MEETING_NAME + "/documents/" + s[3].document_id
            for s in seeds
            if s[1] == "CreateDocument" and s[3].parent == MEETING_NAME
            and json.loads(s[2]).get("document", {}).get("status") == "DRAFT")
        if not expected:
            return

        def check():
            resp = self.call_json("ListDocuments", {"parent": MEETING_NAME, "status": "DRAFT"})
            names = sorted(d.name for d in resp.documents)
            require(names == expected, "got %s, want %s" % (names, expected))
        self.report.run("ListDocuments of the meeting with status DRAFT finds the %d drafts"
                        % len(expected), check)

    # -- queries ------------------------------------------------------------

    def list_names(self, body):
        resp = self.call_json("ListMeetings", body)
        return [m.name for m in resp.meetings], resp

    def check_queries(self):
        r = self.report
        day = {"year": 2021, "month": 11, "day": 15}
        finds = [
            ("organization organizations/vusta (organizer)",
             {"organization": "organizations/vusta"}),
            ("local dates 2021-11-15..2021-11-15",
             {"startDate": day, "endDate": day}),
            ("person persons/phan-xuan-dung",
             {"person": "persons/phan-xuan-dung"}),
            ("organization organizations/lhh-hung-yen (participating)",
             {"organization": "organizations/lhh-hung-yen"}),
            ("organization organizations/vusta with sub-organizations",
             {"organization": "organizations/vusta", "includeSubOrganizations": True}),
            ("organization organizations/vusta in November 2021",
             {"organization": "organizations/vusta",
              "startDate": {"year": 2021, "month": 11, "day": 1},
              "endDate": {"year": 2021, "month": 11, "day": 30}}),
        ]
        for label, body in finds:
            def found(body=body):
                names, _ = self.list_names(body)
                require(MEETING_NAME in names, "got %s" % names)
            r.run("ListMeetings %s finds the meeting" % label, found)

        def not_found():
            d = {"year": 2021, "month": 11, "day": 14}
            names, _ = self.list_names({"startDate": d, "endDate": d})
            require(MEETING_NAME not in names, "got %s" % names)
        r.run("ListMeetings local dates 2021-11-14..2021-11-14 does not find it", not_found)

        def one_page():
            names, resp = self.list_names({"pageSize": 1})
            require(names == [MEETING_NAME], "got %s" % names)
            require(resp.next_page_token == "",
                    "nextPageToken %r on the only page" % resp.next_page_token)
        r.run("ListMeetings pageSize 1 with one meeting: no nextPageToken", one_page)

    # -- errors -------------------------------------------------------------

    def expect_error(self, label, method, body, code, mention=None):
        def check():
            try:
                resp = self.call_json(method, body)
            except grpc.RpcError as e:
                require(e.code() == code, "got %s: %s, want %s"
                        % (e.code(), e.details(), code))
                if mention is not None:
                    require(mention in (e.details() or ""),
                            "details %r do not mention %r" % (e.details(), mention))
                return
            raise CheckFailed("succeeded, want %s: %s" % (code, to_dict(resp)))
        self.report.run(label, check)

    def check_errors(self, seeds):
        self.expect_error("GetMeeting meetings/nope is NOT_FOUND", "GetMeeting",
                          {"name": "meetings/nope"}, grpc.StatusCode.NOT_FOUND)
        self.expect_error("GetMeeting \"bad\" is INVALID_ARGUMENT mentioning name",
                          "GetMeeting", {"name": "bad"},
                          grpc.StatusCode.INVALID_ARGUMENT, mention="name")
        creates = [s for s in seeds if s[1] == "CreateMeeting"]
        if creates:
            body = json.loads(creates[0][2])
        else:
            body = {"meeting": {"title": "x", "organizers": ["organizations/vusta"],
                                "startTime": "2021-11-15T01:00:00Z"}}
        body = copy.deepcopy(body)
        body["meetingId"] = "mars-olympus-check"
        body["meeting"]["timeZone"] = "Mars/Olympus"
        self.expect_error("CreateMeeting with timeZone Mars/Olympus is INVALID_ARGUMENT "
                          "mentioning time_zone", "CreateMeeting", body,
                          grpc.StatusCode.INVALID_ARGUMENT, mention="time_zone")


# ---------------------------------------------------------------------------
# Main


def run(args, report):
    tmp = tempfile.mkdtemp(prefix="meetings-reflection-test-")
    server = ServerProcess(os.path.abspath(args.server), tmp)
    atexit.register(server.kill)
    channel = None
    try:
        port = report.run("server starts and writes its port to --port_file",
                          server.start)
        if port is None:
            return
        try:
            pb2 = report.run("reflection_pb2 generated from %s" % args.grpc_proto_dir,
                             lambda: compile_reflection_pb2(tmp, args.protoc,
                                                            args.grpc_proto_dir),
                             fatal=True)
            channel = grpc.insecure_channel(
                "127.0.0.1:%d" % port, options=[("grpc.enable_http_proxy", 0)])
            report.run("channel to 127.0.0.1:%d is ready" % port,
                       lambda: grpc.channel_ready_future(channel).result(
                           timeout=CHANNEL_READY_TIMEOUT_S),
                       fatal=True)
            session = Session(report, channel, ReflectionClient(channel, pb2),
                              args.seed_dir)
            session.check_reflection()
            session.check_health()
            seeds = session.load_seed()
            session.check_meeting(seeds)
            session.check_documents(seeds)
            session.check_queries()
            session.check_errors(seeds)
        except Abort as e:
            print("# stopping early: %s failed" % e, flush=True)
        finally:
            if channel is not None:
                channel.close()

        def shutdown():
            require(server.running(), "server was no longer running before SIGTERM "
                    "(exit code %s)" % server.proc.poll())
            rc = server.sigterm_and_wait(SHUTDOWN_TIMEOUT_S)
            require(rc is not None, "still running %.0f s after SIGTERM" % SHUTDOWN_TIMEOUT_S)
            require(rc == 0, "exit code %d after SIGTERM" % rc)
        report.run("SIGTERM stops the server with exit code 0 within %.0f s"
                   % SHUTDOWN_TIMEOUT_S, shutdown)
    finally:
        server.kill()
        if report.failed and server.proc is not None and not server.output_shown:
            print("# " + server.output_tail().replace("\n", "\n# "), flush=True)
        if args.keep_temp:
            print("# kept %s" % tmp, flush=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _raise_on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True, help="path to the server binary")
    parser.add_argument("--seed-dir", required=True,
                        help="directory of NN_<Method>_<what>.json request files")
    parser.add_argument("--protoc", default="/usr/bin/protoc",
                        help="protoc used to compile the reflection protocol")
    parser.add_argument("--grpc-proto-dir", default="/usr/share/grpc-proto",
                        help="include dir holding grpc/reflection/v1alpha/reflection.proto")
    parser.add_argument("--keep-temp", action="store_true",
                        help="keep the temporary directory (data, port file, server logs)")
    args = parser.parse_args(argv)

    # SIGTERM/SIGHUP to the test unwind through the finally blocks that stop the
    # server; SIGINT already raises KeyboardInterrupt.
    signal.signal(signal.SIGTERM, _raise_on_signal)
    signal.signal(signal.SIGHUP, _raise_on_signal)

    report = Report()
    try:
        run(args, report)
    except KeyboardInterrupt:
        report.not_ok("interrupted")
    except SystemExit as e:
        report.not_ok("terminated by signal (exit %s)" % e.code)
    report.summary()
    return 1 if report.failed or report.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
