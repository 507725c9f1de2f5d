import Foundation

/// What an uploaded file is, judged from its first bytes only (never its name or declared type).
public enum MediaFormat: String, Sendable, Equatable, CaseIterable {
    case jpeg, png, webp, gif, heic

    public var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .gif: "image/gif"
        case .heic: "image/heic"
        }
    }
}

/// Why an upload is refused. Each is a 422 with `message` (the API adds nothing else).
public enum MediaError: Error, Equatable, Sendable {
    case empty
    case tooLarge(limit: Int)
    case videoOrAudio
    case unsupported
    case truncated
    case tooManyPixels(width: Int, height: Int, limit: Int)
    case invalidFocus
    case descriptionTooLong(limit: Int)
    case undecodable(String)

    public var message: String {
        switch self {
        case .empty: "Validation failed: File is empty"
        case .tooLarge(let limit): "Validation failed: File must be less than \(limit / 1_048_576) MB"
        case .videoOrAudio: "Validation failed: Video and audio uploads are not supported on this server yet"
        case .unsupported: "Validation failed: File content type is invalid (supported: JPEG, PNG, WebP, GIF, HEIC)"
        case .truncated: "Validation failed: File is truncated or corrupt"
        case .tooManyPixels(let width, let height, let limit):
            "Validation failed: Image of \(width)x\(height) pixels is larger than the limit of \(limit) pixels"
        case .invalidFocus: "Validation failed: Focus must be two numbers from -1.0 to 1.0, as \"x,y\""
        case .descriptionTooLong(let limit): "Validation failed: Description is too long (maximum is \(limit) characters)"
        case .undecodable: "Validation failed: File could not be processed as an image"
        }
    }
}

/// The limits an upload is held to.
public struct MediaLimits: Sendable, Equatable {
    /// Largest accepted upload in bytes (Mastodon: 16 MB for images).
    public var maxBytes: Int
    /// Largest decoded size accepted, judged from the header before decoding (Mastodon's 7680×4320).
    public var maxInputPixels: Int
    /// The stored original is scaled down to at most this many pixels.
    public var maxStoredPixels: Int
    /// The preview's long side.
    public var previewSize: Int
    public var maxDescription: Int
    public var maxAttachments: Int

    public init(maxBytes: Int = 16 * 1_048_576, maxInputPixels: Int = 7680 * 4320, maxStoredPixels: Int = 16_000_000,
                previewSize: Int = 640, maxDescription: Int = 1500, maxAttachments: Int = 4) {
        self.maxBytes = maxBytes
        self.maxInputPixels = maxInputPixels
        self.maxStoredPixels = maxStoredPixels
        self.previewSize = previewSize
        self.maxDescription = maxDescription
        self.maxAttachments = maxAttachments
    }

    public static let standard = MediaLimits()
}

