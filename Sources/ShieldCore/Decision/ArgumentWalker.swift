internal import Foundation

/// Visits every key and every value of a tool call's arguments, at every depth, without recursion.
///
/// Arrays and objects go on an explicit stack, so no input can overflow the call stack. Strings
/// that hold a JSON object or array are parsed (strictly, within the remaining budget) and walked
/// as well. Work is bounded by ``DecisionEngine/Limits``; exceeding a bound is a finding
/// (`args.too-deep`, `args.too-many-nodes`, `args.too-large`), so nothing goes unchecked.
///
/// JSON paths are built only when a finding needs one: each visited container records its parent
/// and its key or index in an arena.
struct ArgumentWalker {
    let engine: DecisionEngine
    let tool: ToolProfile

    private enum Component {
        case key(String)
        case index(Int)
        case embeddedJSON
    }

    /// How a value is reached from the container holding it.
    private enum Step {
        /// The arguments themselves.
        case root
        /// Under its own key (``Frame/key``).
        case member
        case index(Int)
        /// The document a string holds.
        case embeddedJSON
    }

    private struct Frame {
        var value: JSONValue
        /// Arena index of the container holding this value (-1: the arguments root).
        var parent: Int
        var step: Step
        /// The nearest object key above this value (arrays inherit their key).
        var key: String?
        /// What ``key`` says about its values (``ArgumentHints/KeyFacts/none`` without a key).
        var facts: ArgumentHints.KeyFacts
        var depth: Int
        var embedding: Int
    }

    /// A visited container's place: its parent's arena index (-1 for the root's children) and
    /// how it is reached from there. Only containers (and strings holding JSON) get one: a
    /// scalar's path is built from its frame when a finding needs it. A struct rather than a
    /// tuple, so the arena is destroyed by specialized code rather than through a tuple's type
    /// metadata.
    private struct Place {
        var parent: Int
        var component: Component
    }

    private var arena: [Place] = []
    /// URLs already judged in this evaluation that were clear, by scheme and authority: a
    /// document names the same hosts again and again.
    private var clearAuthorities = AuthorityMemo()
    private var knownKeyFacts = ByteMemo<ArgumentHints.KeyFacts>()
    private var keysSeen = 0
    private let keyTables = ArgumentHints.KeyTables.shared
    private var nodes = 0
    private var scannedBytes = 0

    init(engine: DecisionEngine, tool: ToolProfile) {
        self.engine = engine
        self.tool = tool
    }

    mutating func walk(_ root: JSONValue) -> Finding? {
        var stack: [Frame] = []
        // Enough for a typical call's arguments without growing.
        stack.reserveCapacity(16)
        arena.reserveCapacity(16)
        stack.append(Frame(value: root, parent: -1, step: .root, key: nil, facts: .none, depth: 0, embedding: 0))
        while let frame = stack.popLast() {
            nodes += 1
            if nodes > engine.limits.maxNodes {
                return Finding(
                    rule: "args.too-many-nodes", reason: "arguments hold more than \(engine.limits.maxNodes) values", path: render(frame))
            }
            if frame.depth > engine.limits.maxDepth {
                return Finding(rule: "args.too-deep", reason: "arguments nest deeper than \(engine.limits.maxDepth) levels", path: render(frame))
            }
            switch frame.value {
            case .null, .bool:
                continue
            case .number(let number):
                // `{"host": 2130706433}` is 127.0.0.1 to anything that formats it into a URL.
                let (kind, _) = kind(for: frame)
                if kind == .host || kind == .url, let finding = engine.egress.check(hostValue: Substring(number), lenient: true) {
                    return located(finding, frame)
                }
            case .string(let text):
                if let finding = check(string: text, frame: frame, stack: &stack) { return finding }
            case .array(let elements):
                // An argv array under a command key is also judged as the command line it forms.
                if elements.count > 1, kind(for: frame).0 == .command {
                    let words = elements.compactMap(\.stringValue)
                    if words.count == elements.count,
                        let finding = engine.commands.check(commandLine: words.map(Self.shellQuoted).joined(separator: " "))
                    {
                        return located(finding, frame)
                    }
                }
                // Push in reverse so elements are visited in order.
                let path = place(frame)
                for (index, element) in elements.enumerated().reversed() {
                    stack.append(
                        Frame(
                            value: element, parent: path, step: .index(index), key: frame.key, facts: frame.facts, depth: frame.depth + 1,
                            embedding: frame.embedding))
                }
            case .object(let members):
                // A process-spawning shape: {"program": "/bin/sh", "arguments": ["-c", "…"]}.
                if let commandLine = Self.spawnedCommandLine(members), let finding = engine.commands.check(commandLine: commandLine) {
                    return located(finding, frame)
                }
                let path = members.isEmpty ? -1 : place(frame)
                for member in members.reversed() {
                    let facts: ArgumentHints.KeyFacts
                    if let plain = plainKeyFacts(member.key) {
                        facts = plain
                    } else {
                        let (finding, other) = read(key: member.key)
                        if let finding {
                            return located(finding, at: render(path, then: .key(member.key)))
                        }
                        facts = other
                    }
                    stack.append(
                        Frame(
                            value: member.value, parent: path, step: .member, key: member.key, facts: facts, depth: frame.depth + 1,
                            embedding: frame.embedding))
                }
            }
        }
        return nil
    }

