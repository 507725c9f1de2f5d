import Foundation
import HTTPTypes
import StarlingDomain
import StarlingMedia
import StarlingStore
import StarlingTimelines
@testable import StarlingAPI
@testable import StarlingWorker
import Testing

/// Test images, made by libvips' command-line tool (`vips`, from libvips-tools) and edited by hand
/// where a case needs bytes no encoder writes (EXIF with GPS, a lying PNG header).
enum TestImages {
    /// A JPEG (or PNG, by `ext`) of noise, `width`×`height`.
    static func make(_ width: Int, _ height: Int, ext: String = "jpg") throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("starling-media-\(UUID().uuidString).\(ext)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/vips")
        process.arguments = ["gaussnoise", path, String(width), String(height)]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "vips gaussnoise failed")
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// An EXIF APP1 segment: Orientation = `orientation`, a GPS IFD at 52°30'N, 13°24'E, Make "StarlingCam".
    static func exif(orientation: UInt16) -> [UInt8] {
        var tiff: [UInt8] = Array("MM".utf8) + [0, 42, 0, 0, 0, 8]
        func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
        // IFD0 at 8: 3 entries (12 bytes each) + next-IFD pointer = 2 + 36 + 4 = 42 → data from 50.
        let make = Array("StarlingCam\0".utf8)  // 12 bytes at 50
        let gpsOffset: UInt32 = 62
        tiff += u16(3)
        tiff += u16(0x010F) + u16(2) + u32(UInt32(make.count)) + u32(50)  // Make
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + [0, 0]  // Orientation
        tiff += u16(0x8825) + u16(4) + u32(1) + u32(gpsOffset)  // GPSInfo
        tiff += u32(0)
        tiff += make
        // GPS IFD at 62: 4 entries + pointer = 2 + 48 + 4 = 54 → rationals from 116.
        tiff += u16(4)
        tiff += u16(1) + u16(2) + u32(2) + Array("N\0".utf8) + [0, 0]  // GPSLatitudeRef
        tiff += u16(2) + u16(5) + u32(3) + u32(116)  // GPSLatitude
        tiff += u16(3) + u16(2) + u32(2) + Array("E\0".utf8) + [0, 0]  // GPSLongitudeRef
        tiff += u16(4) + u16(5) + u32(3) + u32(140)  // GPSLongitude
        tiff += u32(0)
        for value in [52, 30, 0, 13, 24, 0] as [UInt32] { tiff += u32(value) + u32(1) }
        let payload = Array("Exif\0\0".utf8) + tiff
        return [0xFF, 0xE1] + u16(UInt16(payload.count + 2)) + payload
    }

    /// `jpeg` with the EXIF segment inserted after SOI.
    static func withExif(_ jpeg: [UInt8], orientation: UInt16) -> [UInt8] {
        Array(jpeg.prefix(2)) + exif(orientation: orientation) + Array(jpeg.dropFirst(2))
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard haystack.count >= pattern.count else { return false }
        return (0...(haystack.count - pattern.count)).contains { start in haystack[start..<start + pattern.count].elementsEqual(pattern) }
    }

    /// A PNG whose header declares `width`×`height` (and nothing after it).
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        for value in [width, height] { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
        return bytes + [8, 2, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 64)
    }
}

