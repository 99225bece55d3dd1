import Testing

@testable import ShieldCore

@Suite struct RedactionTests {
    @Test func credentialsAreMaskedInPlace() {
        let token = "ghp_4fR9zT2qLm8VxW1cK7bN3yH6pD0sJ5aE2gUi"
        let result = Redaction.redact(.object([("note", .string("use \(token) then \(token).")), ("n", .number("3"))]))
        #expect(result.value["note"] == .string("use [REDACTED:github-token] then [REDACTED:github-token]."))
        #expect(result.value["n"] == .number("3"))
        #expect(result.redactions == 2)
        #expect(!result.truncated)
    }

    @Test func privateKeyBlocksAreMaskedWhole() {
        let key =
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQ\n-----END OPENSSH PRIVATE KEY-----\n"
        let masked = Redaction.redactSecrets(in: "key: " + key + "done")
        #expect(masked.text == "key: [REDACTED:private-key]\ndone")
    }

    @Test func secretNamedKeysAreMaskedWhatever_theyHold() {
        let result = Redaction.redact(
            .object([
                ("password", .string("hunter2")), ("Authorization", .string("Bearer abc")), ("client-secret", .number("42")),
                ("nested", .object([("api_key", .array([.string("x")]))])), ("token", .null), ("tokenizer", .string("bpe")),
            ]))
        #expect(result.value["password"] == .string("[REDACTED:key]"))
        #expect(result.value["Authorization"] == .string("[REDACTED:key]"))
        #expect(result.value["client-secret"] == .string("[REDACTED:key]"))
        #expect(result.value["nested"]?["api_key"] == .string("[REDACTED:key]"))
        #expect(result.value["token"] == .null)
        // Over-masking is the safe side: "tokenizer" names a token too.
        #expect(result.value["tokenizer"] == .string("[REDACTED:key]"))
    }

    @Test func secretsInKeysAreMasked() {
        let token = "ghp_R8kLmN3pQ7sT1vX5zB9dF2hJ6wY4cA0eG8iK"
        let result = Redaction.redact(.object([(token, .string("x"))]))
        #expect(!result.value.jsonText.contains("ghp_R8kL"))
        #expect(result.value.jsonText.contains("[REDACTED:github-token]"))
    }

    @Test func urlPasswordsAreMasked() {
        let masked = Redaction.redactSecrets(in: "clone https://alice:s3cr3t@git.example.com/repo and ftp://bob@host/")
        #expect(masked.text == "clone https://alice:[REDACTED:password]@git.example.com/repo and ftp://bob@host/")
        #expect(masked.redactions == 1)
    }

    @Test func copiesAreSizeCapped() {
        let long = String(repeating: "é", count: 1000)  // 2000 bytes
        let result = Redaction.redact(.object([("body", .string(long))]))
        guard case .string(let body)? = result.value["body"] else {
            Issue.record("body is not a string")
            return
        }
        #expect(body.hasPrefix(String(repeating: "é", count: 256)))
        #expect(body.hasSuffix("…[TRUNCATED: 2000 bytes]"))
        #expect(result.truncated)

        let wide = Redaction.redact(.array((0..<500).map { .number(String($0)) }))
        guard case .array(let elements) = wide.value else {
            Issue.record("not an array")
            return
        }
        #expect(elements.count == 65)
        #expect(elements.last == .string("[TRUNCATED: 436 more elements]"))

        var deep = JSONValue.string("bottom")
        for _ in 0..<40 { deep = .array([deep]) }
        let cut = Redaction.redact(deep)
        #expect(cut.truncated)
        #expect(cut.value.jsonText.contains("[TRUNCATED: nested deeper than 16]"))

        // The whole copy stays near its budget however large the input.
        let huge = Redaction.redact(.object((0..<60).map { ("k\($0)", .string(String(repeating: "x", count: 400))) }))
        #expect(huge.value.jsonText.utf8.count < 10_000)
        #expect(huge.truncated)
    }

    @Test func aSecretAcrossTheCutIsStillMasked() {
        let token = "ghp_4fR9zT2qLm8VxW1cK7bN3yH6pD0sJ5aE2gUi"
        let text = String(repeating: "a ", count: 250) + token
        let result = Redaction.redact(.string(text))
        #expect(!(result.value.stringValue ?? "").contains("ghp_4fR9zT2q"))
        #expect(!(result.value.stringValue ?? "").contains("4fR9zT2qLm8V"))
    }
}
