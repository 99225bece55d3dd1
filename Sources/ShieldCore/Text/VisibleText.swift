/// Text from clients and servers made safe to print on a terminal or in a log.
public enum VisibleText {
    /// `text` with control characters (C0, DEL, C1, which include the escape sequences that
    /// recolour, retitle or rewrite a terminal) and format characters (bidirectional overrides,
    /// zero-width characters, Unicode Tags) written as `\u{…}`: a name or a poisoned definition
    /// must show what it hides.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || (0x7f...0x9f).contains(v) || scalar.properties.generalCategory == .format {
                out += "\\u{\(String(v, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
