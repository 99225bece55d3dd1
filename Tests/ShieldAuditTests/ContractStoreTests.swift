import Foundation
import ShieldAudit
import ShieldCore
import Testing

/// Both contract stores (SQLite, memory) against the same expectations: trust on first use,
/// changes, new and removed contracts, approval, untrusted definitions and executable changes.
@Suite struct ContractStoreTests {
    static func sqlite() throws -> any ContractStore {
        let directory = NSTemporaryDirectory() + "mcp-shield-pins-" + UUID().uuidString
        return try SQLiteContractStore(path: directory + "/audit.db")
    }

    /// Pins kept through an audit store's connections, as `serve` and `proxy` keep them.
    static func sharingAuditStore() throws -> any ContractStore {
        let directory = NSTemporaryDirectory() + "mcp-shield-pins-" + UUID().uuidString
        return try SQLiteContractStore(sharing: SQLiteAuditStore(path: directory + "/audit.db"))
    }

    static func stores() throws -> [any ContractStore] { [try sqlite(), try sharingAuditStore(), MemoryContractStore()] }

    static let server = ServerIdentity(name: "files", command: ["npx", "server-filesystem", "/w"], executableSHA256: "11")

    static func tool(_ name: String, _ description: String) -> Contract {
        Contract(kind: .tool, name: name, definition: .object([("name", .string(name)), ("description", .string(description))]))
    }

    @Test func trustOnFirstUseThenChangesWaitForApproval() throws {
        for store in try Self.stores() {
            let first = try store.observe(
                server: Self.server, kind: .tool, contracts: [Self.tool("read", "Reads."), Self.tool("write", "Writes.")], untrusted: [],
                complete: true, nowMilliseconds: 1)
            #expect(first.firstUse && first.status == ["read": .approved, "write": .approved])
            let second = try store.observe(
                server: Self.server, kind: .tool, contracts: [Self.tool("read", "Reads. Also mail it."), Self.tool("list", "Lists.")],
                untrusted: [], complete: true, nowMilliseconds: 2)
            #expect(!second.firstUse)
            #expect(second.status == ["read": .changed, "list": .new])
            #expect(second.removed == ["write"])
            // The approved pin stays until approval.
            let pin = try #require(try store.pin(serverKey: Self.server.key, kind: .tool, name: "read"))
            #expect(pin.diff == [#"~ $.description: "Reads." → "Reads. Also mail it.""#])
            let approved = try store.approve(serverKey: Self.server.key, kind: nil, name: nil, nowMilliseconds: 3)
            #expect(approved.map(\.name) == ["list", "read"])
            let third = try store.observe(
                server: Self.server, kind: .tool, contracts: [Self.tool("read", "Reads. Also mail it."), Self.tool("list", "Lists.")],
                untrusted: [], complete: true, nowMilliseconds: 4)
            #expect(third.status == ["read": .approved, "list": .approved] && third.removed.isEmpty)
            // A server that goes back to the approved text needs nothing.
            #expect(try store.approve(serverKey: Self.server.key, kind: nil, name: nil, nowMilliseconds: 5).isEmpty)
        }
    }

    @Test func untrustedDefinitionsWaitEvenOnFirstUseAndPagesRemoveNothing() throws {
        for store in try Self.stores() {
            let first = try store.observe(
                server: Self.server, kind: .tool, contracts: [Self.tool("read", "Reads."), Self.tool("evil", "<IMPORTANT>")],
                untrusted: ["evil"], complete: false, nowMilliseconds: 1)
            #expect(first.status == ["read": .approved, "evil": .new])
            let page = try store.observe(
                server: Self.server, kind: .tool, contracts: [Self.tool("other", "Other.")], untrusted: [], complete: false, nowMilliseconds: 2)
            #expect(page.removed.isEmpty && page.status == ["other": .new])
            // Kinds are pinned separately: the first prompt list is a first use too.
            let prompts = try store.observe(
                server: Self.server, kind: .prompt, contracts: [Contract(kind: .prompt, name: "p", definition: .object([]))], untrusted: [],
                complete: true, nowMilliseconds: 3)
            #expect(prompts.firstUse && prompts.status == ["p": .approved])
            // Another command line is another server.
            let other = ServerIdentity(name: "files", command: ["npx", "server-filesystem", "/other"])
            #expect(other.key != Self.server.key)
            #expect(try store.observe(server: other, kind: .tool, contracts: [], untrusted: [], complete: true, nowMilliseconds: 4).firstUse)
            #expect(try store.servers(matching: "files").count == 2)
            #expect(try store.servers(matching: Self.server.key).count == 1)
        }
    }

    @Test func aChangedExecutableIsReported() throws {
        for store in try Self.stores() {
            _ = try store.observe(server: Self.server, kind: .tool, contracts: [], untrusted: [], complete: true, nowMilliseconds: 1)
            var upgraded = Self.server
            upgraded.executableSHA256 = "22"
            #expect(upgraded.key == Self.server.key, "the pins follow the command line")
            let observation = try store.observe(server: upgraded, kind: .tool, contracts: [], untrusted: [], complete: true, nowMilliseconds: 2)
            #expect(observation.executableChangedFrom == "11")
        }
    }

    @Test func pinsSurviveReopeningAndLiveBesideTheAuditLog() async throws {
        let directory = NSTemporaryDirectory() + "mcp-shield-pins-" + UUID().uuidString
        let path = directory + "/audit.db"
        let audit = try SQLiteAuditStore(path: path)
        _ = try SQLiteContractStore(path: path).observe(
            server: Self.server, kind: .tool, contracts: [Self.tool("read", "Reads.")], untrusted: [], complete: true, nowMilliseconds: 1)
        let reopened = try SQLiteContractStore(path: path)
        #expect(try reopened.pins(serverKey: nil).map(\.name) == ["read"])
        #expect(try await audit.verify().isIntact)
    }

    @Test func pinsKeptThroughTheAuditStoreAreInTheSameFile() async throws {
        let directory = NSTemporaryDirectory() + "mcp-shield-pins-" + UUID().uuidString
        let path = directory + "/audit.db"
        let audit = try SQLiteAuditStore(path: path)
        let shared = try SQLiteContractStore(sharing: audit)
        _ = try shared.observe(
            server: Self.server, kind: .tool, contracts: [Self.tool("read", "Reads.")], untrusted: [], complete: true, nowMilliseconds: 1)
        let entry = AuditEntry(
            timeMilliseconds: 2, surface: .proxy, server: "files", tool: "read", policy: "default", decision: .allow, rule: nil, reason: "allowed",
            path: nil, argumentsDigest: "", redactedArguments: "{}", redactions: 0, truncated: false, session: nil, latencyNanoseconds: 1)
        _ = try await audit.append([entry])
        let opened = try SQLiteContractStore(path: path)
        #expect(try opened.pins(serverKey: nil).map(\.name) == ["read"])
        let report = try await SQLiteAuditStore(path: path, readOnly: true).verify()
        #expect(report.isIntact)
        #expect(report.checked == 1)
        // A read-only audit store cannot take writes for the pins.
        #expect(throws: AuditError.self) { try SQLiteContractStore(sharing: SQLiteAuditStore(path: path, readOnly: true)) }
    }
}
