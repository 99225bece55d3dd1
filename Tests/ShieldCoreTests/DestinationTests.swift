import Testing

@testable import ShieldCore

@Suite struct DestinationTests {
    @Test(
        arguments: [
            ("127.0.0.1", 0x7F00_0001), ("127.1", 0x7F00_0001), ("2130706433", 0x7F00_0001), ("0x7f.1", 0x7F00_0001),
            ("017700000001", 0x7F00_0001), ("0177.0.0.1", 0x7F00_0001), ("0x7F000001", 0x7F00_0001), ("127.0.1", 0x7F00_0001),
            ("2852039166", 0xA9FE_A9FE), ("0xA9.0xFE.0xA9.0xFE", 0xA9FE_A9FE), ("169.254.43518", 0xA9FE_A9FE),
            ("0", 0), ("0x", 0), ("1.2.3.4.", 0x0102_0304), ("255.255.255.255", 0xFFFF_FFFF), ("4294967295", 0xFFFF_FFFF),
        ] as [(String, UInt32)])
    func legacyIPv4Forms(_ text: String, _ expected: UInt32) {
        #expect(IPAddress.parseIPv4(text) == .v4(expected))
    }

    @Test(arguments: ["256.0.0.1", "1.2.3.4.5", "4294967296", "0x100000000", "1..2", "08", "0x1g", "1.2.3.256", ""])
    func invalidIPv4(_ text: String) {
        #expect(IPAddress.parseIPv4(text) == nil)
    }