    // MARK: - Strings

    /// The facts of a key that is a plain word (``ArgumentHints/facts(ofPlainWord:)``), when
    /// nothing else is to be checked: the policy has no blocked patterns and the key's bytes fit
    /// the budget. `nil` leaves the key to ``read(key:)``.
    @inline(__always) private mutating func plainKeyFacts(_ key: String) -> ArgumentHints.KeyFacts? {
        // A plain word has at most sixteen bytes.
        guard engine.blockedArgPatterns.isEmpty, scannedBytes <= engine.limits.maxScanBytes - 16,
            let facts = key.withUTF8Bytes({ keyTables.facts(ofPlainWord: $0) })
        else { return nil }
        scannedBytes += key.utf8.count
        return facts
    }

    /// Checks one key (keys are attacker-controlled text too) and works out what it says about
    /// its values.
    private mutating func read(key: String) -> (Finding?, ArgumentHints.KeyFacts) {
        if let finding = spend(key.utf8.count) { return (finding, .none) }
        let facts = keyFacts(for: key)
        // Short ASCII keys without a colon (most keys): shorter than any credential, with no
        // colon for a URL and no byte outside ASCII for hidden text, they hold nothing
        // ``checkText`` looks for unless the policy has blocked patterns.
        let plain =
            engine.blockedArgPatterns.isEmpty
            && key.withUTF8Bytes { bytes in
                bytes.count < SecretScanner.shortestCredential && !bytes.contains { $0 >= 0x80 || $0 == UInt8(ascii: ":") }
            }
        return (plain ? nil : checkText(key, kind: .text), facts)
    }

    /// Checks one string value. Its bytes are borrowed once and handed to every check.
    private mutating func check(string text: String, frame: Frame, stack: inout [Frame]) -> Finding? {
        text.withUTF8Bytes { bytes in check(string: text, bytes, frame: frame, stack: &stack) }
    }

    private mutating func check(string text: String, _ bytes: UnsafeBufferPointer<UInt8>, frame: Frame, stack: inout [Frame]) -> Finding? {
        if let finding = spend(bytes.count) { return located(finding, frame) }

        // A string holding a JSON document is walked as part of the arguments: its keys and
        // values (with escapes decoded) get every check, and findings get precise paths.
        let opensContainer =
            bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }.map { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") } ?? false
        if opensContainer {
            let parserLimits = JSONParser.Limits(
                maxBytes: Int.max, maxDepth: max(1, engine.limits.maxDepth - frame.depth),
                maxNodes: max(1, engine.limits.maxNodes - nodes))
            do {
                let embedded = try JSONParser.parse(text, limits: parserLimits)
                guard frame.embedding < engine.limits.maxEmbeddedJSON else {
                    return located(
                        Finding(
                            rule: "args.too-deep", reason: "JSON documents are nested inside strings more than \(engine.limits.maxEmbeddedJSON) times"
                        ), frame)
                }
                stack.append(
                    Frame(
                        value: embedded, parent: place(frame), step: .embeddedJSON, key: frame.key, facts: frame.facts, depth: frame.depth + 1,
                        embedding: frame.embedding + 1))
                return nil
            } catch  where error.isLimit {
                let rule = if case .tooManyNodes = error.kind { "args.too-many-nodes" } else { "args.too-deep" }
                return located(Finding(rule: rule, reason: "JSON inside this string exceeds the evaluation bounds (\(error))"), frame)
            } catch {
                // Not JSON: checked as text below.
            }
        }
        let (kind, declared) = kind(for: frame)
        if let finding = checkText(
            text, bytes, kind: kind, declared: declared, allowVersionOperators: frame.facts.isPackage, keyMentionsSecret: frame.facts.mentionsSecret)
        {
            return located(finding, frame)
        }
        return nil
    }

