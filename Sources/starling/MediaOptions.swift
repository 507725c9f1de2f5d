import ArgumentParser
import Foundation
import StarlingWorker

/// Media options of the api and worker roles (every node must see the same root). Flags are
/// passed on as their `STARLING_MEDIA_*` variables, which the media parts read (`MediaSettings`).
struct MediaOptions: ParsableArguments {
    @Option(help: "Folder of media files, shared by every api and worker node. Env STARLING_MEDIA_ROOT. Default: starling-media in the temporary folder.")
    var mediaRoot: String?

    @Option(help: "Images processed at once per process (libvips, on its own threads). Env STARLING_MEDIA_CONCURRENCY. Default: half the cores (at least 1).")
    var mediaConcurrency: Int?

    @Option(help: "Largest upload in bytes. Env STARLING_MEDIA_MAX_BYTES. Default 16777216 (16 MB).")
    var mediaMaxBytes: Int?

    @Option(help: "How often a worker looks for queued uploads, in milliseconds. Env STARLING_MEDIA_POLL_MS. Default 200.")
    var mediaPollMs: Int?

    @Option(help: "Age in seconds after which unattached uploads are deleted. Env STARLING_MEDIA_UNATTACHED_SECONDS. Default 86400.")
    var mediaUnattachedSeconds: Int?

    /// Exports the flags given, then checks every media setting (a bad one stops start-up, named).
    func apply() throws {
        let flags: [(String, String?)] = [
            ("STARLING_MEDIA_ROOT", mediaRoot), ("STARLING_MEDIA_CONCURRENCY", mediaConcurrency.map(String.init)),
            ("STARLING_MEDIA_MAX_BYTES", mediaMaxBytes.map(String.init)), ("STARLING_MEDIA_POLL_MS", mediaPollMs.map(String.init)),
            ("STARLING_MEDIA_UNATTACHED_SECONDS", mediaUnattachedSeconds.map(String.init)),
        ]
        for case let (name, value?) in flags { setenv(name, value, 1) }
        do {
            try MediaWorker.validateSettings()
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
