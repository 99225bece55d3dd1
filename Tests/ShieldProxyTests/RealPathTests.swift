import Foundation
import ShieldSystem
import Testing

#if canImport(Glibc)
    import Glibc

    /// `RealPath.resolve` against the C library's `realpath(3)`, on a tree of links made for it.
    @Suite struct RealPathTests {
        /// A directory of links in every shape, removed when the test ends:
        ///
        ///     dir/file, dir/sub/, dir/back -> ..
        ///     rel -> dir          abs -> ROOT/dir      chain -> rel       up -> dir/..
        ///     sublink -> dir/sub  filelink -> dir/file
        ///     dangling -> missing/target               danglingAbs -> /nonexistent-…/x
        ///     loop1 -> loop2      loop2 -> loop1
        final class Tree {
            let root: String
            let missingDirectory: String

            init() throws {
                let made = FileManager.default.temporaryDirectory.appendingPathComponent("realpath-\(UUID().uuidString)").path
                try FileManager.default.createDirectory(atPath: made + "/dir/sub", withIntermediateDirectories: true)
                // The temporary directory may itself be reached through a link.
                root = try #require(
                    realpath(made, nil).map { pointer in
                        defer { free(pointer) }
                        return String(cString: pointer)
                    })
                missingDirectory = "/nonexistent-\(UUID().uuidString)"
                #expect(FileManager.default.createFile(atPath: root + "/dir/file", contents: Data("x".utf8)))
                let links = [
                    ("dir/back", ".."), ("rel", "dir"), ("abs", root + "/dir"), ("chain", "rel"), ("up", "dir/.."),
                    ("sublink", "dir/sub"), ("filelink", "dir/file"), ("dangling", "missing/target"),
                    ("danglingAbs", missingDirectory + "/x"), ("loop1", "loop2"), ("loop2", "loop1"),
                ]
                for (name, target) in links {
                    try FileManager.default.createSymbolicLink(atPath: root + "/" + name, withDestinationPath: target)
                }
            }

            deinit { try? FileManager.default.removeItem(atPath: root) }
        }

        /// What `resolve` answers, with `nil` read as "the path as given".
        func resolved(_ path: String) -> String { RealPath.resolve(path) ?? path }

        func libcRealPath(_ path: String) -> String? {
            realpath(path, nil).map { pointer in
                defer { free(pointer) }
                return String(cString: pointer)
            }
        }

        @Test func existingPathsResolveAsTheCLibraryResolvesThem() throws {
            let tree = try Tree()
            let names = ["dir", "file", "sub", "back", "rel", "abs", "chain", "up", "sublink", "filelink", ".", "..", "missing", "loop1"]
            var generator = SystemRandomNumberGenerator()
            var compared = 0
            var throughLinks = 0
            for _ in 0..<3000 {
                let count = Int.random(in: 1...6, using: &generator)
                let path = tree.root + "/" + (0..<count).map { _ in names.randomElement(using: &generator)! }.joined(separator: "/")
                guard let expected = libcRealPath(path) else { continue }
                compared += 1
                if expected.count != path.count || expected != path { throughLinks += 1 }
                #expect(resolved(path) == expected, "\(path)")
            }
            // Not vacuous: about one generated path in six exists, and most of those go through a link.
            #expect(compared >= 250, "\(compared)")
            #expect(throughLinks >= 200, "\(throughLinks)")
        }

        @Test func linksAreFollowedWhereTheCLibraryGivesUp() throws {
            let tree = try Tree()
            let root = tree.root
            // A write through a dangling link creates its target: that target is what is judged.
            #expect(resolved(root + "/dangling") == root + "/missing/target")
            #expect(resolved(root + "/danglingAbs") == tree.missingDirectory + "/x")
            #expect(resolved(root + "/abs/sub/new.txt") == root + "/dir/sub/new.txt")
            // Past the first missing component the rest applies lexically.
            #expect(resolved(root + "/rel/missing/../file") == root + "/dir/file")
            #expect(resolved(root + "/chain/missing/../../abs") == root + "/abs")
            // Below a file nothing exists: lexical from the file's real path.
            #expect(resolved(root + "/filelink/x") == root + "/dir/file/x")
            // `..` after a link applies to where the link leads.
            #expect(resolved(root + "/sublink/../file") == root + "/dir/file")
            #expect(resolved(root + "/dir/back/dir/back/rel") == root + "/dir")
            // A loop stops after the kernel's limit and the rest is lexical.
            #expect(RealPath.resolve(root + "/loop1/x") == nil)
            // Nothing to resolve.
            #expect(RealPath.resolve(root + "/dir/file") == nil)
            #expect(RealPath.resolve("/") == nil)
            #expect(resolved("//") == "/")
            #expect(resolved("/..") == "/")
            // The kernel's own links: /dev/fd is /proc/self/fd, so its parent is a process directory.
            #expect(resolved("/dev/fd/../environ").hasPrefix("/proc/"))
        }

        @Test func manyComponentsAreBoundedAndStillResolveLexically() throws {
            let tree = try Tree()
            // 300 lookups of `dir`, past the bound: the rest is judged lexically, and lexically
            // each `dir/..` cancels out.
            let path = tree.root + String(repeating: "/dir/..", count: 300) + "/rel"
            #expect(resolved(path) == tree.root + "/rel")
            #expect(resolved(tree.root + String(repeating: "/dir/..", count: 10) + "/rel") == tree.root + "/dir")
        }
    }
#endif