    /// ``ArgumentHints/facts(forKey:)``. Past the first ``keysBeforeMemo`` keys of an evaluation
    /// (an array of many objects repeats the same few) each distinct key's facts are computed
    /// once; below that, setting up the memo costs more than it saves.
    private mutating func keyFacts(for key: String) -> ArgumentHints.KeyFacts {
        guard keysSeen >= Self.keysBeforeMemo else {
            keysSeen += 1
            return ArgumentHints.facts(forKey: key)
        }
        return key.withUTF8Bytes { bytes in
            if let known = knownKeyFacts.value(for: bytes) { return known }
            let facts = ArgumentHints.facts(forKey: key)
            knownKeyFacts.insert(bytes, facts)
            return facts
        }
    }

    static let keysBeforeMemo = 32

    /// The kind a value is judged as — declared by the policy, a shell tool's command line, or
    /// suggested by its key — and whether the policy declared it (declared kinds fail closed on
    /// values that do not fit; suggested ones give way to prose).
    private func kind(for frame: Frame) -> (Policy.ArgumentKind?, declared: Bool) {
        guard let key = frame.key else { return (tool.isShell ? .command : nil, false) }
        if !tool.argumentKinds.isEmpty {
            if let declared = tool.argumentKinds[key] { return (declared, true) }
            if let declared = tool.argumentKinds[dottedPath(frame)] { return (declared, true) }
        }
        if tool.isShell { return (.command, false) }
        if key.utf8.count == 5, key == "input" || key == "stdin", tool.takesShellInput { return (.command, false) }
        return (frame.facts.hint, false)
    }

    /// Checks a key as text.
    private mutating func checkText(_ text: String, kind: Policy.ArgumentKind?) -> Finding? {
        text.withUTF8Bytes { bytes in checkText(text, bytes, kind: kind) }
    }

