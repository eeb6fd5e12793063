#!/usr/bin/env python3
"""Unit tests of bench.py and report.py logic that the smoke runs reach only
by chance: a pgbench run stalled by a busy machine, and the memory line of a
server that measured a directory another server loaded."""

import os
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


class RunPgbenchTest(unittest.TestCase):
    def run_with(self, calls_per_run):
        seen_seconds = []

        def fake_once(pg, database, script, variables, args, work_dir, clients, seconds,
                      log_latency):
            seen_seconds.append(seconds)
            calls = calls_per_run[len(seen_seconds) - 1]
            return {"qps": calls / seconds, "calls": calls, "errors": 0, "seconds": seconds}

        with mock.patch.object(bench, "_run_pgbench_once", side_effect=fake_once), \
                mock.patch.object(bench, "log"):
            result = bench.run_pgbench(None, "db", "/x/get_meeting_full.sql", {}, None, "/tmp",
                                       16, 1, log_latency=True)
        return result, seen_seconds

    def test_a_run_with_transactions_is_taken_as_is(self):
        result, seconds = self.run_with([500])
        self.assertEqual(seconds, [1])
        self.assertEqual(result["calls"], 500)
        self.assertNotIn("stall_retries", result)

    def test_a_stalled_run_is_repeated_with_twice_the_time(self):
        result, seconds = self.run_with([0, 900])
        self.assertEqual(seconds, [1, 2])
        self.assertEqual(result["calls"], 900)
        self.assertEqual(result["stall_retries"], 1)

    def test_retries_are_bounded(self):
        result, seconds = self.run_with([0, 0, 0, 0])
        self.assertEqual(seconds, [1, 2, 4])
        self.assertEqual(result["calls"], 0)
        self.assertEqual(result["stall_retries"], 2)


class MemoryLineTest(unittest.TestCase):
    """Over a kept report's results.json: 1e4 and 1e5 were loaded by the
    measuring server, 1e6 was measured over a directory loaded earlier."""

    RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "results", "2026-12-07-warm-1e6", "results.json")

    def test_only_a_server_that_loaded_prints_rss_after_the_load(self):
        import json
        import report
        with open(self.RESULTS) as f:
            results = json.load(f)
        with tempfile.TemporaryDirectory() as out:
            report.write_report(results, out)
            with open(os.path.join(out, "report.md")) as f:
                lines = [l for l in f.read().splitlines() if l.startswith("Server VmRSS")]
        self.assertEqual(len(lines), 3, lines)
        self.assertIn("187 MiB after the load,", lines[0])
        self.assertIn("223 MiB after the load,", lines[1])
        self.assertNotIn("after the load,", lines[2])
        self.assertIn("88 MiB once idle", lines[2])


if __name__ == "__main__":
    unittest.main()
