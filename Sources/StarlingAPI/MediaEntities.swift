import Foundation
import StarlingMedia
import StarlingStore

/// Mastodon's MediaAttachment entity (images only on this server).
struct MediaAttachmentEntity: Encodable, Sendable {
    struct Size: Encodable, Sendable {
        var width: Int
        var height: Int
        var size: String
        var aspect: Double
    }

    struct Focus: Encodable, Sendable {
        var x: Double
        var y: Double
    }

    struct Meta: Encodable, Sendable {
        var original: Size?
        var small: Size?
        var focus: Focus
    }

    var id: String
    var type = "image"
    var url: Nullable<String>
    var previewUrl: Nullable<String>
    var remoteUrl = Nullable<String>(nil)
    var previewRemoteUrl = Nullable<String>(nil)
    var textUrl = Nullable<String>(nil)
    var meta: Meta
    var description: Nullable<String>
    var blurhash: Nullable<String>

    /// Files are served under `/media/<key>` by every API node (MediaRoutes.swift).
    init(_ ref: MediaRef, baseURL: String) {
        func size(_ width: Int?, _ height: Int?) -> Size? {
            guard let width, let height, width > 0, height > 0 else { return nil }
            return Size(width: width, height: height, size: "\(width)x\(height)", aspect: Double(width) / Double(height))
        }
        id = String(ref.id)
        url = Nullable(ref.fileKey.map { "\(baseURL)/media/\($0)" })
        previewUrl = Nullable(ref.previewKey.map { "\(baseURL)/media/\($0)" })
        meta = Meta(original: size(ref.width, ref.height), small: size(ref.previewWidth, ref.previewHeight),
                    focus: Focus(x: ref.focusX, y: ref.focusY))
        description = Nullable(ref.description.isEmpty ? nil : ref.description)
        blurhash = Nullable(ref.blurhash)
    }
}

extension MediaAttachmentEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("type", type)
        w.field("url", url)
        w.field("preview_url", previewUrl)
        w.field("remote_url", remoteUrl)
        w.field("preview_remote_url", previewRemoteUrl)
        w.field("text_url", textUrl)
        w.key("meta")
        w.beginObject()
        for (name, size) in [("original", meta.original), ("small", meta.small)] {
            guard let size else { continue }
            if name == "original" { w.key("original") } else { w.key("small") }
            w.beginObject()
            w.field("width", size.width)
            w.field("height", size.height)
            w.field("size", size.size)
            w.key("aspect")
            w.double(size.aspect)
            w.endObject()
        }
        w.key("focus")
        w.beginObject()
        w.key("x")
        w.double(meta.focus.x)
        w.key("y")
        w.double(meta.focus.y)
        w.endObject()
        w.endObject()
        w.field("description", description)
        w.field("blurhash", blurhash)
        w.endObject()
    }
}
