internal import Foundation

/// Finds policies by name — in an optional policy directory, then among the policies compiled
/// into the binary — and enforces per-server bindings.
///
/// A policy *name* is a name: `[A-Za-z0-9][A-Za-z0-9_-]*`, at most 64 characters. `../x`,
/// absolute paths and anything else are refused, so a caller cannot point a name at a file outside
/// the policy directory; `--policy-file` is the explicit way to use a file.
///
/// A directory may hold `bindings.yaml`, mapping server names to policies:
///
/// ```yaml
/// servers:
///   github: strict
/// ```
///
/// A bound server is always evaluated under its policy; asking for a different one is an error,
/// so a caller cannot pick a weaker policy for it.
public struct PolicyCatalog: Sendable {
    /// The policy directory, or `nil` for the bundled policies only.
    public var directory: String?

    public init(directory: String? = nil) {
        self.directory = directory
    }

    /// The policies compiled into the binary, by name.
    public static let bundled: [String: String] = [
        "default": String(decoding: PackageResources.default_yaml, as: UTF8.self),
        "strict": String(decoding: PackageResources.strict_yaml, as: UTF8.self),
    ]

    /// Whether `name` is a valid policy name.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first.isASCIILetter || first &- 48 < 10, name.utf8.count <= 64 else { return false }
        return name.utf8.allSatisfy { $0.isASCIILetter || $0 &- 48 < 10 || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// The names of every available policy, sorted.
    public var names: [String] {
        var names = Set(Self.bundled.keys)
        if let directory, let files = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for file in files where file.hasSuffix(".yaml") && file != "bindings.yaml" {
                let name = String(file.dropLast(5))
                if Self.isValidName(name) { names.insert(name) }
            }
        }
        return names.sorted()
    }

    /// Loads the policy called `name`.
    ///
    /// - Throws: ``PolicyError`` for an invalid or unknown name, or an invalid policy.
    public func load(name: String) throws(PolicyError) -> Policy {
        guard Self.isValidName(name) else {
            throw PolicyError(
                source: name, message: "invalid policy name: use letters, digits, \"-\" and \"_\" only (use --policy-file for a file path)")
        }
        if let directory {
            let path = (directory as NSString).appendingPathComponent(name + ".yaml")
            if FileManager.default.fileExists(atPath: path) {
                return try Self.load(file: path, name: name)
            }
        }
        guard let text = Self.bundled[name] else {
            throw PolicyError(source: name, message: "unknown policy (available: \(names.joined(separator: ", ")))")
        }
        return try PolicyLoader.load(yaml: text, name: name, source: "bundled policy \(name)")
    }

    /// Loads a policy file by path.
    public static func load(file path: String, name: String? = nil) throws(PolicyError) -> Policy {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PolicyError(source: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        guard data.count <= PolicyLoader.maxPolicyBytes else {
            throw PolicyError(source: path, message: "policy is larger than \(PolicyLoader.maxPolicyBytes) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(source: path, message: "policy is not valid UTF-8")
        }
        let defaultName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try PolicyLoader.load(yaml: text, name: name ?? defaultName, source: path)
    }

    /// The policy a server is bound to in `bindings.yaml`, if any.
    public func boundPolicy(forServer server: String) throws(PolicyError) -> String? {
        guard let directory else { return nil }
        let path = (directory as NSString).appendingPathComponent("bindings.yaml")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let bindings = try PolicyBindings.load(file: path)
        return bindings.servers[server]
    }

    /// Chooses the policy for a call: the server's binding if it has one, else the named policy
    /// or file, else `default`.
    ///
    /// - Throws: ``PolicyError`` when the caller asks for a policy other than the server's bound one.
    public func resolve(name: String?, file: String?, server: String?) throws(PolicyError) -> Policy {
        if let server, let bound = try boundPolicy(forServer: server) {
            if let file {
                throw PolicyError(source: file, message: "server \"\(server)\" is bound to policy \"\(bound)\"; a policy file cannot replace it")
            }
            if let name, name != bound {
                throw PolicyError(
                    source: name, message: "server \"\(server)\" is bound to policy \"\(bound)\"; refusing to evaluate it under \"\(name)\"")
            }
            return try load(name: bound)
        }
        if let file { return try Self.load(file: file) }
        return try load(name: name ?? "default")
    }
}
