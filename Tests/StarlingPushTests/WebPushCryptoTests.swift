import Crypto
import Foundation
import StarlingPush
import Testing

/// RFC 8291 encryption and RFC 8292 VAPID signing, checked against the RFC's own example and
/// against the receiving side.
struct WebPushCryptoTests {
    // RFC 8291, Appendix A.
    static let plaintext = "When I grow up, I want to be a watermelon"
    static let senderPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
    static let senderPublic = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
    static let receiverPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
    static let receiverPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    static let authSecret = "BTBZMqHH6r4Tts7J_aSIgg"
    static let salt = "DGv6ra1nlYgDCS1FRnbzlw"
    static let message = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"

    static func bytes(_ text: String) throws -> Data { try #require(Base64URL.decode(text)) }

    @Test func encryptsRFC8291Example() throws {
        let sender = try P256.KeyAgreement.PrivateKey(rawRepresentation: Self.bytes(Self.senderPrivate))
        #expect(Base64URL.encode(sender.publicKey.x963Representation) == Self.senderPublic)
        let message = try WebPushEncryption.encrypt(Data(Self.plaintext.utf8), receiverPublicKey: Self.bytes(Self.receiverPublic),
                                                    authSecret: Self.bytes(Self.authSecret), senderKey: sender, salt: Self.bytes(Self.salt))
        #expect(Base64URL.encode(message) == Self.message)
    }

    @Test func decryptsRFC8291Example() throws {
        let receiver = try P256.KeyAgreement.PrivateKey(rawRepresentation: Self.bytes(Self.receiverPrivate))
        let plain = try WebPushEncryption.decrypt(Self.bytes(Self.message), receiverKey: receiver, authSecret: Self.bytes(Self.authSecret))
        #expect(String(decoding: plain, as: UTF8.self) == Self.plaintext)
    }

    @Test func roundTripsWithFreshKeysAndRejectsTampering() throws {
        let receiver = P256.KeyAgreement.PrivateKey()
        let auth = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        let payload = Data(#"{"notification_id":"1","title":"héllo"}"#.utf8)
        let first = try WebPushEncryption.encrypt(payload, receiverPublicKey: receiver.publicKey.x963Representation, authSecret: auth)
        let second = try WebPushEncryption.encrypt(payload, receiverPublicKey: receiver.publicKey.x963Representation, authSecret: auth)
        #expect(first != second, "a fresh salt and sender key per message")
        #expect(first.count == 16 + 4 + 1 + 65 + payload.count + 1 + 16)
        #expect(try WebPushEncryption.decrypt(first, receiverKey: receiver, authSecret: auth) == payload)

        var tampered = first
        tampered[tampered.count - 20] ^= 1
        #expect(throws: (any Error).self) { try WebPushEncryption.decrypt(tampered, receiverKey: receiver, authSecret: auth) }
        let wrongAuth = Data(repeating: 7, count: 16)
        #expect(throws: (any Error).self) { try WebPushEncryption.decrypt(first, receiverKey: receiver, authSecret: wrongAuth) }
        #expect(throws: (any Error).self) { try WebPushEncryption.decrypt(first, receiverKey: P256.KeyAgreement.PrivateKey(), authSecret: auth) }
    }

    @Test func rejectsBadKeysAndOversizedPayloads() throws {
        let receiver = P256.KeyAgreement.PrivateKey().publicKey.x963Representation
        let auth = Data(repeating: 1, count: 16)
        #expect(WebPushEncryption.isValidPublicKey(receiver))
        #expect(!WebPushEncryption.isValidPublicKey(receiver.dropLast()))
        #expect(!WebPushEncryption.isValidPublicKey(P256.KeyAgreement.PrivateKey().publicKey.compressedRepresentation))
        var offCurve = receiver
        offCurve[64] ^= 1
        #expect(!WebPushEncryption.isValidPublicKey(offCurve), "a point off the curve")
        #expect(throws: WebPushEncryption.Failure.badAuthSecret) {
            try WebPushEncryption.encrypt(Data("x".utf8), receiverPublicKey: receiver, authSecret: auth.dropLast())
        }
        #expect(throws: WebPushEncryption.Failure.badPublicKey) {
            try WebPushEncryption.encrypt(Data("x".utf8), receiverPublicKey: offCurve, authSecret: auth)
        }
        #expect(throws: WebPushEncryption.Failure.payloadTooLarge(4080)) {
            try WebPushEncryption.encrypt(Data(repeating: 65, count: 4080), receiverPublicKey: receiver, authSecret: auth)
        }
    }

    @Test func vapidHeaderVerifiesWithThePublicKey() throws {
        let key = VAPIDKey()
        let now = Date()
        let header = try key.authorization(endpoint: URL(string: "https://push.example.net:8443/wpush/v2/abc?x=1")!,
                                           subject: "mailto:admin@starling.test", now: now)
        let credentials = try #require(VAPIDCredentials(authorization: header))
        #expect(Base64URL.encode(credentials.publicKey) == key.publicKeyBase64URL)
        #expect(credentials.audience == "https://push.example.net:8443")
        #expect(credentials.subject == "mailto:admin@starling.test")
        let expiry = try #require(credentials.expiry)
        #expect(expiry > now && expiry <= now.addingTimeInterval(24 * 3600))

        // Another key's `k`, or a changed claim, does not verify.
        let forged = header.replacingOccurrences(of: key.publicKeyBase64URL, with: VAPIDKey().publicKeyBase64URL)
        #expect(VAPIDCredentials(authorization: forged) == nil)
        let parts = header.split(separator: " ")[1].dropFirst(2).split(separator: ".")
        let otherClaims = Base64URL.encode(Data(#"{"aud":"https://evil.example","exp":1,"sub":"x"}"#.utf8))
        #expect(VAPIDCredentials(authorization: "vapid t=\(parts[0]).\(otherClaims).\(parts[2].dropLast()), k=\(key.publicKeyBase64URL)") == nil)
    }

    @Test func vapidKeyRoundTripsAndOriginIsSchemeHostPort() throws {
        let key = VAPIDKey()
        let again = try VAPIDKey(base64URL: key.privateKeyBase64URL)
        #expect(again.publicKeyBase64URL == key.publicKeyBase64URL)
        #expect(try Base64URL.decode(key.publicKeyBase64URL)?.count == 65)
        #expect(throws: VAPIDKey.Invalid.self) { try VAPIDKey(base64URL: "not a key") }
        #expect(throws: VAPIDKey.Invalid.self) { try VAPIDKey(base64URL: Base64URL.encode(Data(repeating: 1, count: 31))) }
        #expect(VAPIDKey.origin(of: URL(string: "https://fcm.googleapis.com/fcm/send/x")!) == "https://fcm.googleapis.com")
        #expect(VAPIDKey.origin(of: URL(string: "http://127.0.0.1:4567/push/1")!) == "http://127.0.0.1:4567")
        #expect(VAPIDKey.origin(of: URL(string: "https://a.example:443/p")!) == "https://a.example")
    }

    @Test func tokenSealOpensOnlyWithTheSameKey() throws {
        let key = VAPIDKey()
        let sealed = try TokenSeal(vapid: key).seal("secret-token")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("secret-token"))
        #expect(TokenSeal(vapid: key).open(sealed) == "secret-token")
        #expect(TokenSeal(vapid: VAPIDKey()).open(sealed) == nil)
    }

    @Test func base64URLAcceptsBothAlphabetsAndPadding() {
        #expect(Base64URL.encode(Data([0xfb, 0xff])) == "-_8")
        #expect(Base64URL.decode("-_8") == Data([0xfb, 0xff]))
        #expect(Base64URL.decode("+/8=") == Data([0xfb, 0xff]))
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("ab$d") == nil)
    }
}
