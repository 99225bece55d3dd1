import ShieldSystem
import Testing

#if canImport(Glibc)
    import Glibc

    @Suite struct ChildProcessTests {
        /// The descriptors of the shell `ChildProcess` starts, as it lists them itself.
        func childDescriptors() throws -> Set<String> {
            let child = try ChildProcess(arguments: ["sh", "-c", "ls /proc/$$/fd"])
            close(child.stdin)
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(child.stdout, &buffer, buffer.count)
                if n <= 0 { break }
                output += buffer[0..<n]
            }
            close(child.stdout)
            #expect(child.wait() == 0)
            return Set(String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init))
        }

        @Test func aServerInheritsOnlyItsStandardDescriptors() throws {
            // A descriptor without close-on-exec (dup2 clears the flag), as a careless library
            // would leave one, at a number nothing else here uses.
            let opened = open("/dev/null", O_RDONLY | O_CLOEXEC)
            let leaked: Int32 = 517
            #expect(opened >= 0)
            #expect(dup2(opened, leaked) == leaked)
            defer {
                close(leaked)
                close(opened)
            }
            #expect(fcntl(leaked, F_GETFD) & FD_CLOEXEC == 0)
            let descriptors = try childDescriptors()
            #expect(descriptors.isSuperset(of: ["0", "1", "2"]))
            #expect(!descriptors.contains("517"), "the server inherited our descriptor: \(descriptors.sorted())")
            #expect(descriptors.count == 3, "\(descriptors.sorted())")
        }
    }
#endif
