import Foundation
import GRDB
import Testing

/// The audit commands end to end: `inspect` records, `audit`, `stats`, `audit verify` on a
/// tampered database, several processes writing one database, and `serve` read with `--url`.
@Suite(.serialized) struct AuditCLITests {
    static func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "mcp-shield-audit-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/audit.db"
    }

    @Test func inspectRecordsAndAuditShowsIt() throws {
        let db = try Self.scratch()
        #expect(try CLI.run(["inspect", "fetch", "--args", #"{"url":"http://127.1/"}"#, "--db", db]).status == 1)
        #expect(try CLI.run(["inspect", "get_current_time", "--server", "clock", "--db", db]).status == 0)
        let table = try CLI.run(["audit", "--db", db])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].contains("BLOCK") && lines[1].contains("fetch") && lines[1].contains("ssrf.private-address"))
        #expect(lines[2].contains("ALLOW") && lines[2].contains("clock"))
        let json = try CLI.run(["audit", "--db", db, "--json", "--decision", "block"])
        #expect(json.stdout.split(separator: "\n").count == 1)
        #expect(json.stdout.contains(#""surface":"cli""#))
        let stats = try CLI.run(["stats", "--db", db])
        #expect(stats.stdout.hasPrefix("total 2   allowed 1   blocked 1"))
        let verify = try CLI.run(["audit", "verify", "--db", db])
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("intact: 2 records checked"))
        // --no-audit records nothing.
        _ = try CLI.run(["inspect", "get_current_time", "--db", db, "--no-audit"])
        #expect(try CLI.run(["stats", "--db", db, "--json"]).stdout.contains(#""total":2"#))
    }

    @Test func verifyFindsTamperingAndSaysWhere() throws {
        let db = try Self.scratch()
        for i in 0..<5 { _ = try CLI.run(["inspect", "fetch", "--args", #"{"url":"http://10.0.0.\#(i)/"}"#, "--db", db]) }
        let queue = try DatabaseQueue(path: db)
        try queue.write { try $0.execute(sql: "UPDATE audit_record SET decision = 'ALLOW', rule = NULL WHERE seq = 3") }
        let edited = try CLI.run(["audit", "verify", "--db", db])
        #expect(edited.status == 1)
        #expect(edited.stdout.contains("TAMPERED"))
        #expect(edited.stdout.contains("record 3 was edited"))
        try queue.write { try $0.execute(sql: "DELETE FROM audit_record WHERE seq = 3") }
        let deleted = try CLI.run(["audit", "verify", "--db", db, "--json"])
        #expect(deleted.status == 1)
        #expect(deleted.stdout.contains("record 3 is missing (deleted)"))
    }

    @Test func severalProcessesWriteOneChain() throws {
        // Four processes, each recording 15 decisions as fast as it can, at the same time.
        let db = try Self.scratch()
        let processes = try (0..<4).map { worker -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = [
                "-c",
                "for i in $(seq 1 15); do \"$0\" inspect fetch --args '{\"url\":\"https://example.com/\(worker)/'$i'\"}' --db \"$1\" >/dev/null || exit 9; done",
                CLI.binary.path, db,
            ]
            process.environment = ["HOME": "/home/user", "PATH": "/usr/bin:/bin"]
            try process.run()
            return process
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let verify = try CLI.run(["audit", "verify", "--db", db, "--json"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains(#""checked":60"#))
        #expect(verify.stdout.contains(#""first":1,"last":60"#))
    }

    @Test func terminalEscapesInRecordsArePrintedInert() throws {
        let db = try Self.scratch()
        _ = try CLI.run(["inspect", "get_current_time", "--server", "evil\u{1B}]0;pwned\u{07}\u{1B}[2J", "--db", db])
        let table = try CLI.run(["audit", "--db", db])
        #expect(!table.stdout.contains("\u{1B}"))
        #expect(table.stdout.contains("evil\\u{1b}]0;pw"))
    }

    @Test func missingDatabaseIsAClearError() throws {
        let result = try CLI.run(["audit", "--db", "/nonexistent/audit.db"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no audit database at /nonexistent/audit.db"))
    }

    @Test func serveRefusesAnExposedAddressWithoutAToken() throws {
        let result = try CLI.run(["serve", "--host", "0.0.0.0", "--db", try Self.scratch()])
        #expect(result.status == 2)
        #expect(result.stderr.contains("without a token"))
    }

    @Test func auditAndStatsReadARunningServer() throws {
        let db = try Self.scratch()
        let token = "cli-test-token-0123456789"
        let server = Process()
        server.executableURL = CLI.binary
        server.arguments = ["serve", "--port", "0", "--db", db, "--token", token]
        server.environment = ["HOME": "/home/user", "NO_COLOR": "1"]
        let errors = Pipe()
        server.standardError = errors
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        // The first line names the address it bound.
        var banner = Data()
        while !String(decoding: banner, as: UTF8.self).contains("\n") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            banner.append(chunk)
        }
        let line = String(decoding: banner, as: UTF8.self)
        let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") }).trimmingCharacters(in: .whitespaces)
        _ = try CLI.run(["inspect", "fetch", "--args", #"{"url":"http://[::ffff:a9fe:a9fe]/"}"#, "--db", db])
        let remote = try CLI.run(["audit", "--url", url, "--token", token])
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stdout.contains("ssrf.metadata"))
        let stats = try CLI.run(["stats", "--url", url, "--token", token, "--json"])
        #expect(stats.stdout.contains(#""blocked":1"#))
        let verify = try CLI.run(["audit", "verify", "--url", url, "--token", token])
        #expect(verify.status == 0)
        let unauthorized = try CLI.run(["audit", "--url", url, "--token", "wrong-token-0123456789"])
        #expect(unauthorized.status == 2)
        #expect(unauthorized.stderr.contains("bearer token is required"))
    }
}
