import Foundation
import Testing

/// Runs the built `mcp-shield` binary (`swift build` puts it beside the test bundle).
struct CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var binary: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mcp-shield")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return packageRoot.appendingPathComponent(".build/debug/mcp-shield")
    }

    static let scratchDatabase = NSTemporaryDirectory() + "mcp-shield-cli-tests-\(getpid())/audit.db"

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:], directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = "/home/user"
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "MCP_SHIELD_POLICY_DIR")
        // Decisions `inspect` records go to a scratch database, never the user's.
        env["MCP_SHIELD_DB"] = scratchDatabase
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = directory ?? URL(fileURLWithPath: "/")
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Write stdin and read both outputs concurrently so large payloads cannot deadlock.
        let writer = Thread {
            input.fileHandleForWriting.write(stdin)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let errorData = Collected()
        let errorReader = Thread {
            errorData.data = error.fileHandleForReading.readDataToEndOfFile()
            errorData.done.signal()
        }
        errorReader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorData.done.wait()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData.data, as: UTF8.self))
    }

    /// Bytes one thread collects and another reads after `done`.
    final class Collected: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }
}

@Suite(.serialized) struct CLITests {
    @Test func checkMatchesTheGoldenTranscript() throws {
        let input = try Data(contentsOf: CLI.golden.appendingPathComponent("check.input.jsonl"))
        let expected = try String(contentsOf: CLI.golden.appendingPathComponent("check.expected.jsonl"), encoding: .utf8)
        let result = try CLI.run(["check"], stdin: input)
        #expect(result.stdout == expected)
        #expect(result.status == 2, "a malformed line makes check exit 2")
    }

