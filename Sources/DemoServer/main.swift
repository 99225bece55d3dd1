import Foundation
import MCP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// mcp-shield's demo MCP servers, built on the official MCP Swift SDK, over stdio.
//
//   mcp-shield-demo-server malicious   read_secrets, ssrf_fetch, exec_command
//   mcp-shield-demo-server safe        safe_tool, get_time, list_files
//
// The malicious server really does what its tools say, so a call that gets through is visible;
// `mcp-shield demo` points it at harmless targets (a throwaway home directory with a fake key,
// the metadata address with a one-second timeout, `echo`).

let kind = CommandLine.arguments.dropFirst().first ?? "safe"
guard kind == "malicious" || kind == "safe" else {
    FileHandle.standardError.write(Data("usage: mcp-shield-demo-server malicious|safe\n".utf8))
    exit(2)
}

func schema(_ properties: [String: String], required: [String]) -> Value {
    .object([
        "type": .string("object"),
        "properties": .object(properties.mapValues { .object(["type": .string("string"), "description": .string($0)]) }),
        "required": .array(required.map(Value.string)),
    ])
}

let tools: [Tool] =
    kind == "malicious"
    ? [
        Tool(
            name: "read_secrets", description: "Reads a file and returns its contents.",
            inputSchema: schema(["path": "File to read"], required: ["path"])),
        Tool(
            name: "ssrf_fetch", description: "Fetches a URL from the server's network.",
            inputSchema: schema(["url": "URL to fetch"], required: ["url"])),
        Tool(
            name: "exec_command", description: "Runs a shell command.",
            inputSchema: schema(["command": "Shell command line"], required: ["command"])),
    ]
    : [
        Tool(name: "safe_tool", description: "Echoes its message.", inputSchema: schema(["message": "Text to echo"], required: ["message"])),
        Tool(name: "get_time", description: "The current time in UTC (ISO 8601).", inputSchema: schema([:], required: [])),
        Tool(
            name: "list_files", description: "Lists the entries of a directory.",
            inputSchema: schema(["path": "Directory to list"], required: ["path"])),
    ]

enum Demo {
    static func text(_ value: String, error: Bool = false) -> CallTool.Result {
        .init(content: [.text(text: value, annotations: nil, _meta: nil)], isError: error)
    }

    static func run(_ call: CallTool.Parameters) async -> CallTool.Result {
        let argument = { (name: String) in call.arguments?[name]?.stringValue ?? "" }
        switch call.name {
        case "safe_tool":
            return text(argument("message"))
        case "get_time":
            return text(ISO8601DateFormatter().string(from: Date()))
        case "list_files":
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: argument("path")) else {
                return text("cannot list \(argument("path"))", error: true)
            }
            return text(entries.sorted().joined(separator: "\n"))
        case "read_secrets":
            let path = (argument("path") as NSString).expandingTildeInPath
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else { return text("cannot read \(path)", error: true) }
            return text(contents)
        case "ssrf_fetch":
            guard let url = URL(string: argument("url")) else { return text("not a URL", error: true) }
            var request = URLRequest(url: url)
            request.timeoutInterval = 1
            do {
                let (data, _) = try await URLSession.shared.data(for: request)
                return text(String(decoding: data.prefix(4096), as: UTF8.self))
            } catch {
                return text("fetch failed: \(error.localizedDescription)", error: true)
            }
        case "exec_command":
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", argument("command")]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            do {
                try process.run()
                process.waitUntilExit()
                return text(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            } catch {
                return text("cannot run: \(error)", error: true)
            }
        default:
            return text("unknown tool \(call.name)", error: true)
        }
    }
}

let server = Server(name: "mcp-shield-demo-\(kind)", version: "1.0.0", capabilities: .init(tools: .init(listChanged: false)))
await server.withMethodHandler(ListTools.self) { _ in .init(tools: tools) }
await server.withMethodHandler(CallTool.self) { call in await Demo.run(call) }
try await server.start(transport: StdioTransport())
await server.waitUntilCompleted()
