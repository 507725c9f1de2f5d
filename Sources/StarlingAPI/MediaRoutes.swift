import Foundation
import HTTPTypes
import Hummingbird
import StarlingDomain
import StarlingMedia
import StarlingStore

/// Which requests carry an upload whose body the route reads itself (`Params` leaves it alone).
enum MediaUpload {
    static func readsOwnBody(_ request: Request) -> Bool {
        guard request.method == .post || request.method == .put,
              request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true else { return false }
        let path = request.uri.path
        return path == "/api/v1/media" || path == "/api/v2/media" || path.hasPrefix("/api/v1/media/")
    }
}

extension OAuthScope {
    static let writeMedia = granular(.write, "media")
}

extension MastodonRoutes {
    func registerMedia(on routes: APIRoutes) {
        let media = routes.authenticated(.writeMedia)
        media.post("/api/v2/media") { request, context in try await uploadMedia(request, context, synchronous: false) }
        media.post("/api/v1/media") { request, context in try await uploadMedia(request, context, synchronous: true) }
        media.get("/api/v1/media/:id") { _, context in try await getMedia(context, id: context.parameters.get("id")) }
        media.put("/api/v1/media/:id") { request, context in try await updateMedia(request, context, id: context.parameters.get("id")) }
        media.delete("/api/v1/media/:id") { _, context in try await deleteMedia(context, id: context.parameters.get("id")) }
        routes.plain.get("/media/:a/:b/:file") { request, context in
            try await serveMediaFile(request, key: [context.parameters.get("a"), context.parameters.get("b"), context.parameters.get("file")]
                .map { $0 ?? "" }.joined(separator: "/"))
        }
    }

    var mediaComponents: MediaComponents { .shared }
    var mediaStore: MediaStore { MediaStore(database: services.database) }

    func mediaEntity(_ ref: MediaRef) -> MediaAttachmentEntity {
        MediaAttachmentEntity(ref, baseURL: services.settings.publicURL)
    }

