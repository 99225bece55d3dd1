import Foundation
import GRDB
import ShieldAudit
import ShieldCore
import Testing

/// The SQLite audit store against real SQLite: records, queries, stats, group commit, the hash
/// chain under every kind of tampering, and retention.
@Suite struct AuditStoreTests {
    /// A fresh database in its own directory.
    struct Scratch {
        let directory: String
        var path: String { directory + "/audit.db" }

        init() throws {
            directory = NSTemporaryDirectory() + "mcp-shield-audit-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        func open() throws -> SQLiteAuditStore { try SQLiteAuditStore(path: path) }

        /// Raw SQL on the database, the way someone editing the file would.
        func tamper(_ sql: String) throws {
            let queue = try DatabaseQueue(path: path)
            try queue.write { try $0.execute(sql: sql) }
        }
    }

    static func entry(
        _ index: Int, server: String = "demo", tool: String = "fetch", decision: Decision.Verdict = .allow, time: Int64 = 1_795_000_000_000
    ) -> AuditEntry {
        AuditEntry(
            timeMilliseconds: time + Int64(index), surface: .api, server: server, tool: tool, policy: "default", decision: decision,
            rule: decision == .block ? "ssrf.metadata" : nil, reason: decision == .block ? "metadata endpoint" : "passed all policy checks",
            path: decision == .block ? "$.url" : nil, argumentsDigest: AuditChain.sha256Hex("\(index)"),
            redactedArguments: #"{"i":\#(index)}"#, redactions: 0, truncated: false, session: "s\(index)", latencyNanoseconds: 1000)
    }

    func fill(_ store: SQLiteAuditStore, count: Int) async throws {
        _ = try await store.append((1...count).map { Self.entry($0, decision: $0.isMultiple(of: 3) ? .block : .allow) })
    }

    @Test func appendsChainedRecordsAndQueriesThem() async throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        let stored = try await store.append([Self.entry(1), Self.entry(2, server: "github", decision: .block)])
        #expect(stored.map(\.sequence) == [1, 2])
        #expect(stored[0].previousHash == AuditChain.genesis)
        #expect(stored[1].previousHash == stored[0].hash)
        #expect(stored[1].hash == AuditChain.hash(sequence: 2, entry: stored[1].entry, previousHash: stored[0].hash))

        let newestFirst = try await store.records(AuditQuery())
        #expect(newestFirst.map(\.sequence) == [2, 1])
        #expect(newestFirst == stored.reversed())
        #expect(try await store.records(AuditQuery(decision: .block)).map(\.sequence) == [2])
        #expect(try await store.records(AuditQuery(server: "demo")).map(\.sequence) == [1])
        #expect(try await store.records(AuditQuery(limit: 1, offset: 1)).map(\.sequence) == [1])
        #expect(try await store.records(AuditQuery(sinceMilliseconds: 1_795_000_000_002)).map(\.sequence) == [2])
        #expect(try await store.records(after: 1, limit: 10).map(\.sequence) == [2])
        #expect(try await store.record(sequence: 2) == stored[1])
        #expect(try await store.lastSequence() == 2)

        let stats = try await store.stats(sinceMilliseconds: nil, timelineMinutes: 60)
        #expect(stats.total == 2 && stats.allowed == 1 && stats.blocked == 1)
        #expect(stats.blockedByRule.map(\.name) == ["ssrf.metadata"])
        #expect(stats.byServer.map(\.name).sorted() == ["demo", "github"])
    }

    @Test func reopeningContinuesTheChain() async throws {
        let scratch = try Scratch()
        try await fill(try scratch.open(), count: 5)
        let reopened = try scratch.open()
        let more = try await reopened.append([Self.entry(6)])
        #expect(more[0].sequence == 6)
        #expect(try await reopened.verify().isIntact)
    }