    @Test(arguments: [
        ("::1", "::1"), ("::", "::"), ("::ffff:a9fe:a9fe", "::ffff:a9fe:a9fe"), ("::ffff:169.254.169.254", "::ffff:a9fe:a9fe"),
        ("2001:db8::1", "2001:db8::1"), ("fe80::1", "fe80::1"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("64:ff9b::127.0.0.1", "64:ff9b::7f00:1"), ("2002:7f00:1::", "2002:7f00:1::"),
    ])
    func ipv6RoundTrips(_ text: String, _ canonical: String) throws {
        let address = try #require(IPAddress.parseIPv6(text))
        #expect(address.description == canonical)
    }

    @Test(arguments: ["1:2:3:4:5:6:7:8:9", ":1", "1:", "1::2::3", "12345::", "::1.2.3", "::1.2.3.4.5", "g::1", "fe80::1%eth0"])
    func invalidIPv6(_ text: String) {
        #expect(IPAddress.parseIPv6(text) == nil)
    }

    @Test func zoneIdsOnlyWhenAllowed() {
        #expect(IPAddress.parseIPv6("fe80::1%eth0", allowZone: true) == IPAddress.parseIPv6("fe80::1"))
    }

    @Test(arguments: [
        ("::ffff:127.0.0.1", "internal"), ("::127.0.0.1", "internal"), ("64:ff9b::a9fe:a9fe", "metadata"),
        ("2002:a9fe:a9fe::", "metadata"), ("2002:0a00:0001::", "internal"), ("2001:0:4136:e378:8000:63bf:80ff:fffe", "internal"),
        ("fd00:ec2::254", "metadata"), ("fc00::1", "internal"), ("fe80::1", "internal"), ("ff02::1", "reserved"),
        ("2001:db8::1", "reserved"), ("100::1", "reserved"), ("64:ff9b:1::1", "internal"), ("::ffff:8.8.8.8", "global"),
        ("2606:4700::1111", "global"), ("2002:0808:0808::", "global"), ("3fff::1", "reserved"),
    ])
    func ipv6Classes(_ text: String, _ expected: String) throws {
        let address = try #require(IPAddress.parseIPv6(text))
        let kind =
            switch AddressClassifier.classify(address) {
            case .global: "global"
            case .metadata: "metadata"
            case .internalAddress: "internal"
            case .reserved: "reserved"
            }
        #expect(kind == expected)
    }

    @Test func hostCanonicalization() throws {
        #expect(try Host.parse("%31%32%37.1").get() == .ip(.v4(0x7F00_0001)))
        #expect(try Host.parse("１２７．０．０．１").get() == .ip(.v4(0x7F00_0001)))
        #expect(try Host.parse("127。0。0。1").get() == .ip(.v4(0x7F00_0001)))
        #expect(try Host.parse("LocalHost.").get() == .name("localhost"))
        #expect(try Host.parse("ｌｏｃａｌ\u{00AD}ｈｏｓｔ").get() == .name("localhost"))
        #expect(throws: Host.ParseError.self) { try Host.parse("256.1.1.1").get() }
        #expect(throws: Host.ParseError.self) { try Host.parse("a b").get() }
        #expect(throws: Host.ParseError.self) { try Host.parse("exa%00mple.com").get() }
    }

    @Test func urlReadingsDisagreeingOnTheHostAreAllReported() throws {
        let url = try URLReference.parse("http://evil.com\\@127.0.0.1/").get()
        #expect(url.host == .name("evil.com"))
        #expect(url.alternateHosts.contains(.ip(.v4(0x7F00_0001))))
        let userinfo = try URLReference.parse("http://user@127.0.0.1@example.com/").get()
        #expect(userinfo.host == .name("example.com"))
        #expect(userinfo.alternateHosts.contains(.ip(.v4(0x7F00_0001))))
        let tabs = try URLReference.parse("ht\ttp://127.0.0.1\n/").get()
        #expect(tabs.host == .ip(.v4(0x7F00_0001)))
        let slashes = try URLReference.parse("http:\\\\\\127.1").get()
        #expect(slashes.host == .ip(.v4(0x7F00_0001)))
    }

    @Test(arguments: ["http://[::1", "http://a:99999/", "http://a:8o/", "http://", "http://exa mple.com/", "http://0x100000000/"])
    func unparsableURLs(_ text: String) {
        #expect(throws: URLReference.ParseError.self) { try URLReference.parse(text).get() }
    }

    @Test func hostPatterns() throws {
        let cidr = try HostPattern.parse("10.0.0.0/8").get()
        #expect(cidr.matches(.ip(.v4(0x0A01_0203)), port: nil))
        #expect(!cidr.matches(.ip(.v4(0x0B00_0000)), port: nil))
        #expect(cidr.matches(.ip(try #require(IPAddress.parseIPv6("::ffff:10.1.2.3"))), port: 80))
        let withPort = try HostPattern.parse("127.0.0.1:8765").get()
        #expect(withPort.matches(.ip(.v4(0x7F00_0001)), port: 8765))
        #expect(!withPort.matches(.ip(.v4(0x7F00_0001)), port: 80))
        let glob = try HostPattern.parse("*.Example.org").get()
        #expect(glob.matches(.name("api.example.org"), port: 443))
        #expect(!glob.matches(.name("example.org.evil.com"), port: 443))
        let v6 = try HostPattern.parse("[fd00::/8]").get()
        #expect(v6.matches(.ip(try #require(IPAddress.parseIPv6("fd12::1"))), port: nil))
    }

    @Test func urlFinderFindsNestedAndSlashlessURLs() {
        #expect(
            URLFinder.urls(in: "see https://a.example/?next=http://127.0.0.1/x ok").map(String.init)
                == ["https://a.example/?next=http://127.0.0.1/x", "http://127.0.0.1/x"])
        #expect(URLFinder.urls(in: "curl http:\\\\127.1 -o x").map(String.init) == ["http:\\\\127.1"])
        #expect(URLFinder.urls(in: "use http:// or https:// prefixes").isEmpty)
        #expect(URLFinder.urls(in: "time is 12:30, ratio 3:2").isEmpty)
    }

    /// The bit sets behind the terminator tests hold exactly the bytes the scanner documents.
    @Test func urlTerminatorBitsMatchTheirDefinition() {
        for value in 0...255 {
            let byte = UInt8(value)
            let unquoted =
                (byte <= 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F
                || [UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "`")].contains(byte)
            let quoted = unquoted || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
            #expect(URLFinder.isUnquotedTerminator(byte) == unquoted, "byte \(value)")
            #expect(URLFinder.isTerminator(byte) == quoted, "byte \(value)")
            #expect(URLFinder.isLineBreak(byte) == (byte == 0x09 || byte == 0x0A || byte == 0x0D), "byte \(value)")
        }
    }

