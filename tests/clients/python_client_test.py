#!/usr/bin/python3
"""The generated Python client and the meetings_client wrapper against the
real server binary on 127.0.0.1 (Debian's python3-grpcio and python3-protobuf).

Usage (ctest passes these):
  /usr/bin/python3 tests/clients/python_client_test.py \
      --server build/services/meeting_records_server \
      --stubs build/clients/python --package clients/python \
      --seed-dir clients/examples/seed
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ARGS = None
SEED_MEETING = "meetings/vusta-giao-ban-2021-11-15"


class Server:
    """The real server on 127.0.0.1:0 over a temporary data directory."""

    def __init__(self, binary, extra_flags=()):
        self.dir = tempfile.mkdtemp(prefix="meetings-py-client-")
        port_file = os.path.join(self.dir, "port")
        self.log = open(os.path.join(self.dir, "server.log"), "wb")
        self.process = subprocess.Popen(
            [binary, "--address=127.0.0.1:0", "--data_dir=" + os.path.join(self.dir, "data"),
             "--port_file=" + port_file] + list(extra_flags),
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited during start-up")
            try:
                with open(port_file) as f:
                    self.port = int(f.read().strip())
                    if self.port > 0:
                        break
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        else:
            self.stop()
            raise RuntimeError("server did not report its port within 30 s")
        self.address = "127.0.0.1:%d" % self.port

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def load_seed(client):
    """Sends every NN_<Method>_<what>.json seed file through the wrapper, in order."""
    from google.protobuf import json_format
    from meetings.v1 import service_pb2

    files = sorted(f for f in os.listdir(ARGS.seed_dir) if re.match(r"^\d+_\w+_.*\.json$", f))
    assert len(files) == 10, files
    for name in files:
        method = name.split("_")[1]
        with open(os.path.join(ARGS.seed_dir, name), encoding="utf-8") as f:
            request = json_format.Parse(f.read(), getattr(service_pb2, method + "Request")())
        if method == "CreateOrganization":
            client.create_organization(request.organization, request.organization_id)
        elif method == "CreatePerson":
            client.create_person(request.person, request.person_id)
        elif method == "CreateMeeting":
            client.create_meeting(request.meeting, request.meeting_id)
        elif method == "CreateDocument":
            client.create_document(request.parent, request.document, request.document_id)
        elif method == "UpdateMeeting":
            client.update_meeting(request.meeting, update_mask=list(request.update_mask.paths))
        else:
            raise AssertionError("unknown seed method " + method)


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import meetings_client
        cls.mc = meetings_client
        cls.server = Server(ARGS.server)
        cls.client = meetings_client.Client(cls.server.address)
        load_seed(cls.client)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.server.stop()

    def test_generated_stubs_come_from_the_build_tree(self):
        from meetings.v1 import service_pb2_grpc
        self.assertTrue(os.path.realpath(service_pb2_grpc.__file__).startswith(
            os.path.realpath(ARGS.stubs)))
        self.assertTrue(hasattr(service_pb2_grpc, "MeetingRecordsStub"))

    def test_seed_meeting_of_the_organization_in_november_2021(self):
        names = [m.name for m in self.client.iter_meetings(
            organization="vusta", start_date=datetime.date(2021, 11, 1),
            end_date=datetime.date(2021, 11, 30))]
        self.assertEqual(names, [SEED_MEETING])
        october = list(self.client.iter_meetings(organization="organizations/vusta",
                                                 start_date="2021-10-01", end_date="2021-10-31"))
        self.assertEqual(october, [])

    def test_all_meetings_on_2021_11_15(self):
        meetings = list(self.client.meetings_on("2021-11-15"))
        self.assertEqual([m.name for m in meetings], [SEED_MEETING])
        self.assertEqual(meetings[0].local_start_date.day, 15)
        self.assertEqual(meetings[0].time_zone, "Asia/Ho_Chi_Minh")

    def test_person_documents_and_get(self):
        self.assertEqual([m.name for m in self.client.iter_meetings(person="nguyen-khac-hao")],
                         [SEED_MEETING])
        docs = [d.name.rsplit("/", 1)[1] for d in self.client.iter_documents(
            "vusta-giao-ban-2021-11-15", status="DRAFT")]
        self.assertEqual(docs, ["bao-cao-dieu-phoi-10-thang-2021", "de-xuat-cum-hoat-dong"])
        self.assertEqual(list(self.client.iter_documents("vusta-giao-ban-2021-11-15",
                                                         status="FINAL")), [])
        person = self.client.get_person("phan-xuan-dung")
        self.assertEqual(person.full_name, "Phan Xuân Dũng")
        orgs = [o.name for o in self.client.iter_organizations(parent="vusta")]
        self.assertEqual(orgs, ["organizations/lhh-hung-yen"])

    def test_search_ignores_diacritics_and_history_lists_versions(self):
        names = [r.name for r in self.client.search("nguyen khac hao")]
        self.assertIn("persons/nguyen-khac-hao", names)
        people = [r.name for r in self.client.search("Nguyễn", types=["PERSON"])]
        self.assertEqual(sorted(people), ["persons/nguyen-khac-hao", "persons/nguyen-quyet-chien"])
        revisions = [r.revision_id for r in self.client.iter_revisions(SEED_MEETING)]
        self.assertEqual(revisions, [2, 1])
        self.assertEqual(self.client.get_revision(SEED_MEETING, 1).meeting.name, SEED_MEETING)

    def test_paging_iterator_walks_every_page_lazily(self):
        self.client.create_organization({"displayName": "Paging"}, "paging-org")
        for i in range(7):
            self.client.create_meeting({
                "title": "Hội nghị %d" % (i + 1),
                "organizers": ["organizations/paging-org"],
                "timeZone": "Asia/Ho_Chi_Minh",
                "startTime": "2022-03-%02dT01:00:00Z" % (i + 1),
            }, "paging-%d" % (i + 1))
        pages = []
        original = self.client._call

        def counting(method, request, timeout):
            pages.append(request.page_token)
            return original(method, request, timeout)

        self.client._call = counting
        try:
            iterator = self.client.iter_meetings(organization="paging-org", page_size=2,
                                                 newest_first=True)
            self.assertEqual(pages, [], "nothing fetched before iteration")
            ids = [m.name.split("/")[1] for m in iterator]
        finally:
            del self.client._call
        self.assertEqual(ids, ["paging-%d" % i for i in range(7, 0, -1)])
        self.assertEqual(len(pages), 4)
        self.assertEqual(pages[0], "")
        self.assertTrue(all(pages[1:]))

    def test_crud_and_errors(self):
        mc = self.mc
        created = self.client.create_organization(
            {"displayName": "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Hưng Yên (bản sao)"},
            "crud-org")
        self.assertEqual(created.name, "organizations/crud-org")
        updated = self.client.update_organization(
            {"name": "organizations/crud-org", "shortName": "Bản sao"}, update_mask="short_name")
        self.assertEqual(updated.short_name, "Bản sao")
        with self.assertRaises(mc.AlreadyExists):
            self.client.create_organization({"displayName": "x"}, "crud-org")
        with self.assertRaises(mc.FailedPrecondition):  # stale etag: ABORTED
            self.client.delete_organization("crud-org", etag=created.etag)
        self.client.delete_organization("crud-org", etag=updated.etag)
        with self.assertRaises(mc.NotFound) as missing:
            self.client.get_organization("crud-org")
        self.assertIn("crud-org", missing.exception.message)
        with self.assertRaises(mc.InvalidArgument) as invalid:
            self.client.create_organization({}, "no-name")
        self.assertIn("display_name", invalid.exception.message)
        self.assertEqual(invalid.exception.code.name, "INVALID_ARGUMENT")
        with self.assertRaises(mc.InvalidArgument):
            list(self.client.iter_meetings(organization="vusta", person="phan-xuan-dung"))

    def test_bearer_token_against_a_server_with_a_policy(self):
        mc = self.mc
        token = "py-client-token-5d1e"
        policy_dir = tempfile.mkdtemp(prefix="meetings-py-policy-")
        try:
            policy = os.path.join(policy_dir, "policy.json")
            with open(policy, "w") as f:
                json.dump({"principals": [{
                    "id": "py-admin", "admin": True,
                    "tokenSha256": [hashlib.sha256(token.encode()).hexdigest()]}]}, f)
            server = Server(ARGS.server, ["--auth_policy_file=" + policy])
        finally:
            shutil.rmtree(policy_dir, ignore_errors=True)
        try:
            with mc.Client(server.address, token=token) as client:
                created = client.create_organization({"displayName": "Có thẩm quyền"}, "authz-org")
                self.assertEqual(created.name, "organizations/authz-org")
            with mc.Client(server.address) as anonymous:
                with self.assertRaises(mc.Unauthenticated):
                    anonymous.get_organization("authz-org")
            with mc.Client(server.address, token="wrong-token") as wrong:
                with self.assertRaises(mc.Unauthenticated):
                    wrong.get_organization("authz-org")
        finally:
            server.stop()

    def test_deadline(self):
        # SIGSTOP the server so that the deadline surely passes first (a tiny
        # deadline against a running server may still be met on loopback).
        self.assertEqual(self.client.get_meeting(SEED_MEETING, timeout=10).name, SEED_MEETING)
        pid = self.server.process.pid
        os.kill(pid, signal.SIGSTOP)
        try:
            # kill() only queues the signal: wait until every thread has stopped.
            def stopped():
                tasks = os.listdir("/proc/%d/task" % pid)
                for tid in tasks:
                    with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                        if f.read().rsplit(")", 1)[1].split()[0] != "T":
                            return False
                return bool(tasks)
            for _ in range(500):
                if stopped():
                    break
                time.sleep(0.01)
            self.assertTrue(stopped())
            start = time.monotonic()
            with self.assertRaises(self.mc.DeadlineExceeded):
                self.client.get_meeting(SEED_MEETING, timeout=0.05)
            with self.assertRaises(self.mc.DeadlineExceeded):
                list(self.client.meetings_on("2021-11-15", timeout=0.05))
            self.assertLess(time.monotonic() - start, 5)
        finally:
            os.kill(self.server.process.pid, signal.SIGCONT)
        self.assertEqual(self.client.get_meeting(SEED_MEETING, timeout=10).name, SEED_MEETING)

    def test_unreachable_server_is_unavailable(self):
        quick = self.mc.RetryPolicy(max_attempts=2, initial_backoff=0.01, max_backoff=0.02)
        # A port of a server that is gone.
        gone = Server(ARGS.server)
        address = gone.address
        gone.stop()
        with self.mc.Client(address, retry=quick) as client:
            start = time.monotonic()
            with self.assertRaises((self.mc.Unavailable, self.mc.DeadlineExceeded)):
                client.get_meeting(SEED_MEETING, timeout=5)
            self.assertLess(time.monotonic() - start, 5.5)

    def test_service_config_retries_only_reads(self):
        config = json.loads(self.mc.service_config_json(self.mc.RetryPolicy()))
        method_config = config["methodConfig"][0]
        methods = {n["method"] for n in method_config["name"]}
        self.assertIn("ListMeetings", methods)
        self.assertFalse(any(m.startswith(("Create", "Update", "Delete")) for m in methods))
        self.assertEqual(method_config["retryPolicy"]["retryableStatusCodes"], ["UNAVAILABLE"])
        no_retry = json.loads(self.mc.service_config_json(self.mc.RetryPolicy(max_attempts=1)))
        self.assertNotIn("retryPolicy", no_retry["methodConfig"][0])


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", required=True)
    parser.add_argument("--stubs", required=True, help="dir with meetings/v1/*_pb2*.py")
    parser.add_argument("--package", required=True, help="dir holding meetings_client/")
    parser.add_argument("--seed-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    sys.path[:0] = [ARGS.stubs, ARGS.package]
    program = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    sys.exit(0 if program.result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
