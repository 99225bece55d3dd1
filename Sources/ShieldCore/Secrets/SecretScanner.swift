internal import Foundation

/// Finds live-shaped credentials in text, gitleaks-style: a distinctive shape (prefix, alphabet,
/// length), keyword gating where the shape alone is not distinctive (AWS secret keys), an entropy
/// floor, and an allowance for documented placeholders (`AKIAIOSFODNN7EXAMPLE`).
///
/// One pass over the UTF-8 bytes, sixteen at a time; a candidate is only examined at a word start
/// whose first two bytes can open a known prefix, so prose scans at hundreds of megabytes per
/// second.
///
/// Not secrets: git SHAs, UUIDs, content hashes, public keys and certificates, placeholders.
///
/// ```swift
/// SecretScanner.firstSecret(in: "token ghp_...")?.kind  // "github-token"
/// ```
enum SecretScanner {
    struct Match: Sendable, Hashable {
        /// The rule suffix: `secret.<kind>`.
        var kind: String
        var label: String
        /// The first characters of the match, safe to show.
        var preview: String
        /// Where the credential is, in UTF-8 byte offsets of the scanned text: what a redaction
        /// replaces.
        var range: Range<Int>
    }

    /// A prefix-anchored shape: `prefix` followed by `minimum...maximum` bytes of `alphabet`.
    struct Shape: Sendable {
        var prefix: [UInt8]
        var kind: String
        var label: String
        var alphabet: Alphabet
        var minimum: Int
        var maximum: Int
        var minimumEntropy: Double
        /// An infix the body must contain (OpenAI's legacy `T3BlbkFJ`), if any.
        var infix: [UInt8]? = nil
    }

    enum Alphabet: Sendable {
        case alphanumeric, base62Underscore, urlSafe, upperBase32, slackBody, base64

        func contains(_ b: UInt8) -> Bool {
            let alnum = b.isASCIILetter || b &- 48 < 10
            switch self {
            case .alphanumeric: return alnum
            case .base62Underscore: return alnum || b == UInt8(ascii: "_")
            case .urlSafe: return alnum || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            case .upperBase32: return (b &- UInt8(ascii: "A") < 26) || (b &- UInt8(ascii: "2") < 6)
            case .slackBody: return alnum || b == UInt8(ascii: "-")
            case .base64: return alnum || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=")
            }
        }
    }

