import Foundation
import StarlingDomain

/// Media settings, from `STARLING_MEDIA_*` variables (every api and worker node reads the same).
public struct MediaSettings: Sendable {
    /// `STARLING_MEDIA_ROOT`: the folder every node shares (default: `starling-media` in the temporary folder).
    public var root: String = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("starling-media").path
    /// `STARLING_MEDIA_CONCURRENCY`: images processed at once per process (default: half the cores,
    /// at least 1, so a burst of uploads leaves fan-out the other half; on 2 cores, 2 at once took
    /// twice as long per image as 1 and doubled post-to-home latency).
    public var concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    /// `STARLING_MEDIA_MAX_BYTES`: largest upload (default 16 MB).
    public var maxBytes = 16 * 1_048_576
    /// `STARLING_MEDIA_POLL_MS`: how often a worker looks for queued uploads (default 200 ms).
    public var pollInterval: Duration = .milliseconds(200)
    /// `STARLING_MEDIA_UNATTACHED_SECONDS`: unattached uploads older than this are deleted (default a day).
    public var unattachedAgeSeconds = 86_400

    public init() {}

    public var limits: MediaLimits { MediaLimits(maxBytes: maxBytes) }

    /// - Throws: `DomainError.invalidSetting` naming the bad variable.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MediaSettings {
        var settings = MediaSettings()
        func int(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw DomainError.invalidSetting("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not \(text)")
            }
            return value
        }
        if let root = environment["STARLING_MEDIA_ROOT"], !root.isEmpty { settings.root = root }
        if let value = try int("STARLING_MEDIA_CONCURRENCY", 1...64) { settings.concurrency = value }
        if let value = try int("STARLING_MEDIA_MAX_BYTES", 1024...(200 * 1_048_576)) { settings.maxBytes = value }
        if let value = try int("STARLING_MEDIA_POLL_MS", 10...60_000) { settings.pollInterval = .milliseconds(value) }
        if let value = try int("STARLING_MEDIA_UNATTACHED_SECONDS", 1...(365 * 86_400)) { settings.unattachedAgeSeconds = value }
        return settings
    }
}

/// The process's media parts, built on first use from the environment: the processing pool (its
/// threads start only then) and the storage.
public final class MediaComponents: Sendable {
    public let settings: MediaSettings
    public let processor: ImageProcessor
    public let storage: FileMediaStorage

    public init(settings: MediaSettings) {
        self.settings = settings
        processor = ImageProcessor(concurrency: settings.concurrency, limits: settings.limits)
        storage = FileMediaStorage(root: settings.root)
    }

    /// A bad variable was already refused at start-up (`fromEnvironment` in the commands); here the
    /// defaults stand in.
    public static let shared = MediaComponents(settings: (try? MediaSettings.fromEnvironment()) ?? MediaSettings())
}
