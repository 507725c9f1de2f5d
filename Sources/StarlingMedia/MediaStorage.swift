import Crypto
import Foundation
import NIOPosix

/// Where attachment files live. Keys are content-addressed (`ab/cd/<sha256>.<ext>`), so a file is
/// never rewritten and every node may cache it forever; two uploads of the same bytes share a file.
public protocol MediaStorage: Sendable {
    /// Stores the bytes and returns their key.
    func put(_ bytes: [UInt8], extension ext: String) async throws -> String
    /// The file's size, or nil if there is none.
    func size(_ key: String) async throws -> Int?
    /// `length` bytes from `offset` (the caller has clamped both to the size).
    func read(_ key: String, offset: Int, length: Int) async throws -> [UInt8]
    func delete(_ key: String) async throws
}

/// Files under one root directory that every API and worker node mounts (the cluster's one folder,
/// compose's shared volume). File I/O runs on its own threads.
public final class FileMediaStorage: MediaStorage {
    public let root: URL
    let pool: NIOThreadPool

    public init(root: String, threads: Int = 2) {
        self.root = URL(fileURLWithPath: root, isDirectory: true)
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    /// A key is ours only if it has the shape `put` makes: no `..`, no absolute path.
    public static func isValidKey(_ key: String) -> Bool {
        if key.hasPrefix("in/") {  // an upload waiting for a worker: in/<media id>.bin
            let name = key.dropFirst(3)
            return name.hasSuffix(".bin") && name.dropLast(4).count <= 20 && !name.dropLast(4).isEmpty
                && name.dropLast(4).allSatisfy(\.isASCII) && name.dropLast(4).allSatisfy(\.isNumber)
        }
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 2, parts[1].count == 2 else { return false }
        let name = parts[2].split(separator: ".")
        guard name.count == 2, name[0].count == 64, ["jpg", "png", "bin", "webp", "gif", "heic"].contains(name[1]) else { return false }
        return key.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2F || $0 == 0x2E }
    }

    func url(_ key: String) throws -> URL {
        guard Self.isValidKey(key) else { throw CocoaError(.fileNoSuchFile) }
        return root.appendingPathComponent(key)
    }

    public func put(_ bytes: [UInt8], extension ext: String) async throws -> String {
        let hex = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let key = "\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex).\(ext)"
        let url = try url(key)
        try await pool.runIfActive {
            let manager = FileManager.default
            if manager.fileExists(atPath: url.path) { return }
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Written aside, then renamed: a reader never sees half a file.
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(hex).\(UInt64.random(in: 0...UInt64.max)).tmp")
            try Data(bytes).write(to: temporary)
            try manager.moveItem(at: temporary, to: url)
        }
        return key
    }

    /// Stores an upload awaiting processing under `in/<id>.bin` (not content-addressed: the
    /// worker deletes it when done, and another upload of the same bytes must not lose it).
    public func putIncoming(_ bytes: [UInt8], id: Int64) async throws -> String {
        let key = "in/\(id).bin"
        let url = try url(key)
        try await pool.runIfActive {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        }
        return key
    }

    public func size(_ key: String) async throws -> Int? {
        guard let url = try? url(key) else { return nil }
        return try await pool.runIfActive {
            (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
        }
    }

    public func read(_ key: String, offset: Int, length: Int) async throws -> [UInt8] {
        let url = try url(key)
        return try await pool.runIfActive {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(offset))
            return [UInt8](try handle.read(upToCount: length) ?? Data())
        }
    }

    public func delete(_ key: String) async throws {
        let url = try url(key)
        try await pool.runIfActive {
            do { try FileManager.default.removeItem(at: url) } catch CocoaError.fileNoSuchFile {}
        }
    }
}
