import Foundation
import Testing

@testable import ShieldCore

/// One line of the attack/benign corpus (`Corpus/*.jsonl`).
struct CorpusCase: CustomTestStringConvertible, Sendable {
    var id: String
    var tool: String
    var arguments: JSONValue
    var policy: String
    var expect: String
    var rule: String?
    var path: String?
    var note: String?

    var testDescription: String { "\(id): \(note ?? tool)" }

    static func load() -> [CorpusCase] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.corpusDirectory.path)) ?? []
        var cases: [CorpusCase] = []
        for file in files.sorted() where file.hasSuffix(".jsonl") {
            let text = try! String(contentsOf: Fixtures.corpusDirectory.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let value = try! JSONParser.parse(String(line), limits: JSONParser.Limits(maxDepth: 10_000))
                cases.append(
                    CorpusCase(
                        id: value["id"]!.stringValue!, tool: value["tool"]!.stringValue!,
                        arguments: value["args"] ?? .object([]), policy: value["policy"]?.stringValue ?? "default",
                        expect: value["expect"]!.stringValue!, rule: value["rule"]?.stringValue,
                        path: value["path"]?.stringValue, note: value["note"]?.stringValue))
            }
        }
        return cases
    }

    static let all = load()
}

@Suite struct CorpusTests {
    @Test func corpusIsLargeAndBalanced() {
        let cases = CorpusCase.all
        #expect(cases.count >= 400)
        #expect(Set(cases.map(\.id)).count == cases.count, "case ids must be unique")
        let allows = cases.filter { $0.expect == "ALLOW" }.count
        #expect(allows * 3 > cases.count, "at least a third of the corpus must be benign")
    }

    @Test(arguments: CorpusCase.all)
    func corpusCase(_ c: CorpusCase) throws {
        let engine = try #require(Fixtures.engines[c.policy], "unknown policy \(c.policy)")
        let decision = engine.evaluate(ToolCall(name: c.tool, arguments: c.arguments))
        #expect(decision.verdict.rawValue == c.expect, "\(c.id): \(decision.rule ?? "-") \(decision.reason)")
        if c.expect == "BLOCK" {
            #expect(decision.rule == c.rule, "\(c.id): \(decision.reason)")
            if let path = c.path { #expect(decision.path == path, "\(c.id)") }
        }
    }
}
