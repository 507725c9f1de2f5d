import CVipsShim
import NIOPosix
import StarlingDomain

/// An image as Starling stores it.
public struct ProcessedImage: Sendable {
    public var original: [UInt8]
    public var originalFormat: MediaFormat  // .png (alpha kept) or .jpeg
    public var width: Int
    public var height: Int
    public var preview: [UInt8]  // JPEG
    public var previewWidth: Int
    public var previewHeight: Int
    public var blurhash: String
}

/// Runs libvips on its own threads, never on an event loop or the cooperative pool, at most
/// `concurrency` images at a time (each libvips operation is single-threaded, see the shim), so a
/// burst of uploads takes `concurrency` cores at most and fan-out keeps the rest.
///
/// The checks that need no decoding (size, magic bytes, declared pixel count) run first; then
/// libvips reads the header and refuses an image larger than the limit before decoding it.
public final class ImageProcessor: Sendable {
    let pool: NIOThreadPool
    public let limits: MediaLimits
    public let concurrency: Int

    public init(concurrency: Int, limits: MediaLimits = .standard) {
        self.concurrency = max(1, concurrency)
        self.limits = limits
        pool = NIOThreadPool(numberOfThreads: self.concurrency)
        pool.start()
    }

    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    /// - Throws: `MediaError` for anything that is not a supported, intact image within the limits.
    public func process(_ bytes: [UInt8]) async throws -> ProcessedImage {
        _ = try MediaSniffer.check(bytes, limits: limits)
        let limits = self.limits
        return try await pool.runIfActive { try Self.processBlocking(bytes, limits: limits) }
    }

    /// The header check alone (the API's answer before queueing an upload). Blocking: call on the pool.
    public func checkHeader(_ bytes: [UInt8]) async throws -> MediaFormat {
        let format = try MediaSniffer.check(bytes, limits: limits)
        let limits = self.limits
        try await pool.runIfActive { try Self.header(bytes, limits: limits) }
        return format
    }

    static func header(_ bytes: [UInt8], limits: MediaLimits) throws {
        var width: Int32 = 0, height: Int32 = 0
        let status = bytes.withUnsafeBytes { buffer in
            starling_vips_header(buffer.baseAddress, buffer.count, &width, &height, nil, 0)
        }
        guard status == 0 else { throw MediaError.undecodable("unreadable header") }
        try MediaSniffer.checkPixels(width: Int(width), height: Int(height), limits: limits)
    }

    static func processBlocking(_ bytes: [UInt8], limits: MediaLimits) throws -> ProcessedImage {
        try header(bytes, limits: limits)
        var result = starling_vips_result()
        let status = bytes.withUnsafeBytes { buffer in
            starling_vips_process(buffer.baseAddress, buffer.count, Int64(limits.maxStoredPixels), Int32(limits.previewSize), &result)
        }
        defer { starling_vips_result_free(&result) }
        guard status == 0 else {
            let message = withUnsafeBytes(of: result.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let lowered = message.lowercased()
            if lowered.contains("truncat") || lowered.contains("premature") || lowered.contains("end of") || lowered.contains("short") {
                throw MediaError.truncated
            }
            throw MediaError.undecodable(message)
        }
        let original = Array(UnsafeBufferPointer(start: result.original, count: result.original_len))
        let preview = Array(UnsafeBufferPointer(start: result.preview, count: result.preview_len))
        let (sw, sh) = (Int(result.small_width), Int(result.small_height))
        let small = Array(UnsafeBufferPointer(start: result.small_rgb, count: sw * sh * 3))
        return ProcessedImage(
            original: original, originalFormat: result.original_png != 0 ? .png : .jpeg,
            width: Int(result.width), height: Int(result.height), preview: preview,
            previewWidth: Int(result.preview_width), previewHeight: Int(result.preview_height),
            blurhash: BlurHash.encode(pixels: small, width: sw, height: sh) ?? "")
    }
}
