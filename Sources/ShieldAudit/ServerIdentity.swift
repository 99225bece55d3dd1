internal import Crypto
internal import Foundation
internal import ShieldCore

/// Who a server is, for pinning: its command line (or URL), and the hash of the executable the
/// command line starts where it can be found.
///
/// Pins belong to the command line (``key``), not to the name a client config gives the server:
/// two servers started by the same launcher (`uvx mcp-server-time`, `uvx mcp-server-fetch`)
/// have different contracts. The executable's hash is pinned beside them; when it changes (an
/// upgrade, or a swapped binary) the change is recorded, and every contract the new binary
/// announces is still compared with the pins, so nothing it changes goes unnoticed.
public struct ServerIdentity: Sendable, Hashable {
    /// The server's name in policies and the audit log.
    public var name: String
    /// The command line, for a stdio server.
    public var command: [String]?
    /// The endpoint, for a remote server.
    public var url: String?
    /// SHA-256 (hex) of the executable, when it could be found and read.
    public var executableSHA256: String?

    public init(name: String, command: [String]? = nil, url: String? = nil, executableSHA256: String? = nil) {
        self.name = name
        self.command = command
        self.url = url
        self.executableSHA256 = executableSHA256
    }

    /// What identifies the server, as canonical JSON: `{"command":[…]}` or `{"url":"…"}`.
    public var identityText: String {
        if let url { return JSONValue.object([("url", .string(url))]).jsonText }
        return JSONValue.object([("command", .array((command ?? [name]).map(JSONValue.string)))]).jsonText
    }

    /// The first 16 hex digits of the identity's SHA-256: how pins and `approve` name a server.
    public var key: String { String(AuditChain.sha256Hex(identityText).prefix(16)) }

    /// The identity of a stdio server started by `command`, hashing `executable` (the program
    /// the command line starts, as found on `PATH`). A file that cannot be read leaves the hash out.
    public static func stdio(name: String, command: [String], executable: String?) -> ServerIdentity {
        var identity = ServerIdentity(name: name, command: command)
        identity.executableSHA256 = executable.flatMap(Self.sha256(file:))
        return identity
    }

    /// The SHA-256 of a file of at most 512 MiB, read in pieces.
    static func sha256(file: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            total += chunk.count
            guard total <= 512 << 20 else { return nil }
            hasher.update(data: chunk)
        }
        return AuditChain.hex(hasher.finalize())
    }
}
