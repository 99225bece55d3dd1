/// Decisions on requests a server sends to the client (the proxy asks; the policy's
/// `server_requests` answers): `sampling/createMessage`, `elicitation/create`, `roots/list`.
extension DecisionEngine {
    /// The decision on a server-to-client request, or `nil` for a method the policy does not
    /// govern (it passes).
    ///
    /// An elicitation that asks the user for a credential (a password, token, key… in its
    /// message or its requested fields, or any URL-mode elicitation, which sends the user to a
    /// page) is refused unless the policy allows credential elicitation. The check is a word
    /// heuristic: `elicitation: deny` is the strong setting.
    public func evaluateServerRequest(method: String, params: JSONValue?) -> Decision? {
        let rules = policy.serverRequests
        func deny(_ rule: String, _ reason: String) -> Decision { Decision(verdict: .block, reason: reason, rule: rule) }
        switch method {
        case "sampling/createMessage":
            return rules.sampling ? .allow : deny("server-request.sampling", "the policy does not let servers use the client's model (sampling)")
        case "roots/list":
            return rules.roots ? .allow : deny("server-request.roots", "the policy does not let servers list the client's roots")
        case "elicitation/create":
            if !rules.elicitation {
                return deny("server-request.elicitation", "the policy does not let servers ask the user for input (elicitation)")
            }
            if !rules.elicitationSecrets, let asked = Self.credentialRequested(params) {
                return deny("server-request.elicitation-secret", "the server asks the user for a credential (\(asked))")
            }
            return .allow
        default:
            return nil
        }
    }

    /// Words that name a credential, in an elicitation's message or requested fields.
    static let credentialWords: Set<String> = [
        "password", "passwords", "passphrase", "passcode", "token", "tokens", "secret", "secrets", "credential", "credentials", "apikey",
        "otp", "2fa", "mfa", "totp", "pin", "cvv", "ssn", "pat", "passwd", "login", "signin", "kennwort", "passwort", "contraseña", "senha",
    ]
    static let credentialPhrases: [[String]] = [
        ["api", "key"], ["private", "key"], ["access", "key"], ["secret", "key"], ["ssh", "key"], ["recovery", "code"],
        ["security", "code"], ["verification", "code"], ["one", "time", "code"], ["card", "number"], ["sign", "in"], ["log", "in"],
        ["mot", "de", "passe"],
    ]

    /// What credential an `elicitation/create` asks for, if any: in its message, or in the names,
    /// titles and descriptions of the fields of its requested schema (or a field with
    /// `format: password`).
    static func credentialRequested(_ params: JSONValue?) -> String? {
        guard let params else { return nil }
        // URL-mode elicitation sends the user to a page: where credentials are typed. Declined
        // unless the policy allows credential elicitation.
        if params["mode"] == .string("url") || params["url"] != nil { return "a URL to open" }
        var texts: [String] = []
        if case .string(let message)? = params["message"] { texts.append(message) }
        if case .object(let properties)? = params["requestedSchema"]?["properties"] {
            for (name, schema) in properties {
                if Redaction.keyNamesSecret(name) { return "field \(JSONValue.quoted(name))" }
                if case .string("password")? = schema["format"] { return "field \(JSONValue.quoted(name)) of format password" }
                texts.append(name)
                for key in ["title", "description"] { if case .string(let text)? = schema[key] { texts.append(text) } }
            }
        }
        for text in texts {
            let words = Self.words(text)
            if let word = words.first(where: credentialWords.contains) { return JSONValue.quoted(word) }
            for phrase in credentialPhrases where words.count >= phrase.count {
                for start in 0...(words.count - phrase.count) where Array(words[start..<(start + phrase.count)]) == phrase {
                    return JSONValue.quoted(phrase.joined(separator: " "))
                }
            }
        }
        return nil
    }

    /// Lower-case words: letters and digits, split at everything else and at camelCase humps.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for scalar in text.unicodeScalars {
            let isAlnum = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            guard isAlnum else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLower = false
                continue
            }
            if scalar.properties.isUppercase, previousLower, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current += scalar.properties.lowercaseMapping
            previousLower = scalar.properties.isLowercase
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
