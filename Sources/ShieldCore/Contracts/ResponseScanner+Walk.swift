internal import Foundation

extension ResponseScanner {
    /// One scan's walk over a result: rebuilds only the containers on the way to a change.
    struct Walk {
        let options: Options
        var changes: [Change] = []
        var redactions = 0
        var injections = 0
        var blocked = false
        var categories: [String] = []
        var injectionPaths: [String] = []
        var path: [Component] = []

        enum Component {
            case key(String)
            case index(Int)
        }

        init(options: Options) {
            self.options = options
        }

        /// The changed value, or `nil` when `value` is unchanged.
        mutating func visit(_ value: JSONValue, isText: Bool, depth: Int) -> JSONValue? {
            guard depth < 256 else { return nil }
            switch value {
            case .string(let string):
                return visit(string: string, isText: isText)
            case .array(let elements):
                var out: [JSONValue]?
                for (index, element) in elements.enumerated() {
                    path.append(.index(index))
                    let changed = visit(element, isText: false, depth: depth + 1)
                    path.removeLast()
                    if let changed {
                        if out == nil { out = elements }
                        out![index] = changed
                    }
                }
                return out.map { .array($0) }
            case .object(let members):
                var out: [(key: String, value: JSONValue)]?
                for (index, member) in members.enumerated() {
                    if member.key == "blob" || member.key == "data", case .string(let payload) = member.value, ResponseScanner.isBase64(payload) {
                        continue
                    }
                    path.append(.key(member.key))
                    let changed = visit(member.value, isText: member.key == "text", depth: depth + 1)
                    path.removeLast()
                    if let changed {
                        if out == nil { out = members }
                        out![index].value = changed
                    }
                }
                return out.map { .object($0) }
            case .null, .bool, .number:
                return nil
            }
        }

        mutating func visit(string: String, isText: Bool) -> JSONValue? {
            var text = string
            var changed = false
            if options.redactSecrets, text.withUTF8({ SecretScanner.firstSecret(in: $0) != nil || ResponseScanner.hasURLPassword($0) }) {
                var state = Redaction.State(limits: Redaction.Limits(), budget: .max)
                let masked = state.mask(text)
                if state.redactions > 0 {
                    let location = renderedPath()
                    let found = ResponseScanner.secrets(in: text)
                    for secret in found {
                        changes.append(Change(rule: "secret.\(secret.kind)", path: location, detail: "masked a \(secret.label)"))
                    }
                    if state.redactions > found.count {
                        changes.append(Change(rule: "secret.password", path: location, detail: "masked the password in a URL"))
                    }
                    redactions += state.redactions
                    text = masked
                    changed = true
                }
            }
            if options.injection != .off {
                let matches = text.withUTF8 { InstructionScanner.scan($0, limit: 16, context: .output) }
                if !matches.isEmpty {
                    let location = renderedPath()
                    var found: [String] = []
                    for match in matches where !found.contains(match.category.rawValue) {
                        found.append(match.category.rawValue)
                        let excerpt = Excerpt.make(text, match.range, context: 30)
                        changes.append(
                            Change(rule: "injection.\(match.category.rawValue)", path: location, detail: "\(match.description): \(excerpt)"))
                        injections += 1
                        if !categories.contains(match.category.rawValue) { categories.append(match.category.rawValue) }
                    }
                    injectionPaths.append(location)
                    switch options.injection {
                    case .wrap where isText:
                        text = ResponseScanner.wrap(text, categories: found)
                        changed = true
                    case .block:
                        blocked = true
                    default:
                        break
                    }
                }
            }
            return changed ? .string(text) : nil
        }

        func renderedPath() -> String {
            var out = "$"
            for component in path {
                switch component {
                case .key(let key): out += JSONPath.member(key)
                case .index(let index): out += "[\(index)]"
                }
            }
            return out
        }
    }

    /// Whether `text` is a base64 payload (letters, digits, `+`, `/`, `=`, `-`, `_`, line breaks).
    static func isBase64(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.count >= 16
                && bytes.allSatisfy {
                    ($0 | 0x20) &- 0x61 < 26 || $0 &- 0x30 < 10 || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "=")
                        || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == 0x0A || $0 == 0x0D
                }
        }
    }

    /// Whether `bytes` may hold a URL with a password (`scheme://user:pass@host`): the cheap test
    /// before the masking pass.
    static func hasURLPassword(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        // No `@`, no password: most text has none, and memchr is vectorized.
        guard let base = bytes.baseAddress, memchr(base, Int32(UInt8(ascii: "@")), count) != nil else { return false }
        var i = 0
        while i + 3 <= count {
            // Jump to the next colon (memchr is vectorized).
            guard let found = memchr(base + i, Int32(UInt8(ascii: ":")), count - i) else { return false }
            i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
            guard i + 3 <= count, bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") else {
                i += 1
                continue
            }
            var j = i + 3
            var colon = false
            while j < count {
                let b = bytes[j]
                if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") || b <= 0x20 || b == UInt8(ascii: "\"") { break }
                if b == UInt8(ascii: ":") { colon = true }
                if b == UInt8(ascii: "@"), colon { return true }
                j += 1
            }
            i = j
        }
        return false
    }

    /// The credentials in `text`, in order, as ``Redaction`` masks them.
    static func secrets(in text: String) -> [(kind: String, label: String)] {
        var text = text
        return text.withUTF8 { buffer in
            var found: [(kind: String, label: String)] = []
            var position = 0
            while position < buffer.count {
                guard let match = SecretScanner.firstSecret(in: UnsafeBufferPointer(rebasing: buffer[position...])) else { break }
                found.append((match.kind, match.label))
                position += max(match.range.upperBound, 1)
            }
            return found
        }
    }
}
