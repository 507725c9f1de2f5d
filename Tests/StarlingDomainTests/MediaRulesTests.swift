import Foundation
import Testing
@testable import StarlingDomain

@Suite struct MediaSnifferTests {
    static func png(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        bytes += Array("IHDR".utf8)
        for value in [width, height] { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
        bytes += [8, 2, 0, 0, 0, 0, 0, 0, 0]
        return bytes
    }

    @Test func formatsFromMagicBytes() throws {
        #expect(try MediaSniffer.format(of: [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]) == .jpeg)
        #expect(try MediaSniffer.format(of: Self.png(width: 1, height: 1)) == .png)
        #expect(try MediaSniffer.format(of: Array("GIF89a".utf8) + [1, 0, 1, 0]) == .gif)
        #expect(try MediaSniffer.format(of: Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(try MediaSniffer.format(of: [0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 0, 0]) == .heic)
    }

    @Test(arguments: [
        ("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", MediaError.unsupported),
        ("<!DOCTYPE html><html><body>hi</body></html>", .unsupported),
        ("%PDF-1.7", .unsupported),
        ("\u{1A}\u{45}\u{DF}\u{A3}webm", .unsupported),  // not UTF-8-safe as text; checked as bytes below
    ])
    func textIsNotAnImage(text: String, error: MediaError) {
        guard !text.hasPrefix("\u{1A}") else { return }
        #expect(throws: error) { try MediaSniffer.format(of: Array(text.utf8)) }
    }

    @Test func videoAndAudioAreNamed() {
        #expect(throws: MediaError.videoOrAudio) { try MediaSniffer.format(of: [0, 0, 0, 24] + Array("ftypisom".utf8) + [0, 0, 2, 0]) }
        #expect(throws: MediaError.videoOrAudio) { try MediaSniffer.format(of: [0x1A, 0x45, 0xDF, 0xA3, 1, 0, 0]) }
        #expect(throws: MediaError.videoOrAudio) { try MediaSniffer.format(of: Array("ID3\u{4}".utf8)) }
        #expect(throws: MediaError.videoOrAudio) { try MediaSniffer.format(of: Array("OggS".utf8)) }
    }

    @Test func emptyAndOversized() {
        #expect(throws: MediaError.empty) { try MediaSniffer.check([], limits: .standard) }
        let limits = MediaLimits(maxBytes: 10)
        #expect(throws: MediaError.tooLarge(limit: 10)) { try MediaSniffer.check(Self.png(width: 1, height: 1), limits: limits) }
    }

    @Test func decompressionBombRefusedByHeader() throws {
        #expect(try MediaSniffer.check(Self.png(width: 640, height: 480), limits: .standard) == .png)
        #expect(throws: MediaError.tooManyPixels(width: 100_000, height: 100_000, limit: 7680 * 4320)) {
            try MediaSniffer.check(Self.png(width: 100_000, height: 100_000), limits: .standard)
        }
        // A size that overflows when multiplied is still refused.
        #expect(throws: (any Error).self) { try MediaSniffer.check(Self.png(width: .max, height: .max), limits: .standard) }
        #expect(throws: MediaError.truncated) { try MediaSniffer.check(Array(Self.png(width: 1, height: 1).prefix(14)), limits: .standard) }
    }

    @Test func gifAndJpegHeaders() throws {
        let gif = Array("GIF89a".utf8) + [0x10, 0x27, 0x10, 0x27]  // 10000 × 10000
        #expect(try MediaSniffer.declaredSize(of: gif, format: .gif)! == (10_000, 10_000))
        #expect(throws: MediaError.tooManyPixels(width: 10_000, height: 10_000, limit: 7680 * 4320)) {
            try MediaSniffer.check(gif, limits: .standard)
        }
        // SOI, an APP0 of 16 bytes, then SOF0: precision, height 300, width 400.
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + [UInt8](repeating: 0, count: 14)
            + [0xFF, 0xC0, 0, 17, 8, 0x01, 0x2C, 0x01, 0x90, 3] + [UInt8](repeating: 0, count: 9)
        #expect(try MediaSniffer.declaredSize(of: jpeg, format: .jpeg)! == (400, 300))
        #expect(throws: MediaError.truncated) { try MediaSniffer.declaredSize(of: Array(jpeg.prefix(12)), format: .jpeg) }
    }
}

@Suite struct MediaFocusTests {
    @Test func parsesInRange() throws {
        #expect(try MediaFocus.parse("0.5,-0.25") == MediaFocus(x: 0.5, y: -0.25))
        #expect(try MediaFocus.parse(" -1 , 1 ") == MediaFocus(x: -1, y: 1))
    }

