import Testing

@testable import ShieldCore

/// The secret scanner's eight-bytes-at-a-time loop against a byte-at-a-time reference that
/// examines every word start and every end of a base64 run: both must report the same first
/// credential, wherever the text starts relative to an eight-byte chunk.
@Suite struct SecretScannerTests {
    /// One byte at a time, no prefilter: `examine` at every word start, the AWS check at every
    /// end of a 40-byte base64 run, in text order.
    static func reference(_ bytes: UnsafeBufferPointer<UInt8>, keyMentionsSecret: Bool) -> SecretScanner.Match? {
        var run = 0
        var noJWTBefore = 0
        for i in 0...bytes.count {
            let byte: UInt8 = i < bytes.count ? bytes[i] : 0
            let isBase64 = SecretScanner.isBase64Byte(byte)
            if !isBase64, run == 40, let match = SecretScanner.awsSecretKey(bytes, i - 40, i, keyMentionsSecret: keyMentionsSecret) {
                return match
            }
            run = isBase64 ? run + 1 : 0
            guard i < bytes.count, SecretScanner.isWordByte(byte), i == 0 || !SecretScanner.isWordByte(bytes[i - 1]) else { continue }
            if let match = SecretScanner.examine(bytes, at: i, noJWTBefore: &noJWTBefore) { return match }
        }
        return nil
    }

