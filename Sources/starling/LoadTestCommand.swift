import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `starling loadtest …` runs `starling-loadtest …`. The harness is its own executable (the
/// `starling-loadtest` product), so this binary does not link it; this forwarder keeps
/// `starling loadtest` (and the compose file's `loadtest` service) working where both are installed.
struct LoadTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Run starling-loadtest, the load-test harness installed next to starling (see loadtest/README.md).",
        helpNames: []  // `--help` goes to starling-loadtest, which lists the harness's flags
    )

    @Argument(parsing: .captureForPassthrough, help: "Flags of starling-loadtest (starling-loadtest --help).")
    var arguments: [String] = []

    func run() throws {
        guard let path = Self.harnessPath() else {
            throw ValidationError("starling-loadtest not found next to \(Self.ownPath() ?? "starling") or on PATH (swift build --product starling-loadtest)")
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        throw ValidationError("cannot run \(path): \(String(cString: strerror(errno)))")
    }

    static func ownPath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }

    /// The sibling of this executable (symbolic links resolved), else the first on PATH.
    static func harnessPath() -> String? {
        var candidates: [String] = []
        if let own = ownPath() { candidates.append((own as NSString).deletingLastPathComponent + "/starling-loadtest") }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        candidates += path.split(separator: ":").map { $0 + "/starling-loadtest" }
        return candidates.first { access($0, X_OK) == 0 }
    }
}
