/// Where the audit database lives when no `--db` is given.
///
/// `$MCP_SHIELD_DB` if set; else `$XDG_DATA_HOME/mcp-shield/audit.db`; else
/// `~/.local/share/mcp-shield/audit.db` (the XDG Base Directory default).
public enum AuditLocation {
    public static let environmentVariable = "MCP_SHIELD_DB"

    public static func defaultPath(environment: [String: String]) -> String {
        if let explicit = environment[environmentVariable], !explicit.isEmpty { return explicit }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return data + "/mcp-shield/audit.db"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        return (home.hasSuffix("/") ? home : home + "/") + ".local/share/mcp-shield/audit.db"
    }
}