/// Sniffing and header checks on upload bytes: what can be refused before anything is decoded.
public enum MediaSniffer {
    /// The format the bytes start with.
    /// - Throws: `.empty`, `.videoOrAudio` for known video/audio containers, `.unsupported` otherwise
    ///   (SVG, HTML, text, PDF … whatever the name says).
    public static func format(of bytes: some Collection<UInt8>) throws(MediaError) -> MediaFormat {
        let head = Array(bytes.prefix(32))
        if head.isEmpty { throw .empty }
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + prefix.count && Array(head[offset..<offset + prefix.count]) == prefix
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("ftyp".utf8), at: 4), head.count >= 12 {
            let brand = String(decoding: head[8..<12], as: UTF8.self)
            if ["heic", "heix", "heim", "heis", "mif1", "msf1", "hevc", "hevx"].contains(brand) { return .heic }
            throw .videoOrAudio  // mp4, mov, m4a, 3gp …
        }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) || starts(Array("OggS".utf8)) || starts(Array("ID3".utf8))
            || starts([0xFF, 0xFB]) || starts([0xFF, 0xF3]) || starts(Array("fLaC".utf8))
            || (starts(Array("RIFF".utf8)) && (starts(Array("WAVE".utf8), at: 8) || starts(Array("AVI ".utf8), at: 8))) {
            throw .videoOrAudio
        }
        throw .unsupported
    }

    /// The dimensions the header declares, where the format's header is simple enough to read here
    /// (nil for HEIC and for a JPEG whose frame header is past the first 256 KB: libvips' header
    /// read decides those). - Throws: `.truncated` when the header itself is cut short.
    public static func declaredSize(of bytes: [UInt8], format: MediaFormat) throws(MediaError) -> (width: Int, height: Int)? {
        func be16(_ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i + 1]) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        func le16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func le24(_ i: Int) -> Int { le16(i) | Int(bytes[i + 2]) << 16 }
        switch format {
        case .png:
            // Signature, then the IHDR chunk: length, "IHDR", width, height.
            guard bytes.count >= 24, bytes[12..<16].elementsEqual("IHDR".utf8) else { throw .truncated }
            return (be32(16), be32(20))
        case .gif:
            guard bytes.count >= 10 else { throw .truncated }
            return (le16(6), le16(8))
        case .webp:
            guard bytes.count >= 30 else { throw .truncated }
            let chunk = String(decoding: bytes[12..<16], as: UTF8.self)
            switch chunk {
            case "VP8 ": return (le16(26) & 0x3FFF, le16(28) & 0x3FFF)
            case "VP8L":
                let b = bytes[21...24].map(Int.init)
                let width = 1 + (b[0] | (b[1] & 0x3F) << 8)
                let height = 1 + (b[1] >> 6 | b[2] << 2 | (b[3] & 0x0F) << 10)
                return (width, height)
            case "VP8X": return (1 + le24(24), 1 + le24(27))
            default: throw .truncated
            }
        case .jpeg:
            // Walk the segments to the first start-of-frame marker.
            var i = 2
            let end = min(bytes.count, 256 * 1024)
            while i + 9 < end {
                guard bytes[i] == 0xFF else { throw .truncated }
                let marker = bytes[i + 1]
                if marker == 0xFF { i += 1; continue }
                if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
                let isFrame = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
                if isFrame { return (be16(i + 7), be16(i + 5)) }
                if marker == 0xD9 || marker == 0xDA { throw .truncated }  // image data before any frame header
                i += 2 + be16(i + 2)
            }
            // The whole file was searched and holds no frame header: it is cut short (or no JPEG).
            if bytes.count <= 256 * 1024 { throw .truncated }
            return nil
        case .heic:
            return nil
        }
    }

    /// Everything that can be judged without decoding: size, format, declared pixel count.
    public static func check(_ bytes: [UInt8], limits: MediaLimits) throws(MediaError) -> MediaFormat {
        if bytes.isEmpty { throw .empty }
        if bytes.count > limits.maxBytes { throw .tooLarge(limit: limits.maxBytes) }
        let format = try format(of: bytes)
        if let (width, height) = try declaredSize(of: bytes, format: format) {
            try checkPixels(width: width, height: height, limits: limits)
        }
        return format
    }

    /// A decompression bomb is refused by its declared size, before any pixel is decoded.
    public static func checkPixels(width: Int, height: Int, limits: MediaLimits) throws(MediaError) {
        guard width > 0, height > 0 else { throw .truncated }
        if width.multipliedReportingOverflow(by: height).partialValue > limits.maxInputPixels || width > 65_535 || height > 65_535 {
            throw .tooManyPixels(width: width, height: height, limit: limits.maxInputPixels)
        }
    }
}