    static let shapes: [Shape] = [
        Shape(
            prefix: Array("AKIA".utf8), kind: "aws-access-key", label: "AWS access key id", alphabet: .upperBase32, minimum: 16, maximum: 16,
            minimumEntropy: 2.5),
        Shape(
            prefix: Array("ASIA".utf8), kind: "aws-access-key", label: "AWS temporary access key id", alphabet: .upperBase32, minimum: 16,
            maximum: 16, minimumEntropy: 2.5),
        Shape(
            prefix: Array("ABIA".utf8), kind: "aws-access-key", label: "AWS STS key id", alphabet: .upperBase32, minimum: 16, maximum: 16,
            minimumEntropy: 2.5),
        Shape(
            prefix: Array("ACCA".utf8), kind: "aws-access-key", label: "AWS context key id", alphabet: .upperBase32, minimum: 16, maximum: 16,
            minimumEntropy: 2.5),
        Shape(
            prefix: Array("AIza".utf8), kind: "google-api-key", label: "Google API key", alphabet: .urlSafe, minimum: 35, maximum: 35,
            minimumEntropy: 3.5),
        Shape(
            prefix: Array("ghp_".utf8), kind: "github-token", label: "GitHub personal access token", alphabet: .alphanumeric, minimum: 36,
            maximum: 40, minimumEntropy: 3.5),
        Shape(
            prefix: Array("gho_".utf8), kind: "github-token", label: "GitHub OAuth token", alphabet: .alphanumeric, minimum: 36, maximum: 40,
            minimumEntropy: 3.5),
        Shape(
            prefix: Array("ghu_".utf8), kind: "github-token", label: "GitHub user-to-server token", alphabet: .alphanumeric, minimum: 36, maximum: 40,
            minimumEntropy: 3.5),
        Shape(
            prefix: Array("ghs_".utf8), kind: "github-token", label: "GitHub server-to-server token", alphabet: .alphanumeric, minimum: 36,
            maximum: 40, minimumEntropy: 3.5),
        Shape(
            prefix: Array("ghr_".utf8), kind: "github-token", label: "GitHub refresh token", alphabet: .alphanumeric, minimum: 36, maximum: 80,
            minimumEntropy: 3.5),
        Shape(
            prefix: Array("github_pat_".utf8), kind: "github-token", label: "GitHub fine-grained token", alphabet: .base62Underscore, minimum: 70,
            maximum: 100, minimumEntropy: 3.5),
        Shape(
            prefix: Array("glpat-".utf8), kind: "gitlab-token", label: "GitLab personal access token", alphabet: .urlSafe, minimum: 20, maximum: 64,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("xoxb-".utf8), kind: "slack-token", label: "Slack bot token", alphabet: .slackBody, minimum: 24, maximum: 200,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("xoxp-".utf8), kind: "slack-token", label: "Slack user token", alphabet: .slackBody, minimum: 24, maximum: 200,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("xoxa-".utf8), kind: "slack-token", label: "Slack app token", alphabet: .slackBody, minimum: 24, maximum: 200,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("xoxr-".utf8), kind: "slack-token", label: "Slack refresh token", alphabet: .slackBody, minimum: 24, maximum: 200,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("xoxs-".utf8), kind: "slack-token", label: "Slack session token", alphabet: .slackBody, minimum: 24, maximum: 200,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("xoxe-".utf8), kind: "slack-token", label: "Slack rotating token", alphabet: .slackBody, minimum: 24, maximum: 200,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("sk_live_".utf8), kind: "stripe-key", label: "Stripe live secret key", alphabet: .alphanumeric, minimum: 24, maximum: 247,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("rk_live_".utf8), kind: "stripe-key", label: "Stripe live restricted key", alphabet: .alphanumeric, minimum: 24,
            maximum: 247, minimumEntropy: 3.0),
        Shape(
            prefix: Array("sk_test_".utf8), kind: "stripe-key", label: "Stripe test secret key", alphabet: .alphanumeric, minimum: 24, maximum: 247,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("rk_test_".utf8), kind: "stripe-key", label: "Stripe test restricted key", alphabet: .alphanumeric, minimum: 24,
            maximum: 247, minimumEntropy: 3.0),
        Shape(
            prefix: Array("sk-ant-".utf8), kind: "anthropic-key", label: "Anthropic API key", alphabet: .urlSafe, minimum: 80, maximum: 200,
            minimumEntropy: 3.5),
        Shape(
            prefix: Array("sk-proj-".utf8), kind: "openai-key", label: "OpenAI project key", alphabet: .urlSafe, minimum: 40, maximum: 300,
            minimumEntropy: 3.5),
        Shape(
            prefix: Array("sk-svcacct-".utf8), kind: "openai-key", label: "OpenAI service-account key", alphabet: .urlSafe, minimum: 40, maximum: 300,
            minimumEntropy: 3.5),
        Shape(
            prefix: Array("sk-admin-".utf8), kind: "openai-key", label: "OpenAI admin key", alphabet: .urlSafe, minimum: 40, maximum: 300,
            minimumEntropy: 3.5),
        Shape(
            prefix: Array("sk-".utf8), kind: "openai-key", label: "OpenAI API key", alphabet: .alphanumeric, minimum: 48, maximum: 48,
            minimumEntropy: 3.5, infix: Array("T3BlbkFJ".utf8)),
        Shape(
            prefix: Array("ya29.".utf8), kind: "google-oauth-token", label: "Google OAuth access token", alphabet: .urlSafe, minimum: 60,
            maximum: 2048, minimumEntropy: 3.5),
        Shape(
            prefix: Array("npm_".utf8), kind: "npm-token", label: "npm access token", alphabet: .alphanumeric, minimum: 36, maximum: 36,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("hf_".utf8), kind: "huggingface-token", label: "Hugging Face token", alphabet: .alphanumeric, minimum: 34, maximum: 40,
            minimumEntropy: 3.5),
        Shape(
            prefix: Array("pypi-AgEIcHlwaS5vcmc".utf8), kind: "pypi-token", label: "PyPI API token", alphabet: .urlSafe, minimum: 50, maximum: 300,
            minimumEntropy: 3.5),
        Shape(
            prefix: Array("xapp-".utf8), kind: "slack-token", label: "Slack app-level token", alphabet: .slackBody, minimum: 24, maximum: 200,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("dop_v1_".utf8), kind: "digitalocean-token", label: "DigitalOcean token", alphabet: .alphanumeric, minimum: 64, maximum: 64,
            minimumEntropy: 3.0),
        Shape(
            prefix: Array("doo_v1_".utf8), kind: "digitalocean-token", label: "DigitalOcean OAuth token", alphabet: .alphanumeric, minimum: 64,
            maximum: 64, minimumEntropy: 3.0),
        Shape(
            prefix: Array("AccountKey=".utf8), kind: "azure-storage-key", label: "Azure storage account key", alphabet: .base64, minimum: 80,
            maximum: 100, minimumEntropy: 4.0),
        Shape(
            prefix: Array("glptt-".utf8), kind: "gitlab-token", label: "GitLab pipeline trigger token", alphabet: .urlSafe, minimum: 20, maximum: 64,
            minimumEntropy: 3.0),
    ]

