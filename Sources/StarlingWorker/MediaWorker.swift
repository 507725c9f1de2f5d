import Foundation
import Logging
import Metrics
import ServiceLifecycle
import StarlingDomain
import StarlingMedia
import StarlingStore

/// Processes queued uploads (PostgreSQL rows leased with `SKIP LOCKED`, polled) and deletes media
/// nobody will show: unattached uploads past their age, failed ones, those of deleted statuses.
///
/// At most `processor.concurrency` images are decoded at once, on the processor's own threads, so
/// fan-out on the same worker keeps its event loops and the cooperative pool.
public struct MediaWorker: Service {
    let store: MediaStore
    let components: MediaComponents
    let logger: Logger
    let processed = Counter(label: "starling_media_processed_total")
    let failed = Counter(label: "starling_media_failed_total")
    let duration = Metrics.Timer(label: "starling_media_process_duration_seconds", preferredDisplayUnit: .seconds)

    public init(database: Database, components: MediaComponents = .shared, logger: Logger) {
        store = MediaStore(database: database)
        self.components = components
        self.logger = logger
    }

    public func run() async throws {
        var lastSweep = ContinuousClock.now - .seconds(3600)
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let handled = await processPending()
            if ContinuousClock.now - lastSweep > .seconds(60) {
                lastSweep = .now
                do { _ = try await sweep() } catch { logger.warning("media sweep failed", metadata: ["error": "\(error)"]) }
            }
            // A full batch: look again at once.
            if handled < components.processor.concurrency {
                let pause = components.settings.pollInterval
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            }
        }
    }

    /// Leases and processes one batch (up to the processor's concurrency). Returns how many it handled.
    @discardableResult
    public func processPending() async -> Int {
        let rows: [MediaRow]
        do {
            // SIGTERM abandons a lease waiting for PostgreSQL (as the fan-out's): leased rows are
            // taken again after their lease; uploads already leased are processed to the end.
            let (store, limit) = (self.store, components.processor.concurrency)
            rows = try await cancelWhenGracefulShutdown { try await store.leasePending(limit: limit) }
        } catch {
            logger.warning("media lease failed", metadata: ["error": "\(error)"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for row in rows { group.addTask { await self.process(row) } }
        }
        return rows.count
    }

    func process(_ row: MediaRow) async {
        let storage = components.storage
        guard let incoming = row.incomingKey else {
            try? await store.markFailed(id: row.id, error: "The upload is missing")
            return
        }
        let start = ContinuousClock.now
        do {
            guard let size = try await storage.size(incoming) else {
                try await store.markFailed(id: row.id, error: "The upload is missing")
                return
            }
            let bytes = try await storage.read(incoming, offset: 0, length: min(size, components.settings.maxBytes + 1))
            let image: ProcessedImage
            do {
                image = try await components.processor.process(bytes)
            } catch let error as MediaError {
                failed.increment()
                try await store.markFailed(id: row.id, error: error.message)
                try? await storage.delete(incoming)
                return
            }
            let fileKey = try await storage.put(image.original, extension: image.originalFormat == .png ? "png" : "jpg")
            let previewKey = try await storage.put(image.preview, extension: "jpg")
            try await store.markReady(id: row.id, ProcessedMedia(
                fileKey: fileKey, fileType: image.originalFormat.mimeType, fileSize: image.original.count, previewKey: previewKey,
                width: image.width, height: image.height, previewWidth: image.previewWidth, previewHeight: image.previewHeight,
                blurhash: image.blurhash))
            try? await storage.delete(incoming)
            processed.increment()
            duration.recordInterval(since: start)
        } catch {
            // Storage or PostgreSQL trouble: the lease runs out and the upload is tried again.
            logger.warning("media processing failed; will retry", metadata: ["media": "\(row.id)", "error": "\(error)"])
        }
    }

    /// One cleanup pass. Returns the rows deleted.
    @discardableResult
    public func sweep() async throws -> Int {
        var total = 0
        while true {
            let (count, keys) = try await store.sweep(unattachedAge: components.settings.unattachedAgeSeconds)
            for key in keys { try? await components.storage.delete(key) }
            total += count
            if count < 500 { return total }
        }
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}

extension MediaWorker {
    /// Refuses a bad `STARLING_MEDIA_*` variable at start-up (api and worker), naming it; creates the root.
    public static func validateSettings() throws {
        let settings = try MediaSettings.fromEnvironment()
        do {
            try FileManager.default.createDirectory(atPath: settings.root, withIntermediateDirectories: true)
        } catch {
            throw DomainError.invalidSetting("STARLING_MEDIA_ROOT \(settings.root) cannot be created: \(error.localizedDescription)")
        }
    }
}
