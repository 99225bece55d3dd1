/// Phrase rules: an anchor word, words that must precede it and words that must follow it.
///
/// A rule is checked only where its anchor word occurs, so the cost of a rule is paid at its
/// anchors, not per byte. Steps are matched word by word within one sentence (see
/// ``InstructionScanner/nextWord(_:after:)``); `skip` steps backtrack over at most a few words.
extension InstructionScanner {
    /// One element of a phrase.
    enum Step: Sendable {
        /// One of these words.
        case word(WordSet)
        /// One of these words, or nothing.
        case optional(WordSet)
        /// Up to this many arbitrary words (as few as possible).
        case skip(Int)
        /// The next word (the previous one, before the anchor), if any, is none of these; consumes
        /// nothing.
        case not(WordSet)
        /// A tool reference: an identifier with `_` (`send_email`), or any name followed by
        /// `tool` (`the search tool`); quoted or not. Not `this`, `that`, `it`….
        case toolName
        /// A tool reference followed by `tool` (or `server`, after an identifier): `the search tool`,
        /// `` `telemetry_upload` tool ``.
        case namedTool
        /// An identifier with `_` followed by `tool`: `` the `delete_repository` tool ``.
        case identifierTool
        /// (Before the anchor only.) The anchor starts a paragraph: the text or a blank line, then
        /// at most spaces, comes before it.
        case paragraphStart
        /// A `:` right after the previous word (spaces and `*` allowed between).
        case colon
        /// An email address.
        case email
        /// The clause ends here (punctuation or sentence end), or the next word is one of these;
        /// consumes nothing.
        case clauseEndOr(WordSet)
    }

    struct Rule: Sendable {
        var category: InstructionMatch.Category
        var description: String
        var anchors: [String]
        /// Steps matched backwards from the anchor, nearest word first.
        var before: [Step]
        var after: [Step]
        /// Whether the rule applies to tool output too (some phrases are ordinary in web pages
        /// and documents but have no place in a tool's definition).
        var inOutput: Bool
        /// Whether the rule applies to tool definitions (a tool description may address the model;
        /// a tool's output has no reason to).
        var inDefinition: Bool

        init(
            _ category: InstructionMatch.Category, _ description: String, anchors: String, before: [Step] = [], after: [Step] = [],
            inOutput: Bool = true, inDefinition: Bool = true
        ) {
            self.category = category
            self.description = description
            self.anchors = anchors.split(separator: " ").map(String.init)
            self.before = before
            self.after = after
            self.inOutput = inOutput
            self.inDefinition = inDefinition
        }
    }