    /// Shapes indexed by their first byte.
    static let shapesByFirstByte: [[Shape]] = {
        var table = [[Shape]](repeating: [], count: 256)
        for shape in shapes { table[Int(shape.prefix[0])].append(shape) }
        return table
    }()

    /// The two-byte openings worth a closer look at a word start (a shape's first two bytes, `BE`
    /// of a private key's `-----BEGIN`, `ey` of a JWT, `ho` of a Slack webhook host, `SG` of a
    /// SendGrid key, `di` of a Discord webhook host), as a bitset indexed by `first << 8 | second`:
    /// prose starts many words with a shape's first letter, and very few with its first two.
    static let interestingPairs: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 65536 / 64)
        func insert(_ a: UInt8, _ b: UInt8) {
            let index = Int(a) << 8 | Int(b)
            bits[index >> 6] |= 1 << UInt64(index & 63)
        }
        for shape in shapes { insert(shape.prefix[0], shape.prefix[1]) }
        for pair in ["BE", "ey", "ho", "SG", "di"] {
            let bytes = Array(pair.utf8)
            insert(bytes[0], bytes[1])
        }
        return bits
    }()

    /// The fewest bytes of each part of a JSON Web Token (header, payload, signature).
    static let jwtMinimumParts = (header: 10, payload: 10, signature: 16)

    /// The fewest bytes a credential can take: the shortest shape (an AWS access key id, `AKIA`
    /// and 16) or the shortest of the others (a JSON Web Token, its parts and two dots; an AWS
    /// secret key is 40, private keys, webhooks and SendGrid keys are longer). A shorter text,
    /// such as most JSON keys and paths, holds none and is not scanned. A new matcher in
    /// ``examine(_:at:noJWTBefore:)`` that can match fewer bytes must lower this bound.
    ///
    /// A literal, so that reading it costs no lazy-initialization check on every key and value;
    /// a test checks it against ``shortestCredentialOfMatchers``.
    static let shortestCredential = 20

    /// The bound worked out from the shapes and the JSON Web Token's parts.
    static var shortestCredentialOfMatchers: Int {
        min(
            shapes.map { $0.prefix.count + $0.minimum }.min()!,
            jwtMinimumParts.header + 1 + jwtMinimumParts.payload + 1 + jwtMinimumParts.signature)
    }

    /// The first credential in `text`, or `nil`.
    ///
    /// - Parameter keyMentionsSecret: the JSON key holding `text` names a secret
    ///   (`AWS_SECRET_ACCESS_KEY`), which satisfies the keyword gate of shapes that need one.
    static func firstSecret(in text: String, keyMentionsSecret: Bool = false) -> Match? {
        text.withUTF8Bytes { firstSecret(in: $0, keyMentionsSecret: keyMentionsSecret) }
    }

    /// The first credential in `bytes`, or `nil`.
    ///
    /// Every credential starts at a word start (a letter, digit or `_` after a byte that is none
    /// of those), or is an AWS secret key: a run of exactly 40 base64 bytes. The loop finds both
    /// sixteen bytes at a time (``ByteLanes``), 64 bytes to a block, and looks closer only at a
    /// word start whose first two bytes open something (``openingLetters``, then
    /// ``interestingPairs``) and at the end of
    /// a 40-byte run, in the order they appear in the text.
    static func firstSecret(in bytes: UnsafeBufferPointer<UInt8>, keyMentionsSecret: Bool = false) -> Match? {
        guard bytes.count >= shortestCredential, let start = bytes.baseAddress else { return nil }
        let base = UnsafeRawPointer(start)
        let count = bytes.count
        return interestingPairs.withUnsafeBufferPointer { pairs -> Match? in
            var block = 0
            // The length of the run of base64 bytes ending before the chunk.
            var run = 0
            // Bit 0 set when the byte before the block is a word byte.
            var wordBefore: UInt64 = 0
            var noJWTBefore = 0
            while block < count {
                // Bit k stands for the byte at block + k.
                var words: UInt64 = 0
                var openings: UInt64 = 0
                var runEnds: UInt64 = 0
                @inline(__always) func classifyChunk(_ chunk: Int) {
                    let found = classify(ByteLanes.load(base, block + chunk * 16, count: count))
                    words |= found.words &<< UInt64(chunk * 16)
                    openings |= found.openings &<< UInt64(chunk * 16)
                    // Only the run reaching the chunk's first stop can be 40 bytes long. The
                    // lanes past the text's end are zero, a stop, so a run ending the text is
                    // seen here too.
                    let stops = ~found.base64 & 0xFFFF
                    let first = stops.trailingZeroBitCount
                    let ends = stops != 0 && run + first == 40
                    runEnds |= UInt64(ends ? 1 : 0) &<< UInt64(chunk * 16 + first)
                    run = stops == 0 ? run + 16 : stops.leadingZeroBitCount - 48
                }
                if block + 64 <= count {
                    for chunk in 0..<4 { classifyChunk(chunk) }
                } else {
                    // The last, short block: a chunk that starts at or past the text's end holds
                    // nothing (a run that ends the text is seen by the last chunk's zero lanes,
                    // or after the loop).
                    for chunk in 0..<((count - block + 15) / 16) { classifyChunk(chunk) }
                }
                let starts = words & ~((words << 1) | wordBefore) & openings
                wordBefore = words >> 63
                var candidates = starts | runEnds
                while candidates != 0 {
                    let k = candidates.trailingZeroBitCount
                    candidates &= candidates &- 1
                    let i = block + k
                    if runEnds & (1 << UInt64(k)) != 0,
                        let match = awsSecretKey(bytes, i - 40, i, keyMentionsSecret: keyMentionsSecret)
                    {
                        return match
                    }
                    guard starts & (1 << UInt64(k)) != 0 else { continue }
                    // The byte and the one after it (0 after the last), as `first << 8 | second`.
                    let pair = i + 1 < count ? Int(UInt16(bigEndian: base.loadUnaligned(fromByteOffset: i, as: UInt16.self))) : Int(bytes[i]) << 8
                    if pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0, let match = examine(bytes, at: i, noJWTBefore: &noJWTBefore) {
                        return match
                    }
                }
                block += 64
            }
            // A text whose length is a multiple of sixteen has no lane past its end.
            if run == 40, let match = awsSecretKey(bytes, count - 40, count, keyMentionsSecret: keyMentionsSecret) {
                return match
            }
            return nil
        }
    }

    /// The letters that open every pair in ``interestingPairs``, ASCII case folded (a test
    /// checks that they do): a word starting with another byte is not looked at.
    static let openingLetters = Array("abdeghnprsxy".utf8)

    /// Among sixteen bytes `x`, bit `i` standing for `x`'s byte `i`: the word bytes, the base64
    /// bytes, and the bytes that are one of ``openingLetters``. Branch-free.
    @inline(__always) static func classify(_ x: ByteLanes.Chunk) -> (words: UInt64, base64: UInt64, openings: UInt64) {
        let alphanumerics = ByteLanes.letters(x) | ByteLanes.digits(x)
        // `+` (0x2B) and `/` (0x2F) differ only in bit 2.
        let base64 = alphanumerics | ByteLanes.lanes(x & 0xFB, equalTo: 0x2B)
        // Written out, so that the compiler keeps the constants in registers.
        let folded = x | 0x20
        let openings =
            ByteLanes.lanes(folded, equalTo: 0x61) | ByteLanes.lanes(folded, equalTo: 0x62) | ByteLanes.lanes(folded, equalTo: 0x64)
            | ByteLanes.lanes(folded, equalTo: 0x65) | ByteLanes.lanes(folded, equalTo: 0x67) | ByteLanes.lanes(folded, equalTo: 0x68)
            | ByteLanes.lanes(folded, equalTo: 0x6E) | ByteLanes.lanes(folded, equalTo: 0x70) | ByteLanes.lanes(folded, equalTo: 0x72)
            | ByteLanes.lanes(folded, equalTo: 0x73) | ByteLanes.lanes(folded, equalTo: 0x78) | ByteLanes.lanes(folded, equalTo: 0x79)
        return (ByteLanes.bits(alphanumerics | ByteLanes.lanes(x, equalTo: 0x5F)), ByteLanes.bits(base64), ByteLanes.bits(openings))
    }

    /// Looks closer at a word start at `i`.
    static func examine(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, noJWTBefore: inout Int) -> Match? {
        let byte = bytes[i]
        let next = i + 1 < bytes.count ? bytes[i + 1] : 0
        switch byte {
        case UInt8(ascii: "B") where next == UInt8(ascii: "E"):
            // The `BEGIN` of `-----BEGIN … PRIVATE KEY-----`.
            if i >= 5, let match = privateKey(bytes, at: i - 5) { return match }
        case UInt8(ascii: "e") where next == UInt8(ascii: "y") && i >= noJWTBefore:
            if let match = jwt(bytes, at: i, noJWTBefore: &noJWTBefore) { return match }
        case UInt8(ascii: "h") where next == UInt8(ascii: "o"):
            if let match = slackWebhook(bytes, at: i) { return match }
        case UInt8(ascii: "S") where next == UInt8(ascii: "G"):
            if let match = sendGridKey(bytes, at: i) { return match }
        case UInt8(ascii: "d") where next == UInt8(ascii: "i"):
            if let match = discordWebhook(bytes, at: i) { return match }
        default:
            break
        }
        // By index, matching the prefix in place: a loop over the shapes would copy each one
        // (and retain its strings) before its prefix could rule it out.
        let candidates = shapesByFirstByte[Int(byte)]
        for index in candidates.indices where hasPrefix(bytes, candidates[index].prefix, at: i) {
            if let match = match(candidates[index], bytes, at: i) { return match }
        }
        return nil
    }

    // MARK: - Shapes

    static func match(_ shape: Shape, _ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Match? {
        guard hasPrefix(bytes, shape.prefix, at: start) else { return nil }
        let bodyStart = start + shape.prefix.count
        var end = bodyStart
        while end < bytes.count, end - bodyStart <= shape.maximum, shape.alphabet.contains(bytes[end]) { end += 1 }
        let length = end - bodyStart
        guard length >= shape.minimum, length <= shape.maximum else { return nil }
        if end < bytes.count, isWordByte(bytes[end]) { return nil }
        let body = UnsafeBufferPointer(rebasing: bytes[bodyStart..<end])
        if let infix = shape.infix, !contains(body, infix) { return nil }
        guard entropy(body) >= shape.minimumEntropy, !isPlaceholder(body) else { return nil }
        return Match(kind: shape.kind, label: shape.label, preview: preview(bytes, start, end), range: start..<end)
    }

    /// `-----BEGIN … PRIVATE KEY-----` followed by a key body.
    static func privateKey(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Match? {
        let begin = Self.privateKeyPrefix
        guard hasPrefix(bytes, begin, at: start) else { return nil }
        var end = start + begin.count
        let labelLimit = min(bytes.count, end + 40)
        while end < labelLimit, bytes[end] != UInt8(ascii: "-") { end += 1 }
        let label = String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + begin.count)..<end]), as: UTF8.self)
        guard label.hasSuffix("PRIVATE KEY") || label.hasSuffix("PRIVATE KEY BLOCK"), hasPrefix(bytes, Self.dashes, at: end)
        else { return nil }
        // A key body: at least 40 base64 characters soon after the header (escaped newlines allowed).
        var body = 0
        var j = end + 5
        let limit = min(bytes.count, j + 400)
        while j < limit, body < 40 {
            let b = bytes[j]
            if isBase64Byte(b) { body += 1 } else if b == UInt8(ascii: "-") { break }
            j += 1
        }
        guard body >= 40 else { return nil }
        // The whole block up to its END line, or the rest of the text when that is missing.
        var blockEnd = bytes.count
        var k = j
        while k + Self.privateKeyEnd.count <= bytes.count {
            if hasPrefix(bytes, Self.privateKeyEnd, at: k) {
                var m = k + Self.privateKeyEnd.count
                while m < bytes.count, bytes[m] != UInt8(ascii: "-") { m += 1 }
                blockEnd = min(bytes.count, m + Self.dashes.count)
                break
            }
            k += 1
        }
        return Match(kind: "private-key", label: "\(label.lowercased())", preview: "-----BEGIN \(label)-----", range: start..<blockEnd)
    }

    /// A JSON Web Token: three base64url parts, the first two JSON objects (`eyJ`).
    ///
    /// Whatever the outcome, no other token can start inside the first part, so `noJWTBefore`
    /// moves past it: scanning stays linear on inputs like `-eyJ-eyJ-eyJ…`.
    static func jwt(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, noJWTBefore: inout Int) -> Match? {
        guard hasPrefix(bytes, Self.jwtPrefix, at: start) else { return nil }
        var j = start
        var parts: [Int] = []
        var partStart = j
        while j <= bytes.count {
            let b = j < bytes.count ? bytes[j] : 0
            if Alphabet.urlSafe.contains(b) {
                j += 1
                continue
            }
            parts.append(j - partStart)
            // Every later start inside this first part sees the same second and third parts and
            // a shorter first one: if this start fails, they all do.
            if parts.count == 1 { noJWTBefore = j }
            if b == UInt8(ascii: "."), parts.count < 3 {
                j += 1
                partStart = j
                continue
            }
            break
        }
        let minimum = Self.jwtMinimumParts
        guard parts.count == 3, parts[0] >= minimum.header, parts[1] >= minimum.payload, parts[2] >= minimum.signature,
            hasPrefix(bytes, Self.jwtPrefix, at: start + parts[0] + 1)
        else { return nil }
        return Match(kind: "jwt", label: "JSON Web Token", preview: preview(bytes, start, j), range: start..<j)
    }

    /// `hooks.slack.com/services/T…/B…/…`.
    static func slackWebhook(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Match? {
        let prefix = Self.slackWebhookPrefix
        guard hasPrefix(bytes, prefix, at: start) else { return nil }
        var j = start + prefix.count
        var parts: [Int] = []
        var partStart = j
        while j <= bytes.count {
            let b = j < bytes.count ? bytes[j] : 0
            if Alphabet.base62Underscore.contains(b) {
                j += 1
                continue
            }
            parts.append(j - partStart)
            if b == UInt8(ascii: "/"), parts.count < 3 {
                j += 1
                partStart = j
                continue
            }
            break
        }
        guard parts.count == 3, parts[0] >= 8, parts[1] >= 8, parts[2] >= 20 else { return nil }
        let secret = UnsafeBufferPointer(rebasing: bytes[(j - parts[2])..<j])
        guard entropy(secret) >= 3.0, !isPlaceholder(secret) else { return nil }
        return Match(kind: "slack-webhook", label: "Slack incoming webhook URL", preview: "hooks.slack.com/services/…", range: start..<j)
    }

    /// `SG.` + 22 + `.` + 43 base64url characters.
    static func sendGridKey(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Match? {
        guard hasPrefix(bytes, Self.sendGridPrefix, at: start) else { return nil }
        var j = start + 3
        var lengths: [Int] = []
        var partStart = j
        while j <= bytes.count, lengths.count < 2 {
            let b = j < bytes.count ? bytes[j] : 0
            if Alphabet.urlSafe.contains(b), j - partStart < 64 {
                j += 1
                continue
            }
            lengths.append(j - partStart)
            guard b == UInt8(ascii: "."), lengths.count < 2 else { break }
            j += 1
            partStart = j
        }
        guard lengths == [22, 43] else { return nil }
        let body = UnsafeBufferPointer(rebasing: bytes[(start + 3)..<j])
        guard entropy(body) >= 3.5, !isPlaceholder(body) else { return nil }
        return Match(kind: "sendgrid-key", label: "SendGrid API key", preview: preview(bytes, start, j), range: start..<j)
    }

    /// `discord.com/api/webhooks/ID/TOKEN` (also `discordapp.com`).
    static func discordWebhook(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Match? {
        let prefix: [UInt8]
        if hasPrefix(bytes, Self.discordPrefix, at: start) {
            prefix = Self.discordPrefix
        } else if hasPrefix(bytes, Self.discordAppPrefix, at: start) {
            prefix = Self.discordAppPrefix
        } else {
            return nil
        }
        var j = start + prefix.count
        let idStart = j
        while j < bytes.count, bytes[j] &- 48 < 10, j - idStart < 24 { j += 1 }
        guard j - idStart >= 15, j < bytes.count, bytes[j] == UInt8(ascii: "/") else { return nil }
        j += 1
        let tokenStart = j
        while j < bytes.count, Alphabet.urlSafe.contains(bytes[j]), j - tokenStart < 100 { j += 1 }
        let token = UnsafeBufferPointer(rebasing: bytes[tokenStart..<j])
        guard token.count >= 60, entropy(token) >= 3.5, !isPlaceholder(token) else { return nil }
        return Match(kind: "discord-webhook", label: "Discord webhook URL", preview: "discord.com/api/webhooks/…", range: start..<j)
    }

    /// A 40-character base64 run near an AWS secret keyword.
    static func awsSecretKey(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, keyMentionsSecret: Bool) -> Match? {
        let body = UnsafeBufferPointer(rebasing: bytes[start..<end])
        // Hex-only runs are git SHAs and digests.
        if body.allSatisfy({ $0.isHexDigit }) { return nil }
        var hasUpper = false, hasLower = false, hasDigit = false
        for b in body {
            if b &- UInt8(ascii: "A") < 26 {
                hasUpper = true
            } else if b &- UInt8(ascii: "a") < 26 {
                hasLower = true
            } else if b &- 48 < 10 {
                hasDigit = true
            }
        }
        guard hasUpper, hasLower, hasDigit, entropy(body) >= 4.0, !isPlaceholder(body) else { return nil }
        // Keyword gate: "secret" (any case, any separator) in the 80 bytes before.
        let windowStart = max(0, start - 80)
        var window = [UInt8]()
        for b in bytes[windowStart..<start] where b.isASCIILetter { window.append(b | 0x20) }
        guard keyMentionsSecret || window.withUnsafeBufferPointer({ contains($0, Self.secretKeyword) }) else { return nil }
        return Match(kind: "aws-secret-key", label: "AWS secret access key", preview: preview(bytes, start, end), range: start..<end)
    }

    // MARK: - Helpers

    static let privateKeyPrefix = Array("-----BEGIN ".utf8)
    static let privateKeyEnd = Array("-----END ".utf8)
    static let dashes = Array("-----".utf8)
    static let jwtPrefix = Array("eyJ".utf8)
    static let slackWebhookPrefix = Array("hooks.slack.com/services/".utf8)
    static let secretKeyword = Array("secret".utf8)
    static let sendGridPrefix = Array("SG.".utf8)
    static let discordPrefix = Array("discord.com/api/webhooks/".utf8)
    static let discordAppPrefix = Array("discordapp.com/api/webhooks/".utf8)

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8], at start: Int) -> Bool {
        guard start + prefix.count <= bytes.count else { return false }
        for k in 0..<prefix.count where bytes[start + k] != prefix[k] { return false }
        return true
    }

    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        needle.withUnsafeBufferPointer { ByteSearch.search(haystack, $0, foldASCIICase: false) }
    }

    static func isWordByte(_ b: UInt8) -> Bool {
        b.isASCIILetter || b &- 48 < 10 || b == UInt8(ascii: "_")
    }

    static func isBase64Byte(_ b: UInt8) -> Bool {
        b.isASCIILetter || b &- 48 < 10 || b == UInt8(ascii: "+") || b == UInt8(ascii: "/")
    }

    /// Shannon entropy in bits per byte.
    static func entropy(_ body: UnsafeBufferPointer<UInt8>) -> Double {
        guard !body.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for b in body { counts[Int(b)] += 1 }
        let n = Double(body.count)
        var h = 0.0
        for c in counts where c > 0 {
            let p = Double(c) / n
            h -= p * log2(p)
        }
        return h
    }

    /// Documented example values and obvious fillers.
    static func isPlaceholder(_ body: UnsafeBufferPointer<UInt8>) -> Bool {
        let lowered = body.map { $0 | 0x20 }
        return lowered.withUnsafeBufferPointer { lower in
            for word in ["example", "xxxxxxxx", "placeholder", "your", "redacted", "dummy", "00000000", "12345678"]
            where contains(lower, Array(word.utf8)) {
                return true
            }
            return false
        }
    }

    static func preview(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let shown = min(end - start, 8)
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(start + shown)]), as: UTF8.self) + "…"
    }
}
