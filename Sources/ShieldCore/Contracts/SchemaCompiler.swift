/// Turns a schema document into ``SchemaNode``s, without recursion.
///
/// Every subschema found is given a node index at once and queued; the queue is drained in a loop,
/// so neither a deep schema nor a long `$ref` chain can overflow the stack. A `$ref` target is
/// compiled once per distinct pointer, which is what lets a recursive schema point back at itself.
/// `$defs` and `definitions` are only compiled where something refers to them.
struct SchemaCompiler {
    typealias CompileError = JSONSchema.CompileError

    /// A subschema's keywords, and where it is in the document.
    struct Keywords {
        var values: [String: JSONValue]
        var pointer: Int

        subscript(keyword: String) -> JSONValue? { values[keyword] }
    }

    let root: JSONValue
    let limits: JSONSchema.Limits
    /// The root's `$id` without its fragment: a `$ref` starting with it is local.
    let rootID: Substring
    private var nodes: [SchemaNode?] = []
    private var queue: [(index: Int, schema: [(key: String, value: JSONValue)], pointer: Int)] = []
    /// JSON pointers into the document as a tree of tokens; `-1` is the root. Rendered only for errors.
    private var pointers: [(parent: Int, token: String)] = []
    /// `$ref` targets compiled so far, by JSON pointer tokens.
    var refTargets: [[String]: Int] = [:]

    init(root: JSONValue, limits: JSONSchema.Limits) {
        self.root = root
        self.limits = limits
        rootID = root["$id"]?.stringValue.map { id in id.prefix { $0 != "#" } } ?? ""
    }

    /// Compiles the whole document and returns the root's node index.
    mutating func compileAll() throws(CompileError) -> Int {
        let rootIndex = try enqueue(root, at: -1)
        while let job = queue.popLast() {
            var keywords = Keywords(values: [:], pointer: job.pointer)
            keywords.values.reserveCapacity(job.schema.count)
            for member in job.schema { keywords.values[member.key] = member.value }
            nodes[job.index] = try build(keywords)
        }
        return rootIndex
    }

    /// The compiled nodes, once ``compileAll()`` returned.
    func finishedNodes() -> [SchemaNode] {
        nodes.map { $0 ?? .neverValid }
    }

    /// Gives `schema` a node index, compiling it later.
    mutating func enqueue(_ schema: JSONValue, at pointer: Int) throws(CompileError) -> Int {
        guard nodes.count < limits.maxSubschemas else {
            throw error(at: pointer, "the schema holds more than \(limits.maxSubschemas) subschemas")
        }
        switch schema {
        case .bool(let flag):
            nodes.append(flag ? .alwaysValid : .neverValid)
        case .object(let members):
            nodes.append(nil)
            queue.append((nodes.count - 1, members, pointer))
        default:
            throw error(at: pointer, "a schema must be an object or a boolean, found \(schema.typeName)")
        }
        return nodes.count - 1
    }

    /// Gives the subschema at `keyword` (then `tokens`) below `keywords` a node index.
    mutating func subschema(_ schema: JSONValue, _ keywords: Keywords, _ tokens: String...) throws(CompileError) -> Int {
        var pointer = keywords.pointer
        for token in tokens { pointer = child(pointer, token) }
        return try enqueue(schema, at: pointer)
    }

    private mutating func build(_ keywords: Keywords) throws(CompileError) -> SchemaNode {
        for keyword in ["$dynamicRef", "$recursiveRef"] where keywords[keyword] != nil {
            throw error(at: keywords.pointer, keyword, "\(keyword) is not supported")
        }
        var parts = SchemaNode.Parts()
        parts.types = try typeRule(keywords)
        parts.constant = try constRule(keywords)
        parts.enumeration = try enumRule(keywords)
        parts.strings = try stringRules(keywords)
        parts.numbers = try numberRules(keywords)
        parts.objects = try objectRules(keywords)
        parts.arrays = try arrayRules(keywords)
        parts.logic = try logicRules(keywords)
        if let ref = keywords["$ref"] {
            guard case .string(let text) = ref else { throw error(at: keywords.pointer, "$ref", "$ref must be a string") }
            parts.ref = try resolve(text, at: keywords.pointer)
        }
        return SchemaNode(parts)
    }

    // MARK: - Pointers and errors

    mutating func child(_ parent: Int, _ token: String) -> Int {
        pointers.append((parent, token))
        return pointers.count - 1
    }

    /// `#/properties/a~1b/pattern`.
    private func render(_ pointer: Int, _ extra: [String]) -> String {
        var tokens: [String] = []
        var i = pointer
        while i >= 0 {
            tokens.append(pointers[i].token)
            i = pointers[i].parent
        }
        var text = "#"
        for token in tokens.reversed() + extra {
            text += "/" + token.replacing("~", with: "~0").replacing("/", with: "~1")
        }
        return text
    }

    func error(at pointer: Int, _ message: String) -> CompileError {
        CompileError(path: render(pointer, []), message: message)
    }

    func error(at pointer: Int, _ token: String, _ message: String) -> CompileError {
        CompileError(path: render(pointer, [token]), message: message)
    }

    func error(at pointer: Int, tokens: [String], _ message: String) -> CompileError {
        CompileError(path: render(pointer, tokens), message: message)
    }
}
