/// Why a policy could not be loaded: the file, the line and column, the key, and what is wrong.
///
/// ```
/// policies/mine.yaml:7:3: egress.allowed_schmes: unknown key (did you mean "allowed_schemes"?)
/// ```
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or policy name) the error is about.
    public var source: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The dotted key path, when the error is about one key.
    public var key: String?
    /// What is wrong.
    public var message: String

    public init(source: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String) {
        self.source = source
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        var text = source
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if let key { text += "\(key): " }
        return text + message
    }
}