    /// The sixteen-lane run scan agrees with a byte-at-a-time reference at every start.
    @Test func urlRunScanMatchesAByteLoop() {
        var rng = SeededGenerator(state: 21)
        let alphabet: [UInt8] =
            [0x00, 0x09, 0x0A, 0x0B, 0x0D, 0x20, 0x22, 0x27, 0x3C, 0x3E, 0x60, 0x7E, 0x7F, 0x80, 0xC3, 0xFF] + Array("az:/.?%".utf8)
        for _ in 0..<400 {
            let bytes = (0..<Int.random(in: 0...70, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            bytes.withUnsafeBufferPointer { buffer in
                for quotes in [true, false] {
                    for start in 0...buffer.count {
                        var end = start
                        var firstBreak: Int?
                        while end < buffer.count, !(quotes ? URLFinder.isTerminator(buffer[end]) : URLFinder.isUnquotedTerminator(buffer[end])) {
                            if firstBreak == nil, URLFinder.isLineBreak(buffer[end]) { firstBreak = end }
                            end += 1
                        }
                        let found = URLFinder.run(buffer, from: start, quotesTerminate: quotes)
                        #expect(found.end == end && found.firstBreak == (firstBreak ?? end), "\(bytes) from \(start), quotes \(quotes)")
                    }
                }
            }
        }
    }

    /// The one-pass reader of plain URLs must agree with the general parser wherever it answers.
    @Test func plainURLReaderAgreesWithTheGeneralParser() throws {
        var urls = [
            "https://example.com/", "HTTP://Example.COM:8080/x?y#z", "http://localhost./", "ws://a_b.example:1/", "git+https://github.com/o/r",
            "https://a.b.c.d.e.f/", "http://x:0080", "http://a..b/", "http://.a/", "http://a.1/", "http://0x7f.1/", "http://1.2.3.4/",
            "http://a:99999/", "http://a:/", "http://a@b/", "http://a\\b/", "http:///a", "http://a.b.:80/", "file:///etc/passwd", "s3://bucket/key",
        ]
        var rng = SeededGenerator(state: 9)
        let pieces = ["a", "Z", "0", "9", ".", "-", "_", ":", "/", "?", "#", "@", "%", "[", "]", "x", "80", ".."]
        for _ in 0..<5000 {
            urls.append("http://" + (0..<Int.random(in: 1...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
        }
        for text in urls {
            guard let plain = URLReference.parsePlain(Substring(text)) else { continue }
            let general = try URLReference.parse(text).get()
            #expect(plain.scheme == general.scheme, "\(text)")
            #expect(plain.host == general.host, "\(text)")
            #expect(plain.port == general.port, "\(text)")
            #expect(general.alternateHosts.isEmpty, "\(text)")
        }
        #expect(URLReference.parsePlain("https://example.com/") != nil)
        #expect(URLReference.parsePlain("http://127.0.0.1/") == nil)
    }

    @Test func innerWhitespaceIsUnicodeWhiteSpaceButTabsAndLineBreaks() {
        for value in [UInt32](0..<0x3100) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected = scalar.properties.isWhitespace && scalar != "\t" && scalar != "\n" && scalar != "\r"
            #expect(ArgumentWalker.isInnerWhitespace(scalar) == expected, "U+\(String(value, radix: 16))")
        }
    }

    func memoKey(_ url: String) -> String? {
        var url = url
        return url.withUTF8 { bytes in ArgumentWalker.memoKeyLength(bytes).map { String(decoding: bytes[..<$0], as: UTF8.self) } }
    }

    @Test func memoKeysAreTheAuthorityOfPlainURLs() {
        #expect(memoKey("https://example.com/a?b") == "https://example.com")
        #expect(memoKey("https://example.com") == "https://example.com")
        #expect(memoKey("HTTP://Example.com#x") == "HTTP://Example.com")
        let judgedEveryTime = [
            "FILE://host/etc/passwd", "file:///etc", "http:/x", "http://a@b/", "http://a%2eb/", "http://a\\b/", "http://é/", "nocolon",
        ]
        for url in judgedEveryTime { #expect(memoKey(url) == nil, "\(url)") }
    }

    @Test func loopbackAliasesAreNamedAsLoopback() {
        for name in ["ip6-localhost", "ip6-loopback"] {
            #expect(HostClassifier.classify(name: name) == .localName("\"\(name)\" is loopback"))
        }
        #expect(HostClassifier.classify(name: "intranet") == .localName("single-label name \"intranet\" resolves on the local network"))
        #expect(HostClassifier.classify(name: "ip6-localhost.example.com") == .global)
    }

    @Test func authorityMemoComparesBytesNotHashes() {
        var memo = AuthorityMemo()
        Array("https://example.com".utf8).withUnsafeBufferPointer { memo.insert($0) }
        let hit = Array("https://example.com".utf8).withUnsafeBufferPointer { memo.contains($0) }
        let miss = Array("https://example.co".utf8).withUnsafeBufferPointer { memo.contains($0) }
        #expect(hit)
        #expect(!miss)
    }

    /// Thousands of authorities (the table grows many times), each found again, none confused
    /// with a near miss; inserting one twice keeps one.
    @Test func authorityMemoHoldsManyAuthorities() {
        var memo = AuthorityMemo()
        let authorities = (0..<5000).map { Array("https://host\($0).example.com".utf8) }
        for authority in authorities { authority.withUnsafeBufferPointer { memo.insert($0) } }
        for authority in authorities.prefix(100) { authority.withUnsafeBufferPointer { memo.insert($0) } }
        for (index, authority) in authorities.enumerated() {
            let hit = authority.withUnsafeBufferPointer { memo.contains($0) }
            let miss = Array("https://host\(index).example.co".utf8).withUnsafeBufferPointer { memo.contains($0) }
            #expect(hit)
            #expect(!miss)
        }
        let empty = AuthorityMemo()
        #expect(!Array("https://example.com".utf8).withUnsafeBufferPointer { empty.contains($0) })
    }

    @Test func byteMemoKeepsTheFirstValueOfAKey() {
        var memo = ByteMemo<Int>()
        let key = Array("url".utf8)
        #expect(key.withUnsafeBufferPointer { memo.value(for: $0) } == nil)
        for (index, name) in ["url", "path", "url"].enumerated() { Array(name.utf8).withUnsafeBufferPointer { memo.insert($0, index) } }
        #expect(key.withUnsafeBufferPointer { memo.value(for: $0) } == 0)
        #expect(Array("path".utf8).withUnsafeBufferPointer { memo.value(for: $0) } == 1)
        #expect(Array("ur".utf8).withUnsafeBufferPointer { memo.value(for: $0) } == nil)
    }

    /// Past the first keys of an evaluation key facts come from the memo: what a key says must
    /// not change with its position.
    @Test func keysLateInALongArrayKeepTheirMeaning() throws {
        let records = (0..<40).map { #"{"name": "r\#($0)", "url": "https://example.com/\#($0)", "path": "data/\#($0).json"}"# }
        let clean = "[" + records.joined(separator: ",") + "]"
        #expect(try Fixtures.decide("sync", #"{"items": \#(clean)}"#).verdict == .allow)
        for (bad, rule) in [(#"{"url": "169.254.169.254"}"#, "ssrf.metadata"), (#"{"path": "../../.ssh/id_rsa"}"#, "path.traversal")] {
            let call = "[" + (records + [bad]).joined(separator: ",") + "]"
            let decision = try Fixtures.decide("sync", #"{"items": \#(call)}"#)
            #expect(decision.verdict == .block)
            #expect(decision.rule == rule)
            #expect(decision.path == "$.items[40]." + (rule == "ssrf.metadata" ? "url" : "path"))
        }
    }

    @Test func urlsAfterAClearedAuthorityAreStillJudged() throws {
        let prose = "see https://example.com/a, then https://example.com/b and https://example.com/c."
        #expect(try Fixtures.decide("write_note", #"{"body": "\#(prose)"}"#).verdict == .allow)
        for next in ["https://example.com@127.0.0.1/", "https://169.254.169.254/", "http://2852039166/", "https://example.com\\\\@127.1/"] {
            let decision = try Fixtures.decide("write_note", #"{"body": "\#(prose) and \#(next)"}"#)
            #expect(decision.verdict == .block, "\(next)")
        }
    }
}
