import Foundation
import Testing
@testable import StarlingLoadTest

@Suite struct CPUAccountTests {
    /// Spins for about `seconds` of CPU time in this thread.
    static func spin(_ seconds: Double) -> Double {
        let end = Date().addingTimeInterval(seconds)
        var x = 1.0
        while Date() < end { x = x * 1.000001 + 1e-9 }
        return x
    }

    @Test func aGroupWithChildrenCountsTheirCPUAndOneWithoutDoesNot() async throws {
        // This process as two groups, with and without its children, while a child shell spins for
        // ~0.9 s: first while it is alive (a live child's CPU), then across its exit (reaped: cutime).
        let me = getpid()
        let account = CPUAccount(groups: [.init(name: "with", pids: [me], children: true), .init(name: "without", pids: [me])])
        let child = Task.detached {
            Baselines.run("/bin/sh", ["-c", "end=$(($(date +%s%N) + 900000000)); while [ $(date +%s%N) -lt $end ]; do :; done"])
        }
        try await Task.sleep(for: .milliseconds(150))
        let start = account.snapshot()
        _ = Self.spin(0.1)
        try await Task.sleep(for: .milliseconds(400))
        let live = try #require(account.row(phase: "live", operations: 2, since: start))
        let middle = account.snapshot()
        let status = await child.value
        #expect(status?.0 == 0)
        let reaped = try #require(account.row(phase: "reaped", operations: 1, since: middle))

        // Half a second of the child's CPU over two operations, less on a slow, shared machine.
        let with = try #require(live.perOperationMs["with"]), without = try #require(live.perOperationMs["without"])
        #expect(with - without > 60, "live child: \(with) ms with children, \(without) without")
        #expect(without < 120, "this process alone spun ~100 ms: \(without) ms per operation")
        // The rest of the child's ~0.9 s, counted once it was reaped.
        let withAfter = try #require(reaped.perOperationMs["with"]), withoutAfter = try #require(reaped.perOperationMs["without"])
        #expect(withAfter - withoutAfter > 60, "reaped child: \(withAfter) ms with children, \(withoutAfter) without")
        // The harness column is this process and what it has reaped: the child, once it is gone.
        #expect((reaped.perOperationMs[CPUAccount.harness] ?? 0) > 60)
        #expect((live.perOperationMs[CPUAccount.machine] ?? 0) >= with * 0.8)
        #expect(live.columns == ["with", "without", CPUAccount.harness])
        #expect(live.ceiling != nil)
    }

    @Test func aReportWrittenBeforeTheCPUTableStillDecodesForCompare() throws {
        // `--compare` reads reports from earlier runs: one without `cpu` must still decode.
        var report = Report(label: "before", mode: .full, startedAt: Date(timeIntervalSince1970: 0), targets: [], graph: "g",
                            fanoutModel: "hybrid", celebrityThreshold: 10, mix: Mix())
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any])
        object.removeValue(forKey: "cpu")
        let old = try decoder.decode(Report.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.cpu == nil)
        #expect(!ReportRenderer.table(old).contains("CPU per operation"))

        report.cpu = [CPURow(phase: "home c=32", operations: 10, seconds: 1, perOperationMs: ["api": 0.3, CPUAccount.machine: 0.6],
                             busyCores: 2, cores: 2, columns: ["api", CPUAccount.harness])]
        let new = try decoder.decode(Report.self, from: encoder.encode(report))
        #expect(new.cpu?.first?.ceiling == 2 * 1000 / 0.6)
        #expect(ReportRenderer.table(new).contains("CPU per operation"))
    }

    @Test func noOperationsNoRow() {
        let account = CPUAccount(groups: [])
        #expect(account.row(phase: "empty", operations: 0, since: account.snapshot()) == nil)
    }

    @Test func clusterGroupsKeepOnlyLiveProcessesWithTheExpectedName() {
        // This test process is not `starling`, `redis-server` nor `haproxy`; a pid that is not alive is dropped.
        let me = String(getpid())
        let groups = CPUAccount.clusterGroups(env: ["API1_PID": me, "WORKER1_PID": "999999999", "REDIS1_PID": me, "HAPROXY_PID": me])
        #expect(CPUAccount(groups: groups).groups.isEmpty)
    }

    @Test func procStatFindsTheFieldsAfterACommandWithSpacesAndParentheses() throws {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
        let line = "4242 (a (b) c) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 30 7 3 20 0 1 0 5 0 0\n"
        let times = try #require(ProcStat.parse(line))
        #expect(times.parent == 17)
        #expect(times.own == 280)
        #expect(times.reaped == 10)
        #expect(ProcStat.parse("4242 (short) S 1 2") == nil)
        let me = try #require(ProcStat.read(getpid()))
        #expect(me.parent == getppid())
        #expect(ProcStat.machineBusyTicks() != nil)
    }
}