    /// The multipart body of an upload, read here under the upload limit (plus room for the other fields).
    func multipartForm(_ request: Request) async throws -> MultipartForm? {
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        guard let boundary = MultipartForm.boundary(contentType: contentType) else {
            throw MastodonError(.badRequest, "multipart/form-data without a valid boundary")
        }
        let limit = mediaComponents.settings.maxBytes
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit + 64 * 1024)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw MastodonError(.contentTooLarge, MediaError.tooLarge(limit: limit).message)
        }
        do {
            return try MultipartForm.parse(Array(buffer.readableBytesView), boundary: boundary)
        } catch {
            throw MastodonError(.unprocessableContent, "Validation failed: the multipart body is malformed (\(error))")
        }
    }

    /// `description` and `focus` from the multipart form or the ordinary parameters.
    func mediaFields(_ form: MultipartForm?, _ context: StarlingRequestContext) throws -> (description: String?, focus: MediaFocus?) {
        func field(_ name: String) throws -> String? {
            if let form {
                guard let part = form.part(name) else { return nil }
                guard let text = String(validating: part.body, as: UTF8.self) else {
                    throw MastodonError(.unprocessableContent, "Validation failed: \(name) is not valid UTF-8")
                }
                return text
            }
            return context.params[name]
        }
        let description = try field("description")
        if let description {
            if description.count > MediaLimits.standard.maxDescription {
                throw MastodonError(.unprocessableContent, MediaError.descriptionTooLong(limit: MediaLimits.standard.maxDescription).message)
            }
            if description.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
                throw MastodonError(.unprocessableContent, "Validation failed: Description contains control characters")
            }
        }
        var focus: MediaFocus?
        if let text = try field("focus"), !text.isEmpty {
            do { focus = try MediaFocus.parse(text) } catch { throw MastodonError(.unprocessableContent, error.message) }
        }
        return (description, focus)
    }

    func uploadMedia(_ request: Request, _ context: StarlingRequestContext, synchronous: Bool) async throws -> Response {
        let user = try context.requireUser()
        guard let form = try await multipartForm(request) else {
            throw MastodonError(.unprocessableContent, "Validation failed: File can't be blank (send multipart/form-data with a file part)")
        }
        guard let file = form.part("file") else { throw MastodonError(.unprocessableContent, "Validation failed: File can't be blank") }
        let (description, focus) = try mediaFields(form, context)
        let components = mediaComponents
        let bytes = file.body
        let id = services.ids.next()
        if synchronous {
            let image: ProcessedImage
            do { image = try await components.processor.process(bytes) } catch let error as MediaError {
                throw MastodonError(.unprocessableContent, error.message)
            }
            let fileKey = try await components.storage.put(image.original, extension: image.originalFormat == .png ? "png" : "jpg")
            let previewKey = try await components.storage.put(image.preview, extension: "jpg")
            let row = try await mediaStore.createReady(
                id: id, account: user.id, description: description ?? "", focus: focus ?? MediaFocus(x: 0, y: 0),
                ProcessedMedia(fileKey: fileKey, fileType: image.originalFormat.mimeType, fileSize: image.original.count,
                               previewKey: previewKey, width: image.width, height: image.height,
                               previewWidth: image.previewWidth, previewHeight: image.previewHeight, blurhash: image.blurhash))
            return try JSON.response(mediaEntity(row.ref))
        }
        // Asynchronous: everything that needs no decoding is refused here; a worker decodes.
        do { _ = try await components.processor.checkHeader(bytes) } catch let error as MediaError {
            throw MastodonError(.unprocessableContent, error.message)
        }
        let incoming = try await components.storage.putIncoming(bytes, id: id)
        var row = try await mediaStore.create(id: id, account: user.id, incomingKey: incoming, description: description ?? "",
                                              focus: focus ?? MediaFocus(x: 0, y: 0))
        // A worker usually finishes an image within moments: wait briefly, so the client gets the
        // finished attachment (200) or the refusal (422) at once, and 202 only for a slow one.
        let deadline = ContinuousClock.now + .milliseconds(1500)
        while row.state == .pending, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            guard let current = try await mediaStore.media(id: id) else { break }
            row = current
        }
        switch row.state {
        case .ready: return try JSON.response(mediaEntity(row.ref))
        case .pending: return try JSON.response(mediaEntity(row.ref), status: .accepted)
        case .failed:
            _ = try await mediaStore.deleteUnattached(id: id, account: user.id)
            throw MastodonError(.unprocessableContent, row.error ?? MediaError.undecodable("").message)
        }
    }

    /// One's own attachment, or a 404.
    func ownMedia(_ id: String?, account: Int64) async throws -> MediaRow {
        guard let id = id.flatMap({ Int64($0) }), let row = try await mediaStore.media(id: id), row.accountId == account else {
            throw MastodonError.notFound
        }
        return row
    }

    func mediaResponse(_ row: MediaRow) throws -> Response {
        switch row.state {
        case .ready: return try JSON.response(mediaEntity(row.ref))
        case .pending: return try JSON.response(mediaEntity(row.ref), status: .partialContent)
        case .failed: throw MastodonError(.unprocessableContent, row.error ?? "Validation failed: File could not be processed")
        }
    }

    func getMedia(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        return try mediaResponse(try await ownMedia(id, account: user.id))
    }

    func updateMedia(_ request: Request, _ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        let form = try await multipartForm(request)
        let (description, focus) = try mediaFields(form, context)
        let row = try await ownMedia(id, account: user.id)
        guard row.statusId == nil else { throw MastodonError.notFound }  // attached: Mastodon finds only unattached ones
        do {
            return try mediaResponse(try await mediaStore.update(id: row.id, account: user.id, description: description, focus: focus))
        } catch DomainError.notFound {
            throw MastodonError.notFound
        }
    }

    func deleteMedia(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        let row = try await ownMedia(id, account: user.id)
        guard row.statusId == nil, let deleted = try await mediaStore.deleteUnattached(id: row.id, account: user.id) else {
            throw MastodonError(.unprocessableContent, "Validation failed: Media attachment is attached to a status")
        }
        // Its files go unless another row shares them (content-addressed keys).
        let keys = [deleted.ref.fileKey, deleted.ref.previewKey, deleted.incomingKey].compactMap { $0 }
        for key in try await mediaStore.unusedKeys(keys) { try? await mediaComponents.storage.delete(key) }
        return try JSON.response(mediaEntity(deleted.ref))
    }

    /// A stored file: content-addressed, so its ETag is its hash and it may be cached for a year.
    /// One byte range (`Range: bytes=a-b`, `a-`, `-n`) answers 206; an unsatisfiable one 416.
    func serveMediaFile(_ request: Request, key: String) async throws -> Response {
        let storage = mediaComponents.storage
        guard FileMediaStorage.isValidKey(key), !key.hasPrefix("in/"), let size = try await storage.size(key) else {
            throw MastodonError.notFound
        }
        let name = key.split(separator: "/").last.map(String.init) ?? ""
        let etag = "\"\(name.split(separator: ".").first ?? "")\""
        var headers: HTTPFields = [
            .contentType: name.hasSuffix(".png") ? "image/png" : "image/jpeg",
            .eTag: etag,
            .cacheControl: "public, max-age=31536000, immutable",
            .acceptRanges: "bytes",
        ]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            let tag = $0.trimmingCharacters(in: .whitespaces)
            return tag == etag || tag == "W/\(etag)" || tag == "*"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        var range = 0..<size
        var status = HTTPResponse.Status.ok
        if let header = request.headers[.range] {
            guard let requested = ByteRange.parse(header, size: size) else {
                headers[.contentRange] = "bytes */\(size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            if requested != range {
                range = requested
                status = .partialContent
                headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)"
            }
        }
        let bytes = try await storage.read(key, offset: range.lowerBound, length: range.count)
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// One `Range: bytes=…` request (RFC 9110 §14.1.2). Several ranges are answered with the whole file.
enum ByteRange {
    /// The range within `size`, the whole file for a multi-range or non-`bytes` header, nil if unsatisfiable.
    static func parse(_ header: String, size: Int) -> Range<Int>? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes=") else { return 0..<size }
        let spec = text.dropFirst(6)
        if spec.contains(",") { return 0..<size }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let (first, last) = (parts[0].trimmingCharacters(in: .whitespaces), parts[1].trimmingCharacters(in: .whitespaces))
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0, size > 0 else { return nil }
            return max(0, size - suffix)..<size
        }
        guard let start = Int(first), start >= 0, start < size else { return nil }
        if last.isEmpty { return start..<size }
        guard let end = Int(last), end >= start else { return nil }
        return start..<min(end + 1, size)
    }
}

