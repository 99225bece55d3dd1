import Testing

@testable import ShieldCore

@Suite struct ByteKeyedTableTests {
    @Test func findsEveryKeyAndNothingElse() {
        let keys = (0..<500).map { "key-\($0)" } + ["", "a", "é", ".ssh"]
        let table = ByteKeyedTable(keys.enumerated().map { ($0.element, $0.offset) })
        for (index, key) in keys.enumerated() {
            #expect(table[key] == index, "\(key)")
        }
        for miss in ["key-500", "key-", "KEY-1", "b", "e", ".sshx", "key-1 "] {
            #expect(table[miss] == nil, "\(miss)")
        }
        #expect(table.allKeys == keys)
    }

    @Test func laterDuplicateReplacesEarlier() {
        let table = ByteKeyedTable([("a", 1), ("b", 2), ("a", 3)])
        #expect(table["a"] == 3)
        #expect(table["b"] == 2)
        #expect(table.allKeys == ["a", "b"])
    }

    @Test func emptyTableFindsNothing() {
        let table = ByteKeyedTable<Int>([])
        #expect(table.isEmpty)
        #expect(table[""] == nil)
        #expect(table["x"] == nil)
    }
}
