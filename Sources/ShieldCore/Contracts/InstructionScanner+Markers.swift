/// Markers addressed to a model by their syntax: chat-template tags and special tokens, fake
/// role headers, and (in definitions) HTML comments, which hide text from a rendered view.
extension InstructionScanner {
    /// Tag names that mark text for the model: `<IMPORTANT>`, `<system>`, `<instructions>`….
    static let tagNames = WordSet(
        "important system instructions instruction secret hidden system_prompt system-prompt systemprompt sys system-reminder system_reminder system-message system_message hidden-instructions hidden_instructions critical admin_instructions ai_instructions assistant_instructions model_instructions override"
    )

    /// A marker starting with `<` at `i`: `<IMPORTANT>`, `</system>`, `<|im_start|>`, `<<SYS>>`,
    /// or `<!--` in a definition.
    static func tag(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, _ context: Context) -> InstructionMatch? {
        let count = bytes.count
        var j = i + 1
        guard j < count else { return nil }
        if bytes[j] == UInt8(ascii: "!") {
            // An HTML comment: invisible where the description is rendered as Markdown.
            guard context == .definition, j + 2 < count, bytes[j + 1] == UInt8(ascii: "-"), bytes[j + 2] == UInt8(ascii: "-") else { return nil }
            var end = j + 3
            var addressed = false
            while end < count, !(bytes[end] == UInt8(ascii: ">") && bytes[end - 1] == UInt8(ascii: "-")) {
                if isLetter(bytes[end]), !isWordByte(bytes[end - 1]) {
                    let wordEnd = wordEnd(bytes, from: end)
                    if commentWords.contains(hash(bytes, end, wordEnd)) { addressed = true }
                    end = wordEnd
                    continue
                }
                end += 1
            }
            // A comment is a finding when it speaks to the model; licence headers and editor
            // settings do not.
            guard addressed else { return nil }
            return InstructionMatch(
                category: .hiddenInstructions, range: i..<min(end + 1, count),
                description: "an HTML comment, which hides text from people reading the description")
        }
        let double = bytes[j] == UInt8(ascii: "<")
        if double { j += 1 }
        if j < count, bytes[j] == UInt8(ascii: "/") { j += 1 }
        let pipe = j < count && bytes[j] == UInt8(ascii: "|")
        if pipe { j += 1 }
        let nameStart = j
        while j < count, j - nameStart <= 32, isWordByte(bytes[j]) || bytes[j] == UInt8(ascii: "-") { j += 1 }
        guard j > nameStart, j < count, isLetter(bytes[nameStart]) else { return nil }
        let name = hash(bytes, nameStart, j)
        if pipe {
            // A chat-template special token: <|im_start|>, <|system|>, <|endoftext|>.
            guard j + 1 < count, bytes[j] == UInt8(ascii: "|"), bytes[j + 1] == UInt8(ascii: ">") else { return nil }
            return InstructionMatch(
                category: .hiddenInstructions, range: i..<(j + 2), description: "a chat-template special token, which fakes a conversation turn")
        }
        if double {
            guard name == sysHash, j + 1 < count, bytes[j] == UInt8(ascii: ">"), bytes[j + 1] == UInt8(ascii: ">") else { return nil }
            return InstructionMatch(category: .hiddenInstructions, range: i..<(j + 2), description: "a <<SYS>> system-prompt marker")
        }
        guard tagNames.contains(name) else { return nil }
        var end = j
        if bytes[j] != UInt8(ascii: ">") {
            // Attributes: <important priority="high">.
            guard bytes[j] == 0x20 else { return nil }
            while end < count, end - j < 200, bytes[end] != UInt8(ascii: ">"), bytes[end] != UInt8(ascii: "<") { end += 1 }
            guard end < count, bytes[end] == UInt8(ascii: ">") else { return nil }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<(end + 1)]).prefix(40), as: UTF8.self)
        return InstructionMatch(
            category: .hiddenInstructions, range: i..<(end + 1), description: "the tag \(text), which marks text as instructions for the model")
    }

    /// Words that make an HTML comment read as a message to the model.
    static let commentWords = WordSet(
        "assistant ai model claude llm agent important instruction instructions ignore system secret secretly silently must always never")
    static let sysHash = hash("sys")
    static let instHash = hash("inst")
    static let bracketRoles = WordSet("system sys")
    static let bracketQualifiers = WordSet("note message prompt instructions override")

    /// `[INST]`, `[/INST]`, or `[SYSTEM]`/`[SYSTEM NOTE]` followed by text on the same line (a
    /// TOML table header `[system]` ends its line).
    static func bracketMarker(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> InstructionMatch? {
        let count = bytes.count
        var j = i + 1
        if j < count, bytes[j] == UInt8(ascii: "/") { j += 1 }
        let nameStart = j
        while j < count, j - nameStart <= 8, isLetter(bytes[j]) { j += 1 }
        guard j > nameStart, j < count else { return nil }
        let name = hash(bytes, nameStart, j)
        if name == instHash {
            guard bytes[j] == UInt8(ascii: "]") else { return nil }
            return InstructionMatch(category: .hiddenInstructions, range: i..<(j + 1), description: "an [INST] instruction marker")
        }
        guard bracketRoles.contains(name) else { return nil }
        if bytes[j] == 0x20 {
            let qualifierStart = j + 1
            j = qualifierStart
            while j < count, j - qualifierStart <= 12, isLetter(bytes[j]) { j += 1 }
            guard j > qualifierStart, bracketQualifiers.contains(hash(bytes, qualifierStart, j)) else { return nil }
        }
        guard j < count, bytes[j] == UInt8(ascii: "]") else { return nil }
        let end = j + 1
        // Text must follow on the same line, and not a Markdown link target.
        var k = end
        while k < count, bytes[k] == 0x20 || bytes[k] == 0x09 || bytes[k] == UInt8(ascii: ":") { k += 1 }
        guard k < count, bytes[k] != 0x0A, bytes[k] != 0x0D, bytes[end] != UInt8(ascii: "("), bytes[end] != UInt8(ascii: "[") else { return nil }
        return InstructionMatch(category: .hiddenInstructions, range: i..<end, description: "a [SYSTEM] marker, which fakes a system message")
    }

    static let headerRoles: [[Step]] = [
        [
            .word(WordSet("system assistant instruction instructions admin developer")),
            .optional(WordSet("prompt message instructions override note")), .colon,
        ],
        [.word(WordSet("new updated")), .word(WordSet("instructions instruction")), .colon],
    ]

    /// A Markdown heading that fakes a conversation role: `### System:`, `## Instruction:`.
    static func roleHeader(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> InstructionMatch? {
        guard i == 0 || bytes[i - 1] != UInt8(ascii: "#") else { return nil }
        var k = i - 1
        while k >= 0, bytes[k] == 0x20 || bytes[k] == 0x09 { k -= 1 }
        guard k < 0 || bytes[k] == 0x0A || bytes[k] == 0x0D else { return nil }
        var j = i
        while j < bytes.count, bytes[j] == UInt8(ascii: "#") { j += 1 }
        guard j - i <= 6 else { return nil }
        for steps in headerRoles {
            if let end = matchForward(steps, 0, bytes, j) {
                return InstructionMatch(category: .hiddenInstructions, range: i..<end, description: "a heading that fakes a conversation role")
            }
        }
        return nil
    }
}