    /// Checks one string, whose bytes are `bytes`. `kind` nil means "unknown": prose with light
    /// heuristics. A heuristic kind (`.host` from a URL-ish key, `.path` from a path-ish key)
    /// gives way for values that are clearly prose (contain whitespace); a declared kind never
    /// does.
    private mutating func checkText(
        _ text: String, _ bytes: UnsafeBufferPointer<UInt8>, kind: Policy.ArgumentKind?, declared: Bool = false, allowVersionOperators: Bool = false,
        keyMentionsSecret: Bool = false
    ) -> Finding? {
        // Hidden characters are never ASCII, and an ASCII URL has a colon: most keys and many
        // values need neither scan.
        let shape = TextShape(bytes)
        let (isASCII, hasColon) = (shape.isASCII, shape.hasColon)
        if !isASCII, let hidden = HiddenTextScanner.firstHidden(in: text) {
            return Finding(rule: hidden.rule, reason: "text contains \(hidden.description)")
        }
        if engine.policy.secretsEnabled {
            if let secret = SecretScanner.firstSecret(in: bytes, keyMentionsSecret: keyMentionsSecret) {
                return Finding(rule: "secret.\(secret.kind)", reason: "value holds a live-shaped \(secret.label) (\(secret.preview))")
            }
            // HTTP Basic credentials carry tokens base64-encoded (`user:ghp_…`).
            if bytes.count >= Self.shortestBasicCredentials, let decoded = Self.basicCredentials(text),
                let secret = SecretScanner.firstSecret(in: decoded, keyMentionsSecret: true)
            {
                return Finding(rule: "secret.\(secret.kind)", reason: "HTTP Basic credentials hold a live-shaped \(secret.label) (\(secret.preview))")
            }
        }
        if !engine.blockedArgPatterns.isEmpty {
            let lowered = isASCII ? text : text.lowercased()
            if let pattern = engine.blockedArgPatterns.first(where: { ByteSearch.containsIgnoringASCIICase(lowered, lowercasedNeedle: $0) }) {
                return Finding(rule: "policy.blocked-arg-pattern", reason: "value contains the blocked pattern \(quote(pattern))")
            }
        }
        // A URL-valued value that is one plain URL and nothing else is clear when its host is:
        // what the finder below would report and judge, without the finder.
        if kind == .url || kind == .host, isASCII, hasColon, shape.hasWhitespace == false, Self.isOneURLRun(bytes),
            engine.egress.isPlainlyClear(bytes, asWholeValue: true)
        {
            return nil
        }
        // URLs anywhere in the text are judged by their host.
        var judgedWholeValue = false
        if !isASCII || hasColon {
            var found: Finding?
            URLFinder.scan(bytes) { start, end in
                guard found == nil else { return }
                found = judgeFoundURL(in: text, bytes, start..<end, kind: kind, judgedWholeValue: &judgedWholeValue)
            }
            if let found { return found }
        }
        switch kind {
        case .url?, .host?:
            // Clients trim surrounding whitespace (WHATWG trims spaces and controls, Python's
            // strip() Unicode spaces too) and WHATWG removes tabs and newlines anywhere.
            // An ASCII URL judged whole above starts with its scheme and ends in a URL byte (no
            // space or control to trim) and holds no inner white space: a space, vertical tab or
            // form feed would have ended it.
            if judgedWholeValue, isASCII { return nil }
            let trimmed = Self.trimmingSpacesAndControls(text)
            if trimmed.isEmpty { return nil }
            if Self.hasInnerWhitespace(trimmed) {
                return declared ? Finding(rule: "ssrf.unparsable-url", reason: "URL argument \(quote(text)) is not a single URL or host") : nil
            }
            if judgedWholeValue, trimmed == text { return nil }  // the URL pass above judged it as a whole
            var stripped = Self.removingTabsAndNewlines(trimmed)
            if stripped.hasPrefix("//") || stripped.hasPrefix("\\\\") { stripped = "http:" + stripped }  // scheme-relative
            if ByteSearch.contains(stripped, "://") || stripped.hasPrefix("http:") {
                if case .finding(let finding) = engine.egress.check(url: Substring(stripped), asWholeValue: true) { return finding }
                return nil
            }
            return engine.egress.check(hostValue: Substring(stripped), lenient: !declared)
        case .path?:
            if bytes.isEmpty || (shape.hasLineFeed ?? ByteSearch.contains(bytes, byte: 0x0A)) { return nil }
            if hasColon, ByteSearch.contains(bytes, Self.schemeSeparator), !URLScheme.startsWithFile(bytes) { return nil }
            if bytes[0] == UInt8(ascii: "-") {
                return Finding(rule: "command.option-injection", reason: "path \(quote(text)) starts with \"-\" and would be read as an option")
            }
            return engine.paths.check(text, bytes)
        case .command?:
            return engine.commands.check(commandLine: text)
        case .argument?:
            return engine.commands.check(argument: text, allowVersionOperators: allowVersionOperators)
        case .text?:
            return nil
        case nil:
            // Prose (white space) is not a path or a host.
            let isProse =
                shape.hasWhitespace
                ?? (ByteSearch.contains(bytes, byte: 0x20) || ByteSearch.contains(bytes, byte: 0x0A) || ByteSearch.contains(bytes, byte: 0x0D)
                    || ByteSearch.contains(bytes, byte: 0x09))
            if bytes.isEmpty || isProse { return nil }
            if Self.looksLikePath(bytes) { return engine.paths.check(text, bytes) }
            if Self.looksLikeHostValue(text) { return engine.egress.check(hostValue: Substring(text), lenient: true) }
            return nil
        }
    }

    /// What one pass over a value's bytes tells ``checkText(_:kind:declared:allowVersionOperators:keyMentionsSecret:)``.
    /// A short value (most are) is classified sixteen bytes at a time in one pass; a long one
    /// is searched for each answer only when it is needed, each search stopping at its first
    /// hit.
    struct TextShape {
        var isASCII: Bool
        var hasColon: Bool
        /// A space, tab, line feed or carriage return; `nil` when not worked out.
        var hasWhitespace: Bool?
        /// `nil` when not worked out.
        var hasLineFeed: Bool?

