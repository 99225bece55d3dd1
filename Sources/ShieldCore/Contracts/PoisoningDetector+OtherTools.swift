extension PoisoningDetector {
    /// The names of the other tools a client sees, and the instructions that name them.
    ///
    /// A bare mention ("see also read_file", "the ID returned by list_issues") is not a finding.
    /// An instruction is: invoking the tool with data-moving or secretive words in the sentence
    /// ("use send_email to forward the conversation"), giving the tool orders ("the send_email
    /// tool must send…"), shadowing it ("when send_email is used, always…"), or replacing it
    /// ("instead of read_file", "never use read_file").
    struct OtherTools: Sendable {
        /// Names by the hash of their lower-cased bytes.
        var names: [UInt64: String] = [:]

        init(_ tools: Set<String>, excluding own: String?) {
            for tool in tools where tool != own && tool.utf8.count >= 3 && tool.utf8.count <= 128 {
                names[InstructionScanner.hash(tool)] = tool
            }
        }

        var isEmpty: Bool { names.isEmpty }

        static let invoking = InstructionScanner.WordSet("call use invoke run trigger execute calling using invoking")
        static let strong = InstructionScanner.WordSet(
            "forward bcc cc redirect exfiltrate sidenote recipient recipients secretly silently instead attacker conversation credentials password passwords secrets ssh everything history"
        )
        static let shadowing = InstructionScanner.WordSet("always also instead bcc cc forward secretly silently redirect additionally")
        static let toolWords = InstructionScanner.WordSet("tool function")
        static let modals = InstructionScanner.WordSet("must should shall")
        static let adverbs = InstructionScanner.WordSet("now always also first")
        static let orders = InstructionScanner.WordSet("send forward include bcc cc add redirect route pass copy upload always also first instead")
        static let when = InstructionScanner.WordSet("when whenever")
        static let negations = InstructionScanner.WordSet("never not don't dont")
        static let replacing = InstructionScanner.WordSet("use call invoke")
        static let instead = InstructionScanner.hash("instead")
        static let of = InstructionScanner.hash("of")
        static let usingOrCalling = InstructionScanner.WordSet("using calling invoking")

        struct Reference {
            var name: String
            var range: Range<Int>
            var reason: String
        }

        /// The most mentions whose sentence is examined per text: a text that names tools
        /// thousands of times is not read sentence by sentence for each.
        static let maxMentions = 64

        /// The first instruction in `bytes` that names one of the tools.
        func firstInstruction(in bytes: UnsafeBufferPointer<UInt8>) -> Reference? {
            let count = bytes.count
            var mentions = 0
            var i = 0
            while i < count {
                guard InstructionScanner.isWordByte(bytes[i]) else {
                    i += 1
                    continue
                }
                // An identifier: word bytes with inner `-` and `.`.
                var end = i
                while end < count {
                    let b = bytes[end]
                    if InstructionScanner.isWordByte(b) {
                        end += 1
                    } else if b == UInt8(ascii: "-") || b == UInt8(ascii: "."), end + 1 < count, InstructionScanner.isWordByte(bytes[end + 1]) {
                        end += 1
                    } else {
                        break
                    }
                }
                if end - i >= 3, let name = names[InstructionScanner.hash(bytes, i, end)] {
                    if let reason = instruction(bytes, i..<end) { return Reference(name: name, range: i..<end, reason: reason) }
                    mentions += 1
                    if mentions == Self.maxMentions { return nil }
                }
                i = end
            }
            return nil
        }

        /// Why the mention at `range` is an instruction, or `nil`.
        func instruction(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
            func h(_ r: Range<Int>) -> UInt64 { InstructionScanner.hash(bytes, r.lowerBound, r.upperBound) }
            var before: [UInt64] = []
            var position = range.lowerBound
            while before.count < 4, let word = InstructionScanner.previousWord(bytes, before: position) {
                before.append(h(word))
                position = word.lowerBound
            }
            var after: [UInt64] = []
            position = range.upperBound
            while after.count < 4, let (start, _) = InstructionScanner.nextWord(bytes, after: position) {
                let end = InstructionScanner.wordEnd(bytes, from: start)
                after.append(InstructionScanner.hash(bytes, start, end))
                position = end
            }
            // "instead of (using) X", "never use X", "do not call X".
            if before.count >= 2, before[0] == Self.of, before[1] == Self.instead { return "instead of it" }
            if before.count >= 3, Self.usingOrCalling.contains(before[0]), before[1] == Self.of, before[2] == Self.instead { return "instead of it" }
            if before.count >= 2, Self.replacing.contains(before[0]), Self.negations.contains(before[1]),
                before.count < 3 || !InstructionScanner.descriptive.contains(before[2])
            {
                return "not to use it"
            }
            // "X (tool) must (always) send…".
            var k = 0
            if k < after.count, Self.toolWords.contains(after[k]) { k += 1 }
            if k < after.count, Self.modals.contains(after[k]) {
                k += 1
                if k < after.count, Self.adverbs.contains(after[k]) { return "orders for it" }
                if k < after.count, Self.orders.contains(after[k]) { return "orders for it" }
            }
            let sentence = sentenceWords(bytes, range)
            // "when X is used, always…", "when the user calls X, also…".
            if before.contains(where: Self.when.contains), sentence.contains(where: Self.shadowing.contains) { return "how to handle its use" }
            // "use X to forward the conversation".
            if before.prefix(3).contains(where: Self.invoking.contains), sentence.contains(where: Self.strong.contains) {
                return "to call it with data it should not get"
            }
            return nil
        }

        /// The words of the sentence around `range` (up to 40 each side).
        func sentenceWords(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt64] {
            var words: [UInt64] = []
            var position = range.lowerBound
            while words.count < 40, let word = InstructionScanner.previousWord(bytes, before: position) {
                words.append(InstructionScanner.hash(bytes, word.lowerBound, word.upperBound))
                position = word.lowerBound
            }
            position = range.upperBound
            var forward = 0
            while forward < 40, let (start, _) = InstructionScanner.nextWord(bytes, after: position) {
                let end = InstructionScanner.wordEnd(bytes, from: start)
                words.append(InstructionScanner.hash(bytes, start, end))
                position = end
                forward += 1
            }
            return words
        }
    }
}
