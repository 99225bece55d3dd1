/// Something in a tool, prompt or resource definition (or a server's instructions) that tries
/// to steer the model rather than describe the tool: what ``PoisoningDetector`` reports.
///
/// ```swift
/// let finding = PoisoningDetector.scan(text: "<IMPORTANT>…</IMPORTANT>", field: "$.description", tool: "add", otherTools: []).first
/// finding?.rule   // "poisoning.hidden-instructions"
/// finding?.field  // "$.description"
/// ```
public struct ContractFinding: Sendable, Hashable {
    /// What the text tries to do.
    public enum Category: String, Sendable, Hashable, CaseIterable {
        /// Markers and phrases addressed to the model: `<IMPORTANT>`, "ignore previous
        /// instructions", "do not tell the user".
        case hiddenInstructions = "hidden-instructions"
        /// Instructions to read or send credential files and secrets.
        case sensitiveFile = "sensitive-file"
        /// Instructions to call, shadow or replace other tools, or to send data elsewhere.
        case crossTool = "cross-tool"
        /// Text a person cannot see but the model reads: Unicode Tags, zero-width runs, bidi
        /// overrides.
        case hiddenUnicode = "hidden-unicode"
        /// URLs of exfiltration services, raw IP addresses, internal hosts, or URLs that template
        /// data into their query.
        case suspiciousURL = "suspicious-url"
    }

    public var category: Category
    /// `poisoning.<category>`.
    public var rule: String
    /// The tool's name; `nil` for server instructions, prompts and resources.
    public var tool: String?
    /// Where, as a JSON path into the definition: `$.description`,
    /// `$.inputSchema.properties.note.description`, `$.annotations.title`.
    public var field: String
    /// The matched span with about 40 characters of context on each side, invisible characters
    /// written as `\u{…}` escapes.
    public var excerpt: String
    /// A sentence a person can act on.
    public var detail: String

    public init(category: Category, tool: String?, field: String, excerpt: String, detail: String) {
        self.category = category
        self.rule = "poisoning." + category.rawValue
        self.tool = tool
        self.field = field
        self.excerpt = excerpt
        self.detail = detail
    }
}