        static let onePassLimit = 256

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let address = bytes.baseAddress, bytes.count <= Self.onePassLimit else {
                isASCII = ByteLanes.firstNonASCII(in: bytes, from: 0) == bytes.count
                hasColon = bytes.baseAddress.map { memchr($0, 0x3A, bytes.count) != nil } ?? false
                return
            }
            let base = UnsafeRawPointer(address)
            var high = ByteLanes.Chunk(repeating: 0)
            var colons = high
            var blanks = high
            var lineFeeds = high
            @inline(__always) func classify(_ x: ByteLanes.Chunk) {
                high |= x
                colons |= ByteLanes.lanes(x, equalTo: 0x3A)
                blanks |= ByteLanes.lanes(x, equalTo: 0x20) | ByteLanes.lanes(x, equalTo: 0x09) | ByteLanes.lanes(x, equalTo: 0x0D)
                lineFeeds |= ByteLanes.lanes(x, equalTo: 0x0A)
            }
            if bytes.count < 16 {
                // Lanes past the end are zero: in no class.
                classify(ByteLanes.load(base, 0, count: bytes.count))
            } else {
                // Whole chunks, the last one ending at the end (it may overlap the one before:
                // a byte classified twice is in the same classes).
                var offset = 0
                while offset + 16 < bytes.count {
                    classify(base.loadUnaligned(fromByteOffset: offset, as: ByteLanes.Chunk.self))
                    offset += 16
                }
                classify(base.loadUnaligned(fromByteOffset: bytes.count - 16, as: ByteLanes.Chunk.self))
            }
            isASCII = ByteLanes.bits(high) == 0
            hasColon = ByteLanes.bits(colons) != 0
            hasLineFeed = ByteLanes.bits(lineFeeds) != 0
            hasWhitespace = hasLineFeed == true || ByteLanes.bits(blanks) != 0
        }
    }

    /// Whether ``URLFinder`` reads an ASCII value without white space as at most one URL whose
    /// run of URL bytes ends where the value does: it has one colon (every URL needs its own),
    /// and no byte after that colon ends a URL.
    static func isOneURLRun(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, let found = memchr(base, Int32(UInt8(ascii: ":")), bytes.count) else { return false }
        let colon = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        let rest = UnsafeBufferPointer(rebasing: bytes[(colon + 1)...])
        guard rest.isEmpty || memchr(rest.baseAddress!, Int32(UInt8(ascii: ":")), rest.count) == nil else { return false }
        return URLFinder.run(bytes, from: colon + 1, quotesTerminate: true).end == bytes.count
    }

    /// Judges one URL that ``URLFinder`` found at `range` of `text` (whose bytes are `bytes`).
    /// A URL whose authority an earlier one in this evaluation cleared is skipped after looking
    /// at its bytes alone. Sets `judgedWholeValue` when the URL is the whole URL-valued value.
    private mutating func judgeFoundURL(
        in text: String, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, kind: Policy.ArgumentKind?, judgedWholeValue: inout Bool
    ) -> Finding? {
        let wholeValue = range.count == bytes.count
        let asWholeValue = wholeValue && (kind == .url || kind == .host)
        if asWholeValue { judgedWholeValue = true }
        var end = range.upperBound
        // In prose a URL is often followed by punctuation (`http://h:8080,` `(see http://h)`).
        if !wholeValue { while end > range.lowerBound, Self.isTrailingPunctuation(bytes[end - 1]) { end -= 1 } }
        let url = UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<end])
        // Most URLs have the plain shape and a global host name: decided on their bytes.
        if engine.egress.isPlainlyClear(url, asWholeValue: asWholeValue) { return nil }
        var authority: UnsafeBufferPointer<UInt8>?
        if !asWholeValue, let length = Self.memoKeyLength(url) {
            let key = UnsafeBufferPointer(rebasing: url[..<(url.startIndex + length)])
            if clearAuthorities.contains(key) { return nil }
            authority = key
        }
        switch engine.egress.check(url: URLFinder.substring(text, range.lowerBound..<end), asWholeValue: asWholeValue) {
        case .finding(let finding): return finding
        case .filePath(let path): return engine.paths.check(path)
        case .clear:
            if let authority { clearAuthorities.insert(authority) }
            return nil
        }
    }

    /// `text` without leading and trailing white space and control and format characters (Cc, Cf:
    /// what URL clients trim, and invisible characters).  Most values have neither, and are returned as they are without a copy.
    static func trimmingSpacesAndControls(_ text: String) -> String {
        func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value <= 0x20 || (0x7f...0x9f).contains(scalar.value) || scalar.properties.isWhitespace
                || scalar.properties.generalCategory == .format
        }
        if let first = text.utf8.first, let last = text.utf8.last, first > 0x20, first < 0x7f, last > 0x20, last < 0x7f {
            return text
        }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isTrimmed($0) }), let end = scalars.lastIndex(where: { !isTrimmed($0) }) else {
            return ""
        }
        return String(scalars[start...end])
    }

    /// The fewest bytes of `Basic ` (six) and base64 that can decode to a credential (counted
    /// without padding, whether or not the decoder needs it).
    static let shortestBasicCredentials = 6 + (SecretScanner.shortestCredential * 4 + 2) / 3

    /// The decoded `user:password` of every `Basic …` credential in `text` (at most 32), joined.
    private static let basicScheme: StaticString = "basic "

    static func basicCredentials(_ text: String) -> String? {
        // The scheme name is case-insensitive (RFC 9110): `bAsIc` is Basic too.
        let mentionsBasic = text.withUTF8Bytes { utf8 in
            Self.basicScheme.withUTF8Buffer { ByteSearch.search(utf8, $0, foldASCIICase: true) }
        }
        guard mentionsBasic else { return nil }
        var decoded: [String] = []
        var rest = text[...]
        while decoded.count < 32, let range = rest.range(of: "basic ", options: .caseInsensitive) {
            let encoded = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" || $0 == "=" }
            if encoded.count >= 16, let data = Data(base64Encoded: String(encoded)), let credential = String(data: data, encoding: .utf8) {
                decoded.append(credential)
            }
            rest = rest[range.upperBound...]
        }
        return decoded.isEmpty ? nil : decoded.joined(separator: "\n")
    }

    /// The length of `scheme://authority` at the start of a URL's bytes, when the URL's judgment
    /// depends on nothing else: `//` right after the scheme, an authority that ends at `/`, `?`,
    /// `#` or the end with no `\\`, `%`, `@` or non-ASCII byte in it, and not a `file:` URL.
    /// `nil` for anything else (judged every time).
    static func memoKeyLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon + 2 < bytes.count, bytes[colon + 1] == UInt8(ascii: "/"),
            bytes[colon + 2] == UInt8(ascii: "/")
        else { return nil }
        // Not `file:` (any case), whose "authority" is judged with the path.
        if colon >= 4, bytes[0] | 0x20 == UInt8(ascii: "f"), bytes[1] | 0x20 == UInt8(ascii: "i"), bytes[2] | 0x20 == UInt8(ascii: "l"),
            bytes[3] | 0x20 == UInt8(ascii: "e")
        {
            return nil
        }
        var i = colon + 3
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "@") || byte >= 0x80 || byte <= 0x20 { return nil }
            i += 1
        }
        return i
    }

    /// The command line of an object that names a program and its argv in sibling members.
    static func spawnedCommandLine(_ members: [(key: String, value: JSONValue)]) -> String? {
        // Only an object with an argv array can spawn: most have none, and are done without
        // normalizing every key.
        let hasArgv =
            members.count >= 2
            && members.contains { member in
                guard case .array = member.value else { return false }
                return ArgumentHints.withNormalizedKey(member.key) { spawnRoles[$0] } == .argv
            }
        guard hasArgv else { return nil }
        var program: String?
        var argv: [String]?
        for (key, value) in members {
            let role = ArgumentHints.withNormalizedKey(key) { spawnRoles[$0] }
            if role == .program, let text = value.stringValue {
                program = text
            } else if role == .argv, case .array(let elements) = value {
                let words = elements.compactMap(\.stringValue)
                if words.count == elements.count { argv = words }
            }
        }
        guard let program, let argv else { return nil }
        return ([program] + argv).map(shellQuoted).joined(separator: " ")
    }

    private enum SpawnRole { case program, argv }

    /// Keys (normalized) that name a spawned program and its argv.
    private static let spawnRoles = ByteKeyedTable<SpawnRole>(
        ["program", "command", "cmd", "executable", "binary", "file"].map { ($0, .program) } + ["args", "arguments", "argv"].map { ($0, .argv) })

    /// Punctuation that ends a sentence or clause after a URL in prose, rather than the URL.
    static func isTrailingPunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ")"),
            UInt8(ascii: "]"), UInt8(ascii: "}"), 0x09, 0x0A, 0x0D:
            true
        default:
            false
        }
    }

    /// `word` single-quoted for a POSIX shell.
    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// White space other than tab and line breaks (which WHATWG removes from a URL): ASCII
    /// space, vertical tab and form feed, and Unicode's other spaces. ASCII is decided without
    /// the Unicode property tables.
    static func isInnerWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar == " " || scalar == "\u{0B}" || scalar == "\u{0C}" }
        return scalar.properties.isWhitespace
    }

    /// Whether `text` holds ``isInnerWhitespace(_:)`` white space; ASCII text is searched by byte.
    static func hasInnerWhitespace(_ text: String) -> Bool {
        let ascii = text.withUTF8Bytes { bytes in ByteLanes.firstNonASCII(in: bytes, from: 0) == bytes.count }
        guard ascii else { return text.unicodeScalars.contains(where: isInnerWhitespace) }
        return ByteSearch.contains(text, byte: 0x20) || ByteSearch.contains(text, byte: 0x0B) || ByteSearch.contains(text, byte: 0x0C)
    }

    static func removingTabsAndNewlines(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return String(decoding: text.utf8.filter { $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
    }

    /// A whole value that is a path although its key does not say so.
    static func looksLikePath(_ text: String) -> Bool {
        text.withUTF8Bytes(looksLikePath)
    }

    /// ``looksLikePath(_:)`` of a value's bytes.
    static func looksLikePath(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func byte(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }
        func isSeparator(_ b: UInt8) -> Bool { b == UInt8(ascii: "/") || b == UInt8(ascii: "\\") }
        let opensLikePath: Bool
        switch byte(0) {
        // `/…`, `\…`, `~…`
        case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "~"): opensLikePath = true
        // `./…`, `../…` (either separator), `..`
        case UInt8(ascii: "."):
            opensLikePath = isSeparator(byte(1)) || (byte(1) == UInt8(ascii: ".") && (bytes.count == 2 || isSeparator(byte(2))))
        // `%2e…`, `%2E…`
        case UInt8(ascii: "%"): opensLikePath = byte(1) == UInt8(ascii: "2") && byte(2) | 0x20 == UInt8(ascii: "e")
        // `C:\…`, `C:/…`
        default: opensLikePath = bytes.count >= 3 && byte(0).isASCIILetter && byte(1) == UInt8(ascii: ":") && isSeparator(byte(2))
        }
        // A URL is not a path: searched for only when the value otherwise looks like one.
        guard opensLikePath || Self.hasDotDotSegment(bytes) else { return false }
        return !ByteSearch.contains(bytes, Self.schemeSeparator)
    }

    private static let schemeSeparator: StaticString = "://"

    /// Whether a `/`- or `\\`-separated segment of `bytes` is exactly `..`, in one pass.
    static func hasDotDotSegment(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var segmentLength = 0
        var dots = 0
        for byte in bytes {
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\") {
                if segmentLength == 2 && dots == 2 { return true }
                segmentLength = 0
                dots = 0
            } else {
                segmentLength += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return segmentLength == 2 && dots == 2
    }

    /// A whole value that is a destination although its key does not say so: a dotted-quad
    /// IPv4, a bracketed IPv6, or `host:port` with an address, a dotted name or a local name.
    static func looksLikeHostValue(_ text: String) -> Bool {
        enum Shape { case no, dottedQuad, hostAndPort(colon: Int) }
        // What the bytes say first, stopping early: most values are neither all digits and dots
        // nor bracketed, and do not end in `:` and a port.
        let shape = text.withUTF8Bytes { bytes -> Shape in
            guard let first = bytes.first else { return .no }
            if first == UInt8(ascii: "[") { return .hostAndPort(colon: -1) }
            if !bytes.contains(where: { $0 &- 48 >= 10 && $0 != UInt8(ascii: ".") }) { return .dottedQuad }
            // A port: one to five digits after the last colon, and nothing else.
            var portStart = bytes.count
            while portStart > 0, bytes[portStart - 1] &- 48 < 10 { portStart -= 1 }
            let digits = bytes.count - portStart
            guard digits >= 1, digits <= 5, portStart > 0, bytes[portStart - 1] == UInt8(ascii: ":") else { return .no }
            return .hostAndPort(colon: portStart - 1)
        }
        switch shape {
        case .no: return false
        case .dottedQuad: return IPAddress.parseDottedQuad(text) != nil
        case .hostAndPort(colon: -1): return true
        case .hostAndPort(let colonOffset):
            let colon = text.utf8.index(text.utf8.startIndex, offsetBy: colonOffset)
            var host = text[..<colon]
            if let at = host.utf8.lastIndex(of: UInt8(ascii: "@")) { host = host[host.utf8.index(after: at)...] }
            let name = host.lowercased()
            return host.utf8.contains(UInt8(ascii: ".")) || name == "localhost" || name.hasSuffix(".localhost")
                || HostClassifier.metadataNames.contains(name)
        }
    }

    // MARK: - Bounds and paths

    /// Counts `count` more bytes of text against ``DecisionEngine/Limits/maxScanBytes``.
    @inline(__always) private mutating func spend(_ count: Int) -> Finding? {
        scannedBytes += count
        return scannedBytes > engine.limits.maxScanBytes ? tooLarge() : nil
    }

    private func tooLarge() -> Finding {
        Finding(rule: "args.too-large", reason: "arguments hold more than \(engine.limits.maxScanBytes) bytes of text to scan")
    }

    /// How `frame`'s value is reached from its container; `nil` for the root.
    private static func component(_ frame: Frame) -> Component? {
        switch frame.step {
        case .root: nil
        case .member: frame.key.map(Component.key)
        case .index(let index): .index(index)
        case .embeddedJSON: .embeddedJSON
        }
    }

    /// Records the container (or JSON-holding string) in `frame` in the arena: the parent of
    /// what it holds. The root needs no entry: its children's parent is -1.
    private mutating func place(_ frame: Frame) -> Int {
        guard let component = Self.component(frame) else { return -1 }
        arena.append(Place(parent: frame.parent, component: component))
        return arena.count - 1
    }

    private func located(_ finding: Finding, _ frame: Frame) -> Finding {
        located(finding, at: render(frame))
    }

    /// `finding`, given `path` unless it names its own; the path is built only when needed.
    private func located(_ finding: Finding, at path: @autoclosure () -> String) -> Finding {
        var finding = finding
        if finding.path == nil { finding.path = path() }
        return finding
    }

    /// The JSON path of `frame`'s value.
    private func render(_ frame: Frame) -> String {
        render(frame.parent, then: Self.component(frame))
    }

    /// `$.a.b[2]["odd key"](json).c`: the path of the container at arena index `parent` (-1 for
    /// the root), then `last`.
    private func render(_ parent: Int, then last: Component?) -> String {
        var components: [Component] = []
        if let last { components.append(last) }
        var i = parent
        while i >= 0 {
            components.append(arena[i].component)
            i = arena[i].parent
        }
        var text = "$"
        for component in components.reversed() {
            switch component {
            case .key(let key): text += JSONPath.member(key)
            case .index(let n): text += "[\(n)]"
            case .embeddedJSON: text += "(json)"
            }
        }
        return text
    }

    /// Keys from the arguments root to `frame`'s value joined with `.`, arrays and embedded
    /// JSON transparent.
    private func dottedPath(_ frame: Frame) -> String {
        var keys: [String] = []
        if case .member = frame.step, let key = frame.key { keys.append(key) }
        var i = frame.parent
        while i >= 0 {
            if case .key(let key) = arena[i].component { keys.append(key) }
            i = arena[i].parent
        }
        return keys.reversed().joined(separator: ".")
    }
}