extension MastodonRoutes {
    /// `media_ids[]` of a new status: at most four, distinct, the poster's own, ready and not attached.
    /// - Throws: 422 naming the problem (nothing is written).
    func mediaIdsToAttach(_ params: Params, account: Int64, editing: Int64? = nil) async throws -> [Int64] {
        let texts = params.list("media_ids").filter { !$0.isEmpty }
        if texts.isEmpty { return [] }
        let limit = MediaLimits.standard.maxAttachments
        guard texts.count <= limit else {
            throw MastodonError(.unprocessableContent, "Validation failed: You can attach at most \(limit) media files")
        }
        var ids: [Int64] = []
        for text in texts {
            guard let id = Int64(text) else { throw MastodonError(.unprocessableContent, "Validation failed: Media attachment \(text) was not found") }
            if !ids.contains(id) { ids.append(id) }
        }
        if let problem = try await mediaStore.attachProblem(ids: ids, account: account, editing: editing) {
            throw MastodonError(.unprocessableContent, problem)
        }
        return ids
    }
}

extension MastodonRoutes {
    /// An edit's `media_ids[]`: nil when the edit does not name them (the attachments stay), else
    /// the new list (empty removes them), checked as for a post but the status's own may stay.
    func mediaIdsForEdit(_ params: Params, status: Int64, account: Int64) async throws -> [Int64]? {
        guard params["media_ids[]"] != nil || params["media_ids"] != nil else { return nil }
        return try await mediaIdsToAttach(params, account: account, editing: status)
    }
}
