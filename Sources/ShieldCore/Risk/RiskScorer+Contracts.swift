extension RiskScorer {
    /// Scores tool definitions as `tools/list` returns them (bare names are scored as names).
    ///
    /// Each tool is judged on:
    /// - its **name**, as ``score(_:)`` judges it;
    /// - its **description**: the first 4 KiB, split into words, matched against a vocabulary of
    ///   verbs only (`deletes`, `overwrites`, `executes`, `downloads`, `sends`, …), because nouns
    ///   turn up in passing ("returns the file's path"). Negations ("never deletes") are not
    ///   understood and still count;
    /// - its **input schema** (`inputSchema`; `input_schema` and `parameters` are read too): the
    ///   first 64 properties, at most 8 levels deep. A parameter named `command`/`cmd`/`script`
    ///   executes commands; `password`/`token`/`api_key` accesses credentials; `path`/`file`
    ///   reads the filesystem, or writes files when its own description says write, overwrite,
    ///   save, create or append; `url`/`uri`/`endpoint`, or `"format": "uri"`, fetches from the
    ///   network; enum values such as `"rm"` or `"bash"` delete data or execute commands;
    /// - its **annotations**: `destructiveHint: true` means *deletes data* (HIGH) and
    ///   `openWorldHint: true` *reaches external systems* (MEDIUM). Annotations come from the
    ///   untrusted server, so they may raise risk freely but lower it only one way:
    ///   `readOnlyHint: true` lowers by one level what the name and description imply about
    ///   writing, deleting, committing or sending — and only when no schema fact says the tool
    ///   writes. A `command` parameter stays HIGH whatever the annotations say. `false` hints,
    ///   `idempotentHint` and `title` change nothing;
    /// - its **poisoning findings**: every rule id in `findings[name]` makes the tool HIGH, with
    ///   the rule id as a reason.
    ///
    /// ```swift
    /// let helper = try JSONParser.parse(#"{"name": "helper", "inputSchema": {"properties": {"command": {"type": "string"}}}}"#)
    /// RiskScorer.score(definitions: [helper]).level  // .high
    /// ```
    ///
    /// Values that are neither a string nor an object with a string `name` are skipped; findings
    /// for tools not among `definitions` are ignored. It does not detect poisoning itself.
    ///
    /// - Parameters:
    ///   - definitions: tool definitions (objects) or bare names (strings), e.g. from
    ///     ``definitions(from:)``.
    ///   - findings: tool name → poisoning rule ids found in that tool.
    public static func score(definitions: [JSONValue], findings: [String: [String]] = [:]) -> Report {
        var assessed: [(name: String, signals: [Signal])] = []
        for definition in definitions {
            let name: String
            var signals: [Signal]
            switch definition {
            case .string(let bare):
                name = bare
                signals = nameSignals(bare)
            case .object:
                guard let named = definition["name"]?.stringValue else { continue }
                name = named
                signals = contractSignals(definition, name: named)
            default:
                continue
            }
            var rules = Set<String>()
            let poisoning = (findings[name] ?? []).filter { rules.insert($0).inserted }.map {
                Signal(level: .high, capability: "tool poisoning", reason: $0, origin: .poisoning)
            }
            signals.insert(contentsOf: poisoning, at: 0)
            assessed.append((name, signals))
        }
        return report(assessed)
    }

    /// Longest description read, in UTF-8 bytes.
    static let maxDescriptionBytes = 4096

    /// Capabilities that change the environment: what `readOnlyHint: true` speaks to.
    static let modifyingCapabilities: Set<String> = ["writes files", "deletes data", "changes repositories", "sends messages"]

    /// Verbs a description may use, by capability. Only verbs: nouns such as *file* or *shell*
    /// appear in descriptions of harmless tools too.
    static let descriptionVerbs: [(level: Level, capability: String, words: Set<String>)] = [
        (.high, "executes commands", ["execute", "executes", "executing", "exec", "spawn", "spawns", "spawning", "eval", "evaluates"]),
        (
            .high, "deletes data",
            [
                "delete", "deletes", "deleting", "remove", "removes", "removing", "erase", "erases", "wipe", "wipes", "destroy", "destroys",
                "purge", "purges", "unlink", "unlinks", "truncate", "truncates",
            ]
        ),
        (
            .high, "writes files",
            [
                "write", "writes", "writing", "overwrite", "overwrites", "overwriting", "modify", "modifies", "modifying", "edit", "edits",
                "append", "appends", "rename", "renames", "upload", "uploads", "chmod",
            ]
        ),
        (
            .medium, "fetches from the network",
            [
                "fetch", "fetches", "fetching", "download", "downloads", "browse", "browses", "navigate", "navigates", "scrape", "scrapes",
                "crawl", "crawls",
            ]
        ),
        (.medium, "changes repositories", ["push", "pushes", "commit", "commits", "merge", "merges", "rebase", "rebases"]),
        (.medium, "sends messages", ["send", "sends", "sending", "publish", "publishes", "notify", "notifies", "email", "emails"]),
    ]

    /// Every signal of one tool definition, annotations applied.
    static func contractSignals(_ definition: JSONValue, name: String) -> [Signal] {
        var signals = nameSignals(name)
        if let description = definition["description"]?.stringValue {
            signals += descriptionSignals(description)
        }
        if let schema = definition["inputSchema"] ?? definition["input_schema"] ?? definition["parameters"] {
            signals += schemaSignals(schema)
        }
        let annotations = definition["annotations"]
        if annotations?["destructiveHint"] == .bool(true) {
            signals.append(Signal(level: .high, capability: "deletes data", reason: "annotation destructiveHint", origin: .annotation))
        }
        if annotations?["openWorldHint"] == .bool(true) {
            signals.append(Signal(level: .medium, capability: "reaches external systems", reason: "annotation openWorldHint", origin: .annotation))
        }
        let schemaWrites = signals.contains { $0.origin == .schema && modifyingCapabilities.contains($0.capability) }
        if annotations?["readOnlyHint"] == .bool(true), !schemaWrites {
            signals = signals.map { signal in
                guard signal.origin == .words, modifyingCapabilities.contains(signal.capability) else { return signal }
                var lowered = signal
                lowered.level = signal.level.lowered
                lowered.reason += ", lowered by annotation readOnlyHint"
                return lowered
            }
        }
        return signals
    }

    /// One signal per capability whose verbs the description's first 4 KiB uses.
    static func descriptionSignals(_ description: String) -> [Signal] {
        let text = String(decoding: description.utf8.prefix(maxDescriptionBytes), as: UTF8.self)
        let words = Self.words(String(text.map { $0.isLetter || $0.isNumber ? $0 : " " }))
        return descriptionVerbs.compactMap { entry in
            guard let word = words.first(where: entry.words.contains) else { return nil }
            return Signal(
                level: entry.level, capability: entry.capability, reason: "description: \(JSONValue.quoted(word)) (\(entry.capability))",
                origin: .words)
        }
    }
}