extension Harness {
    func upload(_ user: User, _ file: [UInt8], path: String = "/api/v1/media", filename: String = "image.jpg",
                fields: [String: String] = [:]) async throws -> Reply {
        let boundary = "starling-\(UUID().uuidString)"
        var body: [UInt8] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += file + Array("\r\n--\(boundary)--\r\n".utf8)
        return try await call(.post, path, token: user.token, rawBody: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    func postJSON(_ user: User, _ object: [String: Any]) async throws -> Reply {
        try await call(.post, "/api/v1/statuses", token: user.token, rawBody: [UInt8](try JSONSerialization.data(withJSONObject: object)),
                       contentType: "application/json")
    }

    /// The local path of a media URL the API gave.
    static func mediaPath(_ url: Any?) throws -> String {
        let text = try #require(url as? String)
        return String(text.dropFirst("http://starling.test".count))
    }

    var mediaWorker: MediaWorker { MediaWorker(database: database, logger: .init(label: "test.media")) }
}

@Suite(.serialized, .enabled(if: TestEnvironment.available))
struct MediaTests {
    @Test func uploadStripsMetadataAppliesOrientationAndServesFiles() async throws {
        try await Harness.with { h in
            let user = try await h.register("media")
            let original = TestImages.withExif(try TestImages.make(640, 480), orientation: 6)
            #expect(TestImages.contains(original, "StarlingCam"))
            let reply = try await h.upload(user, original, fields: ["description": "a noisy picture", "focus": "0.5,-0.25"])
            try #require(reply.status == .ok, "\(reply.status) \(String(decoding: reply.bytes, as: UTF8.self))")
            let media = reply.object
            #expect(media["type"] as? String == "image")
            #expect(media["description"] as? String == "a noisy picture")
            let meta = try #require(media["meta"] as? [String: Any])
            let originalMeta = try #require(meta["original"] as? [String: Any])
            // Orientation 6 turns 640×480 into 480×640.
            #expect(originalMeta["width"] as? Int == 480)
            #expect(originalMeta["height"] as? Int == 640)
            let small = try #require(meta["small"] as? [String: Any])
            #expect(small["height"] as? Int == 640 || small["width"] as? Int == 640)
            #expect(max(small["width"] as? Int ?? 0, small["height"] as? Int ?? 0) <= 640)
            let focus = try #require(meta["focus"] as? [String: Any])
            #expect(focus["x"] as? Double == 0.5 && focus["y"] as? Double == -0.25)
            let blurhash = try #require(media["blurhash"] as? String)
            #expect(blurhash.count == 28)

            let file = try await h.call(.get, try Harness.mediaPath(media["url"]))
            #expect(file.status == .ok)
            #expect(file.headers[.contentType] == "image/jpeg")
            #expect(file.headers[.cacheControl]?.contains("max-age=31536000") == true)
            let etag = try #require(file.headers[.eTag])
            #expect(Array(file.bytes.prefix(3)) == [0xFF, 0xD8, 0xFF])
            #expect(!TestImages.contains(file.bytes, "Exif"))
            #expect(!TestImages.contains(file.bytes, "StarlingCam"))
            let preview = try await h.call(.get, try Harness.mediaPath(media["preview_url"]))
            #expect(preview.status == .ok && !TestImages.contains(preview.bytes, "Exif"))

            // Ranges, revalidation, unknown files.
            var headers: HTTPFields = [.range: "bytes=0-9"]
            var ranged = try await h.client.executeRequest(uri: try Harness.mediaPath(media["url"]), method: .get, headers: headers, body: nil)
            #expect(ranged.status == .partialContent)
            #expect(ranged.body.readableBytes == 10)
            #expect(ranged.headers[.contentRange] == "bytes 0-9/\(file.bytes.count)")
            headers = [.range: "bytes=\(file.bytes.count + 5)-"]
            ranged = try await h.client.executeRequest(uri: try Harness.mediaPath(media["url"]), method: .get, headers: headers, body: nil)
            #expect(ranged.status == .rangeNotSatisfiable)
            headers = [.ifNoneMatch: etag]
            ranged = try await h.client.executeRequest(uri: try Harness.mediaPath(media["url"]), method: .get, headers: headers, body: nil)
            #expect(ranged.status == .notModified)
            #expect(try await h.call(.get, "/media/00/00/" + String(repeating: "0", count: 64) + ".jpg").status == .notFound)
            #expect(try await h.call(.get, "/media/..%2F/x/y.jpg").status == .notFound)
        }
    }

    @Test func asynchronousUploadIsProcessedByTheWorker() async throws {
        try await Harness.with { h in
            let user = try await h.register("media")
            let png = try TestImages.make(300, 200, ext: "png")
            // No worker runs in the harness: the API waits briefly, then answers 202.
            let accepted = try await h.upload(user, png, path: "/api/v2/media", filename: "x.png")
            try #require(accepted.status == .accepted, "\(accepted.status) \(String(decoding: accepted.bytes, as: UTF8.self))")
            #expect(accepted.object["url"] is NSNull)
            let id = accepted.string("id")
            #expect(try await h.call(.get, "/api/v1/media/\(id)", token: user.token).status == .partialContent)
            #expect(await h.mediaWorker.processPending() == 1)
            let ready = try await h.call(.get, "/api/v1/media/\(id)", token: user.token)
            #expect(ready.status == .ok)
            #expect(ready.object["url"] is String)
            #expect(ready.object["blurhash"] is String)
            // Someone else cannot see or change it.
            let other = try await h.register("media")
            #expect(try await h.call(.get, "/api/v1/media/\(id)", token: other.token).status == .notFound)
            #expect(try await h.call(.put, "/api/v1/media/\(id)", token: other.token, form: ["description": "x"]).status == .notFound)
            let updated = try await h.call(.put, "/api/v1/media/\(id)", token: user.token, form: ["description": "described", "focus": "0,1"])
            #expect(updated.status == .ok && updated.string("description") == "described")
            #expect(try await h.call(.put, "/api/v1/media/\(id)", token: user.token, form: ["focus": "2,0"]).status == .unprocessableContent)
        }
    }

    @Test func badInputIsRefusedAndNothingStored() async throws {
        try await Harness.with { h in
            let user = try await h.register("media")
            let jpeg = try TestImages.make(200, 150)
            let cases: [(String, [UInt8], String)] = [
                ("zero bytes", [], "empty"),
                ("truncated", Array(jpeg.prefix(jpeg.count / 2)), "truncated"),
                ("huge declared size", TestImages.pngHeader(width: 100_000, height: 100_000), "larger than the limit"),
                ("svg", Array(#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#.utf8), "content type is invalid"),
                ("html", Array("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".utf8), "content type is invalid"),
                ("bytes not matching", Array("GIF89a".utf8) + [16, 0, 16, 0] + [UInt8](repeating: 0x41, count: 200), "could not be processed"),
                ("video", [0, 0, 0, 24] + Array("ftypisom".utf8) + [UInt8](repeating: 0, count: 100), "Video and audio"),
            ]
            let before = try await h.database.query("test_media_count", "SELECT count(*) FROM media_attachments WHERE account_id = \(user.id)")
                .collect(Int64.self).first
            for (name, bytes, message) in cases {
                for path in ["/api/v1/media", "/api/v2/media"] {
                    var reply = try await h.upload(user, bytes, path: path, filename: "evil.png")
                    if path == "/api/v2/media", reply.status == .accepted {
                        // Only decoding finds this one, and no worker runs in the harness: run it, then ask.
                        await h.mediaWorker.processPending()
                        reply = try await h.call(.get, "/api/v1/media/\(reply.string("id"))", token: user.token)
                    }
                    #expect(reply.status == .unprocessableContent, "\(name) via \(path): \(reply.status)")
                    #expect(reply.error?.contains(message) == true, "\(name) via \(path): \(reply.error ?? "no error")")
                }
            }
            // No file part, not multipart, malformed multipart.
            #expect(try await h.call(.post, "/api/v1/media", token: user.token, form: ["description": "x"]).status == .unprocessableContent)
            let broken = try await h.call(.post, "/api/v1/media", token: user.token, rawBody: Array("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc".utf8),
                                          contentType: "multipart/form-data; boundary=b")
            #expect(broken.status == .unprocessableContent)
            let after = try await h.database.query("test_media_count", """
                SELECT count(*) FROM media_attachments WHERE account_id = \(user.id) AND state <> 'failed'
                """).collect(Int64.self).first
            #expect(before == after)
        }
    }

    @Test func statusesCarryTheirMedia() async throws {
        try await Harness.with { h in
            let author = try await h.register("media")
            let reader = try await h.register("media")
            try await h.follow(reader, author)
            try await h.buildHome(reader)
            var ids: [String] = []
            for _ in 0..<5 {
                let reply = try await h.upload(author, try TestImages.make(120, 80))
                try #require(reply.status == .ok)
                ids.append(reply.string("id"))
            }
            // More than four, someone else's, unknown.
            #expect(try await h.postJSON(author, ["status": "five", "media_ids": ids]).status == .unprocessableContent)
            let stranger = try await h.register("media")
            let theirs = try await h.postJSON(stranger, ["status": "not mine", "media_ids": [ids[0]]])
            #expect(theirs.status == .unprocessableContent)
            #expect(try await h.postJSON(author, ["status": "x", "media_ids": ["123"]]).status == .unprocessableContent)

            // Media only, no text.
            let posted = try await h.postJSON(author, ["status": "", "media_ids": [ids[1], ids[0]]])
            try #require(posted.status == .ok, "\(posted.status) \(String(decoding: posted.bytes, as: UTF8.self))")
            let attached = try #require(posted.object["media_attachments"] as? [[String: Any]])
            #expect(attached.map { $0["id"] as? String } == [ids[1], ids[0]])
            let statusId = posted.string("id")
            // Already attached: not again, and no longer editable.
            #expect(try await h.postJSON(author, ["status": "again", "media_ids": [ids[0]]]).status == .unprocessableContent)
            #expect(try await h.call(.put, "/api/v1/media/\(ids[0])", token: author.token, form: ["description": "x"]).status == .notFound)
            _ = try await h.post(author, "text only")

            // Read back: the status, the follower's home (after fan-out, through the status cache), only_media.
            let fetched = try await h.call(.get, "/api/v1/statuses/\(statusId)", token: reader.token)
            #expect((fetched.object["media_attachments"] as? [[String: Any]])?.count == 2)
            await h.drain()
            let home = try await h.call(.get, "/api/v1/timelines/home", token: reader.token)
            let inHome = home.array.first { $0["id"] as? String == statusId }
            #expect((inHome?["media_attachments"] as? [[String: Any]])?.count == 2)
            let onlyMedia = try await h.call(.get, "/api/v1/accounts/\(author.id)/statuses?only_media=true", token: reader.token)
            #expect(onlyMedia.ids == [statusId])
            let file = try await h.call(.get, try Harness.mediaPath(attached[0]["url"]))
            #expect(file.status == .ok && file.headers[.contentType] == "image/jpeg")

            // Deleting the status lets the sweep remove its media and their files.
            #expect(try await h.call(.delete, "/api/v1/statuses/\(statusId)", token: author.token).status == .ok)
            try await h.mediaWorker.sweep()
            let left = try await h.database.query("test_media_left", """
                SELECT count(*) FROM media_attachments WHERE id = ANY(\([Int64(ids[0])!, Int64(ids[1])!]))
                """).collect(Int64.self).first
            #expect(left == 0)
        }
    }

    @Test func editsChangeTheAttachments() async throws {
        try await Harness.with { h in
            let author = try await h.register("media")
            var ids: [String] = []
            for _ in 0..<3 {
                let reply = try await h.upload(author, try TestImages.make(64, 48))
                try #require(reply.status == .ok)
                ids.append(reply.string("id"))
            }
            let posted = try await h.postJSON(author, ["status": "first", "media_ids": [ids[0]]])
            try #require(posted.status == .ok)
            let statusId = posted.string("id")
            func edit(_ body: [String: Any]) async throws -> Harness.Reply {
                try await h.call(.put, "/api/v1/statuses/\(statusId)", token: author.token,
                                 rawBody: [UInt8](try JSONSerialization.data(withJSONObject: body)), contentType: "application/json")
            }
            func attached(_ reply: Harness.Reply) -> [String] {
                (reply.object["media_attachments"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            var reply = try await edit(["status": "second", "media_ids": [ids[1], ids[0]]])
            #expect(reply.status == .ok && attached(reply) == [ids[1], ids[0]])
            reply = try await edit(["status": "third"])  // no media_ids: unchanged
            #expect(attached(reply) == [ids[1], ids[0]])
            let fetched = try await h.call(.get, "/api/v1/statuses/\(statusId)", token: author.token)
            #expect(attached(fetched) == [ids[1], ids[0]] && fetched.object["content"] as? String == "<p>third</p>")
            let stranger = try await h.register("media")
            let theirs = try await h.upload(stranger, try TestImages.make(64, 48))
            #expect(try await edit(["status": "x", "media_ids": [theirs.string("id")]]).status == .unprocessableContent)
            reply = try await edit(["status": "fourth", "media_ids": [ids[2]]])
            #expect(attached(reply) == [ids[2]])
            // The dropped ones are free again (and swept with the unattached).
            #expect(try await h.call(.get, "/api/v1/media/\(ids[0])", token: author.token).status == .ok)
        }
    }

    @Test func unattachedMediaAreSweptAfterADay() async throws {
        try await Harness.with { h in
            let user = try await h.register("media")
            let fresh = try await h.upload(user, try TestImages.make(90, 60))
            let stale = try await h.upload(user, try TestImages.make(91, 60))
            try #require(fresh.status == .ok && stale.status == .ok)
            let staleId = try #require(Int64(stale.string("id")))
            try await h.database.query("test_media_age", "UPDATE media_attachments SET created_at = now() - interval '25 hours' WHERE id = \(staleId)")
            try await h.mediaWorker.sweep()
            #expect(try await h.call(.get, "/api/v1/media/\(staleId)", token: user.token).status == .notFound)
            #expect(try await h.call(.get, try Harness.mediaPath(stale.object["url"])).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/media/\(fresh.string("id"))", token: user.token).status == .ok)
            #expect(try await h.call(.get, try Harness.mediaPath(fresh.object["url"])).status == .ok)
            // Deleted by its owner: the row and its files go at once.
            #expect(try await h.call(.delete, "/api/v1/media/\(fresh.string("id"))", token: user.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/media/\(fresh.string("id"))", token: user.token).status == .notFound)
            #expect(try await h.call(.get, try Harness.mediaPath(fresh.object["url"])).status == .notFound)
            #expect(try await h.call(.get, try Harness.mediaPath(fresh.object["preview_url"])).status == .notFound)
        }
    }
}

@Suite struct MediaCodecTests {
    static let row: StatusRow = {
        var row = StatusRow(id: 42, accountId: 7, text: "a photo", spoilerText: "", sensitive: false, visibility: .public,
                            createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        row.media = [
            MediaRef(id: 1, fileKey: "ab/cd/" + String(repeating: "a", count: 64) + ".jpg", previewKey: nil, width: 640, height: 480,
                     previewWidth: 320, previewHeight: 240, blurhash: "L00000fQfQfQfQfQfQfQfQfQfQfQ", description: "ünïcode \"quoted\"",
                     focusX: 0.5, focusY: -1),
            MediaRef(id: 2, fileKey: nil, previewKey: nil, width: nil, height: nil, previewWidth: nil, previewHeight: nil,
                     blurhash: nil, description: "", focusX: 0, focusY: 0),
        ]
        return row
    }()

    @Test func mediaSurviveTheStatusCache() throws {
        let decoded = try #require(StatusRowCodec.decode(StatusRowCodec.encode(Self.row)))
        #expect(decoded == Self.row)
        var plain = Self.row
        plain.media = nil
        #expect(StatusRowCodec.decode(StatusRowCodec.encode(plain))?.media == nil)
        // A row without media is coded exactly as before media existed (flag bit 7 clear).
        #expect(StatusRowCodec.encode(plain)[17] & 0x80 == 0)
    }

    @Test func corruptMediaAreACacheMiss() {
        var bytes = StatusRowCodec.encode(Self.row)
        // Break the JSON (its last byte, `]`): the value is not a row, so it is read from PostgreSQL.
        bytes[bytes.count - 1] = UInt8(ascii: "x")
        #expect(StatusRowCodec.decode(bytes) == nil)
    }

    @Test func entityMatchesTheReferenceEncoder() throws {
        let entity = MediaAttachmentEntity(Self.row.media![0], baseURL: "https://example.test")
        let fast = try #require(try JSONSerialization.jsonObject(with: Data(JSON.bytes(entity, capacity: 1024))) as? NSDictionary)
        let reference = try #require(try JSONSerialization.jsonObject(with: JSON.encoder.encode(entity)) as? NSDictionary)
        #expect(fast == reference)
        #expect((fast["url"] as? String)?.hasPrefix("https://example.test/media/ab/cd/") == true)
    }
}