    @Test func groupCommitBatchesConcurrentDecisions() async throws {
        let scratch = try Scratch()
        let writer = AuditWriter(store: try scratch.open())
        await #expect(throws: AuditError.self, "a writer nobody runs refuses at once") { try await writer.record(Self.entry(0)) }
        let committing = Task { await writer.run() }
        defer { committing.cancel() }
        while true {  // until run() has started
            if (try? await writer.record(Self.entry(0))) != nil { break }
            await Task.yield()
        }
        let sequences = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 1...400 { group.addTask { try await writer.record(Self.entry(i)).sequence } }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(sequences.sorted() == Array(2...401))
        let batches = await writer.batches
        #expect(batches < 400, "400 concurrent decisions took \(batches) transactions: no group commit")
        #expect(try await writer.store.verify().isIntact)
    }

    @Test func twoConnectionsToOneFileKeepOneChain() async throws {
        // Two stores on one file stand for two processes: each append is one IMMEDIATE transaction.
        let scratch = try Scratch()
        let a = try scratch.open()
        let b = try scratch.open()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<100 {
                group.addTask { _ = try await (i.isMultiple(of: 2) ? a : b).append([Self.entry(i), Self.entry(i + 1000)]) }
            }
            try await group.waitForAll()
        }
        let verification = try await a.verify()
        #expect(verification.isIntact, "\(verification.problems)")
        #expect(verification.checked == 200)
    }

    // MARK: Tampering