    @Test func checkKeepsOrderAndExitsZeroOnWellFormedInput() throws {
        let lines = (0..<2000).map { i in
            i % 2 == 0
                ? #"{"name":"fetch","arguments":{"url":"https://example.com/\#(i)"}}"#
                : #"{"tool":"fetch","arguments":{"url":"http://10.0.0.\#(i % 250)/"}}"#
        }
        let result = try CLI.run(["check"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        let output = result.stdout.split(separator: "\n")
        #expect(result.status == 0)
        #expect(output.count == 2000)
        for (i, line) in output.enumerated() {
            #expect(line.contains(i % 2 == 0 ? #""decision":"ALLOW""# : #""rule":"ssrf.private-address""#))
        }
    }

    @Test func checkReportsOverlongLinesAndContinues() throws {
        var input = Data(#"{"name":"fetch","arguments":{"body":""#.utf8)
        input.append(Data(repeating: UInt8(ascii: "a"), count: 33 << 20))
        input.append(Data(#""}}"#.utf8))
        input.append(Data("\n{\"name\":\"get_time\"}\n".utf8))
        let result = try CLI.run(["check"], stdin: input)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix(#"{"error":"line exceeds"#) == true)
        #expect(lines.last?.contains(#""decision":"ALLOW""#) == true)
    }

    @Test(
        arguments: [
            (
                ["inspect", "fetch", "--args", #"{"url":"http://127.1/"}"#], Int32(1),
                "BLOCK  fetch\n  rule    ssrf.private-address\n  reason  destination 127.0.0.1 is an internal address: loopback 127.0.0.0/8\n  path    $.url\n  policy  default\n"
            ),
            (
                ["inspect", "fetch", "--args", #"{"url":"https://example.com/"}"#], Int32(0),
                "ALLOW  fetch\n  reason  passed all policy checks\n  policy  default\n"
            ),
            (
                ["inspect", "exec_command", "--policy", "strict", "--json"], Int32(1),
                #"{"decision":"BLOCK","reason":"tool \"exec_command\" matches the blocked pattern \"exec\"","rule":"tool.denied","path":null,"tool":"exec_command","policy":"strict","server":null}"#
                    + "\n"
            ),
            (
                ["risk", "get_time,Bash,http_request", "--json"], Int32(0),
                #"{"risk_level":"HIGH","risk_score":72,"high_risk_tools":["Bash"],"medium_risk_tools":["http_request"],"reasons":{"Bash":"executes commands","http_request":"fetches from the network"},"recommendation":"Do not run without the strict policy, and isolate the server (no network, no credentials).","tools":[{"name":"get_time","risk_level":"LOW","risk_score":10,"reasons":[]},{"name":"Bash","risk_level":"HIGH","risk_score":80,"reasons":["name: \"bash\" (executes commands)"]},{"name":"http_request","risk_level":"MEDIUM","risk_score":50,"reasons":["name: \"http\" (fetches from the network)"]}]}"#
                    + "\n"
            ),
            (
                ["risk", "get_time,list_timezones"], Int32(0),
                "LOW RISK (score 10)\n  high-risk tools: none\n  medium-risk tools: none\n  Safe to run through the proxy with the default policy.\n"
            ),
        ] as [([String], Int32, String)])
    func goldenOutput(_ arguments: [String], _ status: Int32, _ expected: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.stdout == expected)
        #expect(result.status == status, "\(result.stderr)")
    }

    @Test(arguments: [
        (["inspect", "fetch", "--args", "{bad"], "--args is not valid JSON"),
        (["inspect", "fetch", "--policy", "../etc/passwd"], "invalid policy name"),
        (["inspect", "fetch", "--policy", "nope"], "unknown policy (available: default, strict)"),
        (["inspect", "fetch", "--policy", "strict", "--policy-file", "x.yaml"], "cannot be used together"),
        (["inspect", "fetch", "--policy-file", "/nonexistent.yaml"], "cannot read the file"),
        (["inspect"], "Missing expected argument"),
        (["check", "--policy", "nope"], "unknown policy"),
        (["policy", "validate", "/nonexistent.yaml"], "cannot read the file"),
        (["risk", " , "], "no tool names given"),
    ])
    func errorsExitTwoWithAMessage(_ arguments: [String], _ message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func policyValidateNamesLineAndKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.yaml")
        try "allowed_tools: ['*']\negress:\n  alow_hosts: [example.com]\n".write(to: bad, atomically: true, encoding: .utf8)
        let result = try CLI.run(["policy", "validate", bad.path])
        #expect(result.status == 2)
        #expect(result.stderr == "error: \(bad.path):3:15: egress.alow_hosts: unknown key (did you mean \"allow_hosts\"?)\n")
        let good = directory.appendingPathComponent("good.yaml")
        try "allowed_tools: [fetch]\n".write(to: good, atomically: true, encoding: .utf8)
        let ok = try CLI.run(["policy", "validate", good.path])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("valid"))
        // A named policy in a policy directory, and the binding that pins a server to it.
        try "servers:\n  github: good\n".write(to: directory.appendingPathComponent("bindings.yaml"), atomically: true, encoding: .utf8)
        let bound = try CLI.run(["inspect", "read_file", "--server", "github", "--policy-dir", directory.path])
        #expect(bound.status == 1)
        #expect(bound.stdout.contains("not in the policy's allowed_tools"))
        let refused = try CLI.run(
            ["inspect", "fetch", "--server", "github", "--policy", "default"], environment: ["MCP_SHIELD_POLICY_DIR": directory.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("bound to policy \"good\""))
    }

    @Test func policyShowAndList() throws {
        let show = try CLI.run(["policy", "show", "strict"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("allowed_schemes: [\"https\"]"))
        let list = try CLI.run(["policy", "list"])
        #expect(list.stdout == "default\nstrict\n")
    }

    @Test func relativePathsResolveAgainstTheWorkingDirectoryUnderStrict() throws {
        let inside = try CLI.run(
            ["inspect", "read_file", "--policy", "strict", "--args", #"{"path":"notes/a.md"}"#], directory: URL(fileURLWithPath: "/tmp"))
        #expect(inside.status == 0)
        let outside = try CLI.run(
            ["inspect", "read_file", "--policy", "strict", "--args", #"{"path":"/etc/hosts"}"#], directory: URL(fileURLWithPath: "/tmp"))
        #expect(outside.status == 1)
        #expect(outside.stdout.contains("path.outside-root"))
    }

    @Test func symbolicLinksAreResolvedBeforeJudging() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cli-links-\(UUID().uuidString)")
        let workspace = root.appendingPathComponent("workspace")
        try FileManager.default.createDirectory(at: workspace.appendingPathComponent("docs"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        // A link inside the root that points outside it (CVE-2025-53109's shape).
        try FileManager.default.createSymbolicLink(atPath: workspace.appendingPathComponent("etc-link").path, withDestinationPath: "/etc")
        let policy = root.appendingPathComponent("roots.yaml")
        try "allowed_tools: ['*']\nfilesystem:\n  roots: [\"\(workspace.path)\"]\n".write(to: policy, atomically: true, encoding: .utf8)
        let inside = try CLI.run(["inspect", "read_file", "--policy-file", policy.path, "--args", #"{"path":"docs/notes.md"}"#])
        #expect(inside.status == 0, "\(inside.stdout)")
        let escaped = try CLI.run(["inspect", "read_file", "--policy-file", policy.path, "--args", #"{"path":"etc-link/hostname"}"#])
        #expect(escaped.status == 1)
        #expect(escaped.stdout.contains("path.outside-root"))
        #expect(escaped.stdout.contains("after resolving symbolic links"))
        // A dangling link: writing through it creates its target, outside the root.
        try FileManager.default.createSymbolicLink(
            atPath: workspace.appendingPathComponent("drop").path, withDestinationPath: "/etc/cron.d/mcp-shield-\(UUID().uuidString)")
        let dangling = try CLI.run(["inspect", "write_file", "--policy-file", policy.path, "--args", #"{"path":"drop"}"#])
        #expect(dangling.status == 1)
        #expect(dangling.stdout.contains("path.outside-root"))
        // /dev/fd/.. is /proc/self to the kernel, not /dev.
        let proc = try CLI.run(["inspect", "read_file", "--args", #"{"path":"/dev/fd/../environ"}"#])
        #expect(proc.status == 1)
        #expect(proc.stdout.contains("path.credential-file"))
    }

    @Test func lostOutputAndUnreadableInputAreErrorsNotSilence() throws {
        // Standard output on /dev/full: every write fails.
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["check"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(#"{"name":"get_time"}"#.utf8 + [0x0A]))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        // Standard input that cannot be read (a directory).
        let directory = Process()
        directory.executableURL = CLI.binary
        directory.arguments = ["check"]
        directory.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/tmp"))
        let errors = Pipe()
        directory.standardError = errors
        directory.standardOutput = FileHandle.nullDevice
        try directory.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        directory.waitUntilExit()
        #expect(directory.terminationStatus == 2)
        #expect(message.contains("reading standard input failed"))
    }
}