/// Mastodon's focal point: "x,y", each from -1.0 (left, bottom) to 1.0 (right, top).
public struct MediaFocus: Sendable, Equatable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// - Throws: `.invalidFocus` for anything but two finite numbers in range.
    public static func parse(_ text: String) throws(MediaError) -> MediaFocus {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let x = Double(parts[0].trimmingCharacters(in: .whitespaces)),
              let y = Double(parts[1].trimmingCharacters(in: .whitespaces)),
              x.isFinite, y.isFinite, (-1...1).contains(x), (-1...1).contains(y) else { throw .invalidFocus }
        return MediaFocus(x: x, y: y)
    }
}

/// The BlurHash encoding (https://blurha.sh) of a small sRGB image: the placeholder clients draw
/// while the preview loads.
public enum BlurHash {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~")

    /// - Parameters: `pixels`, `width`×`height`×3 bytes (RGB, row-major); 1–9 components per axis.
    /// - Returns: nil if the sizes do not match.
    public static func encode(pixels: [UInt8], width: Int, height: Int, componentsX: Int = 4, componentsY: Int = 3) -> String? {
        guard width > 0, height > 0, pixels.count == width * height * 3,
              (1...9).contains(componentsX), (1...9).contains(componentsY) else { return nil }
        let linear = pixels.map { srgbToLinear($0) }
        var factors: [(Double, Double, Double)] = []
        for j in 0..<componentsY {
            for i in 0..<componentsX {
                let normalisation = (i == 0 && j == 0) ? 1.0 : 2.0
                var (r, g, b) = (0.0, 0.0, 0.0)
                for y in 0..<height {
                    let cy = cos(Double.pi * Double(j) * Double(y) / Double(height))
                    for x in 0..<width {
                        let basis = normalisation * cos(Double.pi * Double(i) * Double(x) / Double(width)) * cy
                        let p = (y * width + x) * 3
                        r += basis * linear[p]
                        g += basis * linear[p + 1]
                        b += basis * linear[p + 2]
                    }
                }
                let scale = 1.0 / Double(width * height)
                factors.append((r * scale, g * scale, b * scale))
            }
        }
        var hash = ""
        hash += encode83((componentsX - 1) + (componentsY - 1) * 9, length: 1)
        let ac = factors.dropFirst()
        var maximumValue = 1.0
        if ac.isEmpty {
            hash += encode83(0, length: 1)
        } else {
            let actualMax = ac.map { max(abs($0.0), abs($0.1), abs($0.2)) }.max() ?? 0
            let quantisedMax = max(0, min(82, Int((actualMax * 166 - 0.5).rounded(.down))))
            maximumValue = Double(quantisedMax + 1) / 166
            hash += encode83(quantisedMax, length: 1)
        }
        let dc = factors[0]
        hash += encode83(linearToSrgb(dc.0) << 16 | linearToSrgb(dc.1) << 8 | linearToSrgb(dc.2), length: 4)
        for factor in ac {
            func quantise(_ value: Double) -> Int {
                max(0, min(18, Int((signPow(value / maximumValue, 0.5) * 9 + 9.5).rounded(.down))))
            }
            hash += encode83(quantise(factor.0) * 19 * 19 + quantise(factor.1) * 19 + quantise(factor.2), length: 2)
        }
        return hash
    }

    static func encode83(_ value: Int, length: Int) -> String {
        var out = ""
        var divisor = 1
        for _ in 1..<max(length, 1) { divisor *= 83 }
        for _ in 0..<length {
            out.append(alphabet[(value / divisor) % 83])
            divisor = max(divisor / 83, 1)
        }
        return out
    }

    static func srgbToLinear(_ value: UInt8) -> Double {
        let v = Double(value) / 255
        return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    static func linearToSrgb(_ value: Double) -> Int {
        let v = max(0, min(1, value))
        return v <= 0.0031308 ? Int(v * 12.92 * 255 + 0.5) : Int((1.055 * pow(v, 1 / 2.4) - 0.055) * 255 + 0.5)
    }

    static func signPow(_ value: Double, _ exponent: Double) -> Double {
        (value < 0 ? -1 : 1) * pow(abs(value), exponent)
    }
}