    static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    static func randomWord(_ alphabet: [UInt8], _ length: Int, _ rng: inout SeededGenerator) -> String {
        String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self)
    }

    /// Text built from credential-shaped pieces (whole, cut short, run on, glued to a word),
    /// prose, separators and non-ASCII bytes.
    static func randomText(_ rng: inout SeededGenerator) -> String {
        let base64 = alphanumerics + Array("+/".utf8)
        let upper32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        var pieces: [String] = []
        for _ in 0..<Int.random(in: 1...12, using: &rng) {
            let piece: String
            switch Int.random(in: 0..<14, using: &rng) {
            case 0: piece = "ghp_" + randomWord(alphanumerics, Int.random(in: 34...42, using: &rng), &rng)
            case 1: piece = "AKIA" + randomWord(upper32, Int.random(in: 15...17, using: &rng), &rng)
            case 2: piece = randomWord(base64, Int.random(in: 38...42, using: &rng), &rng)
            case 3: piece = "aws_secret=" + randomWord(base64, 40, &rng)
            case 4:
                piece =
                    "eyJ" + randomWord(alphanumerics, Int.random(in: 8...20, using: &rng), &rng) + ".eyJ"
                    + randomWord(alphanumerics, Int.random(in: 8...20, using: &rng), &rng) + "." + randomWord(alphanumerics, 20, &rng)
            case 5:
                piece =
                    "-----BEGIN RSA PRIVATE KEY-----\n" + randomWord(base64, Int.random(in: 30...60, using: &rng), &rng)
                    + "\n-----END RSA PRIVATE KEY-----"
            case 6:
                piece =
                    "hooks.slack.com/services/T" + randomWord(alphanumerics, 9, &rng) + "/B" + randomWord(alphanumerics, 9, &rng) + "/"
                    + randomWord(alphanumerics, 24, &rng)
            case 7: piece = "SG." + randomWord(alphanumerics, 22, &rng) + "." + randomWord(alphanumerics, 43, &rng)
            case 8: piece = "discord.com/api/webhooks/" + String(repeating: "1", count: 18) + "/" + randomWord(alphanumerics, 68, &rng)
            case 9: piece = "xoxb-" + randomWord(alphanumerics + [UInt8(ascii: "-")], Int.random(in: 20...40, using: &rng), &rng)
            case 10:
                piece = ["the", "build", "step", "wrote", "dist/app.js", "see", "https://ci.example.com/job/7", "secret"].randomElement(using: &rng)!
            case 11: piece = ["é", "ß", "→", "\u{0}", "\u{7F}", "\u{FF}"].randomElement(using: &rng)!
            case 12: piece = randomWord(Array("_-+/=.:@ \n\"".utf8), Int.random(in: 1...3, using: &rng), &rng)
            default: piece = randomWord(alphanumerics + Array("_".utf8), Int.random(in: 1...9, using: &rng), &rng)
            }
            // Cut short, or glued to what came before.
            let cut = Int.random(in: 0..<6, using: &rng) == 0 ? String(piece.prefix(Int.random(in: 0...piece.count, using: &rng))) : piece
            pieces.append(cut)
            if Bool.random(using: &rng) { pieces.append([" ", "\n", "/", "=", "_", "x", ".", ":"].randomElement(using: &rng)!) }
        }
        return pieces.joined()
    }

    @Test func chunkedLoopMatchesTheByteAtATimeReference() {
        var rng = SeededGenerator(state: 0x5EC2E7)
        var found = 0
        for _ in 0..<4000 {
            let text = Self.randomText(&rng)
            let keyMentionsSecret = Bool.random(using: &rng)
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { all in
                // Every start offset within one chunk, so each byte meets each lane.
                for shift in 0..<min(8, all.count + 1) {
                    let buffer = UnsafeBufferPointer(rebasing: all[shift...])
                    let fast = SecretScanner.firstSecret(in: buffer, keyMentionsSecret: keyMentionsSecret)
                    let slow = Self.reference(buffer, keyMentionsSecret: keyMentionsSecret)
                    #expect(fast == slow, "text \(String(reflecting: String(decoding: buffer, as: UTF8.self)))")
                    if fast != nil { found += 1 }
                }
            }
        }
        // The generator makes texts with and without credentials.
        #expect(found > 2000)
        #expect(found < 4000 * 8 - 2000)
    }

    /// A 40-byte run that ends the text is found whatever the text's length, including lengths
    /// where the run ends exactly at a chunk or block boundary.
    @Test func secretKeyEndingTheTextIsFoundAtEveryLength() {
        let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8x2Lm4Vq"
        for padding in 0...90 {
            let text = String(repeating: " ", count: padding) + key
            let found = Array(text.utf8).withUnsafeBufferPointer { SecretScanner.firstSecret(in: $0, keyMentionsSecret: true) }
            #expect(found?.kind == "aws-secret-key", "text of \(text.utf8.count) bytes")
        }
    }

    @Test func openingLettersCoverEveryInterestingPair() {
        var uncovered: [String] = []
        for index in 0..<65536 where SecretScanner.interestingPairs[index >> 6] & (1 << UInt64(index & 63)) != 0 {
            let first = UInt8(index >> 8)
            if !SecretScanner.openingLetters.contains(first | 0x20) || !first.isASCIILetter { uncovered.append(String(UnicodeScalar(first))) }
        }
        #expect(uncovered.isEmpty, "pairs opening with \(uncovered)")
        #expect(SecretScanner.interestingPairs.contains { $0 != 0 })
    }

    /// Texts shorter than ``SecretScanner/shortestCredential`` are not scanned: the reference,
    /// which has no such bound, must find nothing in any of them, and the shortest credential
    /// itself must still be found.
    @Test func noCredentialIsShorterThanTheBound() {
        let bound = SecretScanner.shortestCredential
        #expect(bound == 20)
        #expect(bound == SecretScanner.shortestCredentialOfMatchers)
        #expect(SecretScanner.firstSecret(in: "AKIAQ3EGRT5KXW2ZPLMD")?.kind == "aws-access-key")
        #expect(SecretScanner.firstSecret(in: "AKIAQ3EGRT5KXW2ZPLM") == nil)
        var rng = SeededGenerator(state: 20)
        var short = 0
        for _ in 0..<20_000 {
            let text = Self.randomText(&rng)
            for length in [bound - 1, bound / 2] {
                let piece = Array(text.utf8.prefix(length))
                guard piece.count < bound else { continue }
                short += 1
                let found = piece.withUnsafeBufferPointer { Self.reference($0, keyMentionsSecret: true) }
                #expect(found == nil, "\(String(decoding: piece, as: UTF8.self))")
            }
        }
        #expect(short > 10_000)
    }

    @Test func credentialsAreFoundAtEveryAlignment() {
        let token = "ghp_4fR9zT2qLm8VxW1cK7bN3yH6pD0sJ5aE2gUi"
        let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8x2Lm4Vq"
        for padding in 0..<17 {
            let lead = String(repeating: " ", count: padding)
            #expect(SecretScanner.firstSecret(in: lead + token)?.range == padding..<(padding + token.utf8.count))
            #expect(SecretScanner.firstSecret(in: lead + "secret: " + key)?.kind == "aws-secret-key")
            #expect(SecretScanner.firstSecret(in: lead + key, keyMentionsSecret: true)?.kind == "aws-secret-key")
            #expect(SecretScanner.firstSecret(in: lead + key + "x", keyMentionsSecret: true) == nil)
            #expect(SecretScanner.firstSecret(in: lead + "x" + token) == nil)
        }
    }
}