    /// The end of the match of `steps[k...]` after `position`, or `nil`.
    static func matchForward(_ steps: [Step], _ k: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int? {
        guard k < steps.count else { return position }
        switch steps[k] {
        case .word(let set):
            guard let (start, _) = nextWord(bytes, after: position) else { return nil }
            let end = wordEnd(bytes, from: start)
            guard set.contains(hash(bytes, start, end)) else { return nil }
            return matchForward(steps, k + 1, bytes, end)
        case .optional(let set):
            if let (start, _) = nextWord(bytes, after: position) {
                let end = wordEnd(bytes, from: start)
                if set.contains(hash(bytes, start, end)), let found = matchForward(steps, k + 1, bytes, end) { return found }
            }
            return matchForward(steps, k + 1, bytes, position)
        case .skip(let most):
            var at = position
            for _ in 0...most {
                if let found = matchForward(steps, k + 1, bytes, at) { return found }
                guard let (start, _) = nextWord(bytes, after: at) else { return nil }
                at = wordEnd(bytes, from: start)
            }
            return nil
        case .not(let set):
            if let (start, _) = nextWord(bytes, after: position), set.contains(hash(bytes, start, wordEnd(bytes, from: start))) { return nil }
            return matchForward(steps, k + 1, bytes, position)
        case .toolName:
            guard let end = toolNameEnd(bytes, after: position) else { return nil }
            return matchForward(steps, k + 1, bytes, end)
        case .namedTool:
            guard let end = toolNameEnd(bytes, after: position, requireToolWord: true) else { return nil }
            return matchForward(steps, k + 1, bytes, end)
        case .identifierTool:
            guard let end = toolNameEnd(bytes, after: position, requireToolWord: true, requireIdentifier: true) else { return nil }
            return matchForward(steps, k + 1, bytes, end)
        case .paragraphStart:
            return nil
        case .colon:
            var i = position
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == UInt8(ascii: "*") { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            return matchForward(steps, k + 1, bytes, i + 1)
        case .email:
            guard let end = emailEnd(bytes, after: position) else { return nil }
            return matchForward(steps, k + 1, bytes, end)
        case .clauseEndOr(let set):
            if let (start, clause) = nextWord(bytes, after: position), !clause {
                guard set.contains(hash(bytes, start, wordEnd(bytes, from: start))) else { return nil }
            }
            return matchForward(steps, k + 1, bytes, position)
        }
    }

    /// The start of the match of `steps[k...]` read backwards from `position`, or `nil`. Only
    /// `word`, `optional` and `not` steps can be matched backwards.
    static func matchBackward(_ steps: [Step], _ k: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int? {
        guard k < steps.count else { return position }
        let previous = previousWord(bytes, before: position)
        let inSet: (WordSet) -> Bool = { set in previous.map { set.contains(hash(bytes, $0.lowerBound, $0.upperBound)) } ?? false }
        switch steps[k] {
        case .word(let set):
            guard let previous, inSet(set) else { return nil }
            return matchBackward(steps, k + 1, bytes, previous.lowerBound)
        case .optional(let set):
            if let previous, inSet(set), let found = matchBackward(steps, k + 1, bytes, previous.lowerBound) { return found }
            return matchBackward(steps, k + 1, bytes, position)
        case .not(let set):
            return inSet(set) ? nil : matchBackward(steps, k + 1, bytes, position)
        case .paragraphStart:
            var i = position - 1
            while i >= 0, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D { i -= 1 }
            guard i < 0 || (bytes[i] == 0x0A && i >= 1 && (bytes[i - 1] == 0x0A || (bytes[i - 1] == 0x0D && i >= 2 && bytes[i - 2] == 0x0A))) else {
                return nil
            }
            return matchBackward(steps, k + 1, bytes, position)
        default:
            return nil
        }
    }

    /// Words that are never a tool's name.
    static let notToolNames = WordSet(
        "this that it its the a an these those same any all each every other your my our their which what tool tools function functions")
    /// Words that make the name before them a tool's ("function" is left out: it names code far
    /// more often than it names a tool).
    static let toolWords = WordSet("tool tools")
    static let serverWords = WordSet("server mcp")

    /// The end of a tool reference after `position` (see ``Step/toolName``), or `nil`.
    static func toolNameEnd(
        _ bytes: UnsafeBufferPointer<UInt8>, after position: Int, requireToolWord: Bool = false, requireIdentifier: Bool = false
    ) -> Int? {
        guard let (start, _) = nextWord(bytes, after: position) else { return nil }
        // An identifier: word bytes, with inner `-` and `.` (`send-email`, `github.create_issue`).
        var end = start
        var underscore = false
        var letters = false
        while end < bytes.count {
            let b = bytes[end]
            if isWordByte(b) {
                if b == 0x5F { underscore = true } else if isLetter(b) { letters = true }
                end += 1
            } else if b == UInt8(ascii: "-") || b == UInt8(ascii: "."), end + 1 < bytes.count, isWordByte(bytes[end + 1]) {
                end += 1
            } else {
                break
            }
        }
        guard letters, end - start <= 64, underscore || !requireIdentifier else { return nil }
        let nameHash = hash(bytes, start, end)
        if toolWords.contains(nameHash), !requireToolWord {
            // "call the tool delete_repo": the name follows.
            guard let following = toolNameEnd(bytes, after: end), following > end else { return nil }
            return following
        }
        if notToolNames.contains(nameHash) { return nil }
        if let (next, clause) = nextWord(bytes, after: end), !clause {
            let nextEnd = wordEnd(bytes, from: next)
            let nextHash = hash(bytes, next, nextEnd)
            if toolWords.contains(nextHash) { return nextEnd }
            if underscore, serverWords.contains(nextHash) { return nextEnd }
        }
        return underscore && !requireToolWord && bytes[start] != 0x5F ? end : nil
    }

    /// The end of an email address after `position` (spaces, quotes and `<` allowed before it).
    static func emailEnd(_ bytes: UnsafeBufferPointer<UInt8>, after position: Int) -> Int? {
        var i = position
        while i < bytes.count, i - position < 8,
            [0x20, 0x0A, UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: "<"), UInt8(ascii: ":")].contains(bytes[i])
        {
            i += 1
        }
        let start = i
        var at: Int?
        var dotAfterAt = false
        while i < bytes.count, i - start < 254 {
            let b = bytes[i]
            if isWordByte(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: "%") {
                i += 1
            } else if b == UInt8(ascii: "."), i + 1 < bytes.count, isWordByte(bytes[i + 1]) {
                if at != nil { dotAfterAt = true }
                i += 1
            } else if b == UInt8(ascii: "@"), at == nil, i > start {
                at = i
                i += 1
            } else {
                break
            }
        }
        guard let at, at > start, dotAfterAt, i > at + 3 else { return nil }
        return i
    }
}
