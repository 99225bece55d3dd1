/// `$ref`: JSON pointers into the schema document, compiled once per target.
extension SchemaCompiler {
    /// The node for the schema a `$ref` names.
    mutating func resolve(_ ref: String, at pointer: Int) throws(CompileError) -> Int {
        let hash = ref.firstIndex(of: "#")
        let base = hash.map { ref[..<$0] } ?? ref[...]
        let fragment = hash.map { ref[ref.index(after: $0)...] } ?? ""
        guard base.isEmpty || base == rootID else {
            throw error(
                at: pointer, "$ref", "remote reference \(JSONSchema.quote(ref)) is not supported; only pointers into this schema (\"#/…\") are")
        }
        guard let decoded = Self.percentDecoded(fragment) else {
            throw error(at: pointer, "$ref", "invalid percent-encoding in $ref \(JSONSchema.quote(ref))")
        }
        var tokens: [String] = []
        if !decoded.isEmpty {
            guard decoded.hasPrefix("/") else {
                throw error(at: pointer, "$ref", "anchor reference \(JSONSchema.quote(ref)) is not supported; use a JSON pointer (\"#/$defs/…\")")
            }
            for raw in decoded.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
                guard let token = Self.unescaped(raw) else {
                    throw error(at: pointer, "$ref", "invalid \"~\" escape in $ref \(JSONSchema.quote(ref))")
                }
                tokens.append(token)
            }
        }
        if let index = refTargets[tokens] { return index }

        var target = root
        var targetPointer = -1
        for token in tokens {
            var next: JSONValue?
            switch target {
            case .object(let members):
                let key = ExactString(token)
                next = members.first { ExactString($0.key) == key }?.value
            case .array(let elements):
                if let i = Int(token), String(i) == token, elements.indices.contains(i) { next = elements[i] }
            default:
                next = nil
            }
            guard let next else {
                throw error(at: pointer, "$ref", "$ref \(JSONSchema.quote(ref)) does not resolve to anything in this schema")
            }
            target = next
            targetPointer = child(targetPointer, token)
        }
        let index = try enqueue(target, at: targetPointer)
        refTargets[tokens] = index
        return index
    }

    /// `fragment` with `%XX` escapes decoded, or `nil` when they are malformed or not UTF-8.
    private static func percentDecoded(_ fragment: Substring) -> String? {
        guard fragment.utf8.contains(UInt8(ascii: "%")) else { return String(fragment) }
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        let input = Array(fragment.utf8)
        var bytes: [UInt8] = []
        var i = 0
        while i < input.count {
            if input[i] == UInt8(ascii: "%") {
                guard i + 2 < input.count, let high = hex(input[i + 1]), let low = hex(input[i + 2]) else { return nil }
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(input[i])
                i += 1
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        // Invalid UTF-8 would have been replaced with U+FFFD, changing the bytes.
        return text.utf8.elementsEqual(bytes) ? text : nil
    }

    /// A JSON pointer token with `~1` and `~0` decoded, or `nil` for another `~` sequence.
    private static func unescaped(_ raw: Substring) -> String? {
        guard raw.contains("~") else { return String(raw) }
        var out = ""
        var escaping = false
        for character in raw {
            if escaping {
                switch character {
                case "0": out.append("~")
                case "1": out.append("/")
                default: return nil
                }
                escaping = false
            } else if character == "~" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return escaping ? nil : out
    }
}
