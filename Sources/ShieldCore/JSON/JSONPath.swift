/// JSON path components as every report writes them: `$.a.b[2]["odd key"]`.
public enum JSONPath {
    /// The component selecting member `key`: `.key` for identifier-like keys, else `["key"]`.
    public static func member(_ key: String) -> String {
        if let first = key.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
            key.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0) })
        {
            return "." + key
        }
        return "[" + JSONValue.quoted(key) + "]"
    }
}