    @Test(arguments: ["", "0.5", "1.5,0", "0,-2", "a,b", "0,0,0", "nan,0", "inf,0", ","])
    func refusesOthers(text: String) {
        #expect(throws: MediaError.invalidFocus) { try MediaFocus.parse(text) }
    }
}

@Suite struct BlurHashTests {
    @Test func onePixelByHand() {
        // One pixel: every basis function is 1 there, so each AC factor is 2× the linear colour
        // (normalisation 2) and DC 1×. Red (1, 0, 0): DC sRGB (255, 0, 0) = 16711680
        // = 29·83³ + 18·83² + 70·83 + 45 → "TI:j"; size flag 3 + 2·9 = 21 → "L"; max |AC| 2 →
        // quantised min(82, ⌊2·166 − 0.5⌋) = 82 → "~", maximum (82 + 1) / 166 = 0.5; each AC:
        // red ⌊√(2 / 0.5)·9 + 9.5⌋ = 27 → 18, green and blue 9: 18·361 + 9·19 + 9 = 6678 = 80·83 + 38 → "|c".
        #expect(BlurHash.encode(pixels: [255, 0, 0], width: 1, height: 1) == "L~TI:j" + String(repeating: "|c", count: 11))
        // A 1×1 component grid is the DC alone: size flag 0, max "0".
        #expect(BlurHash.encode(pixels: [255, 0, 0], width: 1, height: 1, componentsX: 1, componentsY: 1) == "00TI:j")
    }

    @Test func gradientHasEnergyAndLength() throws {
        var pixels: [UInt8] = []
        for _ in 0..<16 { for x in 0..<32 { pixels += [UInt8(x * 8), 128, UInt8(255 - x * 8)] } }
        let hash = try #require(BlurHash.encode(pixels: pixels, width: 32, height: 16))
        #expect(hash.count == 4 + 2 * 12)
        #expect(hash.dropFirst().first != "0")  // a left-to-right gradient has AC energy
        #expect(BlurHash.encode(pixels: pixels, width: 31, height: 16) == nil)
    }

    @Test func base83() {
        #expect(BlurHash.encode83(0, length: 1) == "0")
        #expect(BlurHash.encode83(82, length: 1) == "~")
        #expect(BlurHash.encode83(83, length: 2) == "10")
    }
}

@Suite struct MultipartFormTests {
    static func body(_ parts: [(String, String?, [UInt8])], boundary: String = "XyZ") -> [UInt8] {
        var out: [UInt8] = []
        for (name, filename, data) in parts {
            var header = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let filename { header += "; filename=\"\(filename)\"\r\nContent-Type: image/png" }
            header += "\r\n\r\n"
            out += Array(header.utf8) + data + Array("\r\n".utf8)
        }
        return out + Array("--\(boundary)--\r\n".utf8)
    }

    @Test func boundaryFromHeader() {
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartForm.boundary(contentType: "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"") == "a b")
        #expect(MultipartForm.boundary(contentType: "multipart/form-data") == nil)
        #expect(MultipartForm.boundary(contentType: "application/json; boundary=x") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "a", count: 71)) == nil)
    }

    @Test func partsAndBinaryBodies() throws {
        let binary: [UInt8] = [0, 13, 10, 45, 45, 255, 13, 10]  // CR LF "--" inside the file
        let form = try MultipartForm.parse(Self.body([("file", "a.png", binary), ("description", nil, Array("a cat".utf8))]), boundary: "XyZ")
        #expect(form.parts.count == 2)
        #expect(form.part("file")?.body == binary)
        #expect(form.part("file")?.filename == "a.png")
        #expect(form.part("file")?.contentType == "image/png")
        #expect(form.text("description") == "a cat")
    }

    @Test func hostileBodies() {
        let good = Self.body([("file", "a.png", [1, 2, 3])])
        #expect(throws: MultipartForm.ParseError.self) { try MultipartForm.parse(Array(good.dropLast(12)), boundary: "XyZ") }  // unterminated
        #expect(throws: MultipartForm.ParseError.self) { try MultipartForm.parse(Array("hello".utf8), boundary: "XyZ") }
        #expect(throws: MultipartForm.ParseError.self) {
            try MultipartForm.parse(Array("--XyZ\r\n".utf8) + [UInt8](repeating: 65, count: 20_000), boundary: "XyZ")
        }
        let many = Self.body((0..<20).map { ("f\($0)", nil, [1]) })
        #expect(throws: MultipartForm.ParseError.tooManyParts) { try MultipartForm.parse(many, boundary: "XyZ") }
    }
}
