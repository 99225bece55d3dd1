internal import Crypto
internal import Foundation
internal import ShieldCore

/// The tamper-evident chain over audit records.
///
/// Each record's hash is SHA-256 over a canonical JSON array of its sequence number, every stored
/// field and the previous record's hash:
///
/// ```text
/// hash(n) = SHA-256( ["mcp-shield-audit-v1", n, time, surface, server, tool, policy, decision,
///                     rule, reason, path, args_sha256, args, redactions, truncated, session,
///                     latency_ns, hash(n-1)] )
/// ```
///
/// The JSON text is produced by ``JSONValue/jsonText`` (members in order, strings escaped the
/// same way every time), so the bytes hashed are a function of the values alone. Editing any
/// field breaks that record's hash; deleting, inserting or reordering records breaks the link
/// to the previous hash or leaves a gap in the sequence; truncating the end disagrees with the
/// chain head stored beside the records.
///
/// Pruning for retention replaces the pruned prefix with a checkpoint (last pruned sequence
/// number and hash, how many records were pruned) signed with HMAC-SHA-256 under the store's
/// key, so the remaining records still verify from a trusted starting point.
public enum AuditChain {
    /// The previous hash of record 1.
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(sequence: Int64, entry e: AuditEntry, previousHash: String) -> String {
        let fields: [JSONValue] = [
            .string("mcp-shield-audit-v1"), .number(String(sequence)), .number(String(e.timeMilliseconds)), .string(e.surface.rawValue),
            .string(e.server), .string(e.tool), .string(e.policy), .string(e.decision.rawValue), e.rule.map(JSONValue.string) ?? .null,
            .string(e.reason), e.path.map(JSONValue.string) ?? .null, .string(e.argumentsDigest), .string(e.redactedArguments),
            .number(String(e.redactions)), .bool(e.truncated), e.session.map(JSONValue.string) ?? .null,
            .number(String(e.latencyNanoseconds)), .string(previousHash),
        ]
        return sha256Hex(JSONValue.array(fields).jsonText)
    }

    public static func sha256Hex(_ text: String) -> String {
        hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// The text a checkpoint's signature covers.
    static func checkpointMessage(_ checkpoint: AuditCheckpoint) -> String {
        "mcp-shield-checkpoint-v1|\(checkpoint.sequence)|\(checkpoint.hash)|\(checkpoint.pruned)|\(checkpoint.timeMilliseconds)"
    }

    static func sign(_ checkpoint: AuditCheckpoint, key: AuditKey) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Data(checkpointMessage(checkpoint).utf8), using: SymmetricKey(data: key.bytes)))
    }

    /// The chain head's signature: HMAC-SHA-256 of its sequence number and hash.
    static func signHead(sequence: Int64, hash: String, key: AuditKey) -> String {
        let message = Data("mcp-shield-head-v1|\(sequence)|\(hash)".utf8)
        return hex(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key.bytes)))
    }

    static func isValid(_ checkpoint: AuditCheckpoint, key: AuditKey) -> Bool {
        guard let signature = unhex(checkpoint.signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            signature, authenticating: Data(checkpointMessage(checkpoint).utf8), using: SymmetricKey(data: key.bytes))
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unhex(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count.isMultiple(of: 2) else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let high = bytes[i].hexValue, let low = bytes[i + 1].hexValue else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }
}

extension UInt8 {
    fileprivate var hexValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// The retention checkpoint: the pruned prefix of the chain, summarized and signed.
public struct AuditCheckpoint: Sendable, Hashable {
    /// The last pruned record's sequence number; the first kept record follows it.
    public var sequence: Int64
    /// The last pruned record's hash; the first kept record's previous hash.
    public var hash: String
    /// How many records have been pruned in all.
    public var pruned: Int64
    public var timeMilliseconds: Int64
    /// HMAC-SHA-256 of the fields under the store's key, hex.
    public var signature: String
}

/// The secret that signs retention checkpoints: 32 random bytes in a file readable by its owner
/// only (`audit.db.key` beside the database unless configured otherwise).
public struct AuditKey: Sendable {
    let bytes: [UInt8]

    /// Reads the key at `path`, creating it (mode 0600) when `create` is set and it is missing.
    public static func load(path: String, create: Bool) throws(AuditError) -> AuditKey {
        if let data = FileManager.default.contents(atPath: path) {
            guard let bytes = AuditChain.unhex(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                bytes.count == 32
            else { throw AuditError("audit key \(path) is not 64 hex digits") }
            return AuditKey(bytes: bytes)
        }
        guard create else { throw AuditError("audit key \(path) does not exist") }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let text = AuditChain.hex(key) + "\n"
        // Written to a private temporary file, then linked into place: link(2) fails if another
        // process got there first, and nobody ever reads a half-written key.
        let temporary = "\(path).\(getpid()).tmp"
        unlink(temporary)  // a stale one from a crashed process; O_EXCL below refuses anything planted
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditError("cannot create audit key \(path): \(String(cString: strerror(errno)))") }
        defer { unlink(temporary) }
        let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == text.utf8.count, synced else {
            throw AuditError("cannot write audit key \(path): \(String(cString: strerror(errno)))")
        }
        if link(temporary, path) != 0 {
            if errno == EEXIST { return try load(path: path, create: false) }
            throw AuditError("cannot create audit key \(path): \(String(cString: strerror(errno)))")
        }
        return AuditKey(bytes: key)
    }
}

/// An audit store failure, with a message a person can act on.
public struct AuditError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