    @Test func intactChainVerifies() async throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        try await fill(store, count: 10)
        let result = try await store.verify()
        #expect(result.isIntact)
        #expect(result.checked == 10 && result.first == 1 && result.last == 10)
    }

    @Test func editedRecordIsReportedByNumber() async throws {
        let scratch = try Scratch()
        try await fill(try scratch.open(), count: 10)
        try scratch.tamper("UPDATE audit_record SET decision = 'ALLOW', rule = NULL WHERE seq = 6")
        let result = try await scratch.open().verify()
        #expect(result.problems == [.edited(sequence: 6)])
        #expect(result.problems[0].description.contains("record 6 was edited"))
    }

    @Test func deletedRecordIsReportedAsMissing() async throws {
        let scratch = try Scratch()
        try await fill(try scratch.open(), count: 10)
        try scratch.tamper("DELETE FROM audit_record WHERE seq IN (4, 5)")
        let result = try await scratch.open().verify()
        #expect(result.problems == [.missing(from: 4, to: 5)])
    }

    @Test func reorderedRecordsAreReported() async throws {
        // Swap the contents of records 3 and 7, keeping each row's own sequence number.
        let scratch = try Scratch()
        try await fill(try scratch.open(), count: 10)
        try scratch.tamper(
            """
            UPDATE audit_record SET seq = -3 WHERE seq = 3;
            UPDATE audit_record SET seq = 3 WHERE seq = 7;
            UPDATE audit_record SET seq = 7 WHERE seq = -3;
            """)
        let result = try await scratch.open().verify()
        #expect(result.problems.contains(.edited(sequence: 3)))
        #expect(result.problems.contains(.edited(sequence: 7)))
    }

    @Test func recomputedLinksStillBreakTheChain() async throws {
        // An edited record whose own hash is recomputed (as the format is public) breaks the
        // link from the record after it.
        let scratch = try Scratch()
        let store = try scratch.open()
        try await fill(store, count: 5)
        let original = try #require(try await store.record(sequence: 3))
        var forged = original.entry
        forged.decision = .allow
        forged.rule = nil
        let hash = AuditChain.hash(sequence: 3, entry: forged, previousHash: original.previousHash)
        try scratch.tamper("UPDATE audit_record SET decision = 'ALLOW', rule = NULL, hash = '\(hash)' WHERE seq = 3")
        let result = try await scratch.open().verify()
        #expect(result.problems == [.brokenLink(sequence: 4, expectedPrevious: 3)])
    }

    @Test func rewrittenChainFailsTheHeadSignature() async throws {
        // Rewriting every hash after an edit makes the chain consistent again; the head's HMAC,
        // which needs the key, does not match.
        let scratch = try Scratch()
        let store = try scratch.open()
        try await fill(store, count: 4)
        var previous = AuditChain.genesis
        var statements: [String] = []
        for record in try await store.records(after: 0, limit: 10) {
            var entry = record.entry
            if record.sequence == 3 { entry.decision = .allow }
            let hash = AuditChain.hash(sequence: record.sequence, entry: entry, previousHash: previous)
            statements.append(
                "UPDATE audit_record SET decision = '\(entry.decision.rawValue)', prev_hash = '\(previous)', hash = '\(hash)' WHERE seq = \(record.sequence);"
            )
            previous = hash
        }
        statements.append("UPDATE audit_head SET hash = '\(previous)';")
        try scratch.tamper(statements.joined(separator: "\n"))
        let result = try await scratch.open().verify()
        #expect(result.problems.count == 1)
        guard case .badHead = result.problems.first else {
            Issue.record("expected a head signature problem, got \(result.problems)")
            return
        }
    }

    @Test func truncatedTailIsReported() async throws {
        let scratch = try Scratch()
        try await fill(try scratch.open(), count: 10)
        try scratch.tamper("DELETE FROM audit_record WHERE seq >= 9")
        let result = try await scratch.open().verify()
        #expect(result.problems == [.truncated(last: 8, head: 10)])
    }

    @Test func deletingTheHeadIsReportedAndStopsWriters() async throws {
        let scratch = try Scratch()
        try await fill(try scratch.open(), count: 5)
        try scratch.tamper("DELETE FROM audit_record WHERE seq > 3; DELETE FROM audit_head")
        let store = try scratch.open()
        let result = try await store.verify()
        #expect(result.problems.count == 1)
        guard case .badHead = result.problems.first else {
            Issue.record("expected a missing head, got \(result.problems)")
            return
        }
        await #expect(throws: AuditError.self) { try await store.append([Self.entry(9)]) }
    }

    @Test func aMissingKeyIsNeverReplacedForAnExistingLog() async throws {
        let scratch = try Scratch()
        try await fill(try scratch.open(), count: 3)
        try FileManager.default.removeItem(atPath: scratch.path + ".key")
        #expect(throws: AuditError.self) { try scratch.open() }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + ".key"))
        let result = try await SQLiteAuditStore(path: scratch.path, readOnly: true).verify()
        #expect(result.problems.contains { $0.description.contains("key") })
    }

    @Test func wrongTypesAreReportedNotFatal() async throws {
        let scratch = try Scratch()
        try await fill(try scratch.open(), count: 3)
        // STRICT tables refuse a wrong type outright.
        #expect(throws: (any Error).self) { try scratch.tamper("UPDATE audit_record SET time_ms = 'yesterday' WHERE seq = 2") }
    }

    // MARK: Retention

    @Test func pruningKeepsTheRestVerifiable() async throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        try await fill(store, count: 20)
        let pruned = try await store.prune(AuditRetention(maxRecords: 5), nowMilliseconds: 1_795_000_100_000)
        #expect(pruned == 15)
        let result = try await store.verify()
        #expect(result.isIntact, "\(result.problems)")
        #expect(result.first == 16 && result.last == 20 && result.pruned == 15)
        // Appending after pruning continues the chain.
        _ = try await store.append([Self.entry(21)])
        #expect(try await store.verify().isIntact)
        // Pruning by age: every record is older than a day at this "now".
        let aged = try await store.prune(AuditRetention(days: 1), nowMilliseconds: 1_795_000_000_000 + 2 * 86_400_000)
        #expect(aged == 6)
        let empty = try await store.verify()
        #expect(empty.isIntact && empty.checked == 0 && empty.pruned == 21)
        _ = try await store.append([Self.entry(22)])
        #expect(try await store.verify().isIntact)
    }

    @Test func forgedCheckpointIsReported() async throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        try await fill(store, count: 10)
        _ = try await store.prune(AuditRetention(maxRecords: 4), nowMilliseconds: 1_795_000_100_000)
        try scratch.tamper("UPDATE audit_checkpoint SET pruned = 1")
        let result = try await scratch.open().verify()
        #expect(result.problems == [.badCheckpoint("its signature does not verify")])
    }

    @Test func pruningRefusesToLaunderTampering() async throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        try await fill(store, count: 10)
        try scratch.tamper("UPDATE audit_record SET reason = 'nothing to see' WHERE seq = 2")
        await #expect(throws: AuditError.self) { try await store.prune(AuditRetention(maxRecords: 5), nowMilliseconds: 1_795_000_100_000) }
        #expect(try await store.verify().problems == [.edited(sequence: 2)])
    }

    @Test func missingKeyIsReportedForCheckpoints() async throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        try await fill(store, count: 10)
        _ = try await store.prune(AuditRetention(maxRecords: 4), nowMilliseconds: 1_795_000_100_000)
        try FileManager.default.removeItem(atPath: scratch.path + ".key")
        let result = try await SQLiteAuditStore(path: scratch.path, readOnly: true).verify()
        // Neither the checkpoint's nor the head's signature can be checked.
        #expect(result.problems.count == 2)
        #expect(result.problems.allSatisfy { $0.description.contains("key") })
    }

    @Test func keyFileIsPrivate() throws {
        let scratch = try Scratch()
        _ = try scratch.open()
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.path + ".key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func notAnAuditDatabaseIsAClearError() throws {
        let scratch = try Scratch()
        let queue = try DatabaseQueue(path: scratch.path)
        try queue.write { try $0.execute(sql: "CREATE TABLE other (x); PRAGMA user_version = 7") }
        #expect(throws: AuditError.self) { try SQLiteAuditStore(path: scratch.path) }
    }

    // MARK: JSON and location

    @Test func recordJSONRoundTrips() async throws {
        let scratch = try Scratch()
        let stored = try await scratch.open().append([Self.entry(1, decision: .block)])[0]
        let parsed = try AuditRecord(json: JSONParser.parse(stored.json.jsonText))
        #expect(parsed.sequence == stored.sequence && parsed.hash == stored.hash && parsed.entry.rule == "ssrf.metadata")
        #expect(AuditTime.iso8601(milliseconds: 1_795_620_378_471) == "2026-11-25T15:26:18.471Z")
        #expect(AuditTime.parse("2026-11-25T15:26:18.471Z") == 1_795_620_378_471)
        #expect(AuditTime.parse("1795620378") == 1_795_620_378_000)
        #expect(AuditTime.parse("yesterday") == nil)
    }

    @Test func defaultLocationFollowsXDG() {
        #expect(AuditLocation.defaultPath(environment: ["MCP_SHIELD_DB": "/x/a.db", "HOME": "/home/u"]) == "/x/a.db")
        #expect(AuditLocation.defaultPath(environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/u"]) == "/data/mcp-shield/audit.db")
        #expect(AuditLocation.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.local/share/mcp-shield/audit.db")
        // A relative XDG_DATA_HOME is invalid per the spec and ignored.
        #expect(AuditLocation.defaultPath(environment: ["XDG_DATA_HOME": "data", "HOME": "/home/u"]) == "/home/u/.local/share/mcp-shield/audit.db")
    }

    @Test func entryFromACallIsRedacted() {
        let call = ToolCall(
            name: "fetch",
            arguments: .object([
                ("url", .string("https://user:hunter2@example.com/x")), ("api_key", .string("abc")),
                ("note", .string("token ghp_4fR9zT2qLm8VxW1cK7bN3yH6pD0sJ5aE2gUi here")),
            ]))
        let entry = AuditEntry(call: call, decision: .allow, surface: .cli, server: "s", policy: "default", latencyNanoseconds: 5)
        #expect(!entry.redactedArguments.contains("hunter2"))
        #expect(!entry.redactedArguments.contains("ghp_4fR9"))
        #expect(entry.redactedArguments.contains("[REDACTED:github-token]"))
        #expect(entry.redactedArguments.contains(#""api_key":"[REDACTED:key]""#))
        #expect(entry.redactions == 3)
        #expect(entry.argumentsDigest == "", "a digest beside a redacted copy lets guesses at the secret be checked")
        let plain = AuditEntry(
            call: ToolCall(name: "t", arguments: .object([("a", .string("b"))])), decision: .allow, surface: .cli, server: "s", policy: "p",
            latencyNanoseconds: 1)
        #expect(plain.argumentsDigest == AuditChain.sha256Hex(#"{"a":"b"}"#))
    }
}
