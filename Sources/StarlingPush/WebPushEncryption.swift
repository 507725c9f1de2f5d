import Crypto
import Foundation

/// Message encryption for Web Push, RFC 8291 over the `aes128gcm` content coding of RFC 8188.
///
/// The sender (application server) makes a fresh P-256 key pair and salt per message, agrees a
/// secret with the subscription's public key, mixes in the subscription's auth secret, and seals
/// the payload as one record. The receiver side (`decrypt`) is what a user agent does; Starling
/// uses it only in tests (its own push service), but it is the same rules read backwards, so both
/// directions are checked against RFC 8291's example.
public enum WebPushEncryption {
    /// RFC 8188's record size field. One record carries the whole payload, so this only has to be
    /// at least the record's length; 4096 is what push services expect (RFC 8291 §4).
    public static let recordSize: UInt32 = 4096
    /// Largest payload that fits one 4096-byte record (RFC 8291 §4: delimiter and tag included).
    public static let maxPayloadBytes = Int(recordSize) - 16 - 1
    static let headerBytes = 16 + 4 + 1 + 65

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case badPublicKey
        case badAuthSecret
        case payloadTooLarge(Int)
        case malformed(String)

        public var description: String {
            switch self {
            case .badPublicKey: "not an uncompressed P-256 public key"
            case .badAuthSecret: "the auth secret must be 16 bytes"
            case .payloadTooLarge(let count): "payload of \(count) bytes exceeds one record"
            case .malformed(let why): "malformed message: \(why)"
            }
        }
    }

    /// Whether `bytes` is a subscription key Starling can encrypt for: a 65-byte uncompressed
    /// point on P-256 (swift-crypto rejects points off the curve).
    public static func isValidPublicKey(_ bytes: Data) -> Bool {
        bytes.count == 65 && bytes.first == 0x04 && (try? P256.KeyAgreement.PublicKey(x963Representation: bytes)) != nil
    }

    /// Encrypts `payload` for a subscription. `senderKey` and `salt` are fresh per message; tests
    /// pass fixed ones to reproduce RFC 8291's example.
    public static func encrypt(
        _ payload: some DataProtocol, receiverPublicKey: Data, authSecret: Data,
        senderKey: P256.KeyAgreement.PrivateKey = .init(), salt: Data? = nil
    ) throws -> Data {
        let plain = Data(payload)
        guard plain.count <= maxPayloadBytes else { throw Failure.payloadTooLarge(plain.count) }
        guard authSecret.count == 16 else { throw Failure.badAuthSecret }
        guard receiverPublicKey.count == 65, let receiver = try? P256.KeyAgreement.PublicKey(x963Representation: receiverPublicKey) else {
            throw Failure.badPublicKey
        }
        let salt = salt ?? Data((0..<16).map { _ in UInt8.random(in: .min ... .max) })
        let senderPublic = senderKey.publicKey.x963Representation
        let shared = try senderKey.sharedSecretFromKeyAgreement(with: receiver)
        let (key, nonce) = contentKeys(shared: shared, authSecret: authSecret, salt: salt,
                                       receiverPublic: receiverPublicKey, senderPublic: senderPublic)
        // A single, hence last, record: the 0x02 delimiter, no further padding.
        let sealed = try AES.GCM.seal(plain + [0x02], using: key, nonce: nonce)
        var message = Data(capacity: headerBytes + plain.count + 17)
        message.append(salt)
        withUnsafeBytes(of: recordSize.bigEndian) { message.append(contentsOf: $0) }
        message.append(UInt8(senderPublic.count))
        message.append(senderPublic)
        message.append(sealed.ciphertext)
        message.append(sealed.tag)
        return message
    }

    /// Decrypts an `aes128gcm` Web Push message with the subscription's private key and auth
    /// secret (the user agent's side). - Throws: `Failure` or a CryptoKit error if it does not open.
    public static func decrypt(_ message: Data, receiverKey: P256.KeyAgreement.PrivateKey, authSecret: Data) throws -> Data {
        let bytes = [UInt8](message)
        guard bytes.count >= 21 else { throw Failure.malformed("shorter than its header") }
        let salt = Data(bytes[0..<16])
        let recordSize = bytes[16..<20].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let idLength = Int(bytes[20])
        guard idLength == 65, bytes.count >= 21 + idLength + 17 else { throw Failure.malformed("key id is not a P-256 key") }
        let senderPublic = Data(bytes[21..<(21 + idLength)])
        let body = bytes[(21 + idLength)...]
        guard body.count <= Int(recordSize) else { throw Failure.malformed("more than one record") }
        guard let sender = try? P256.KeyAgreement.PublicKey(x963Representation: senderPublic) else { throw Failure.badPublicKey }
        let shared = try receiverKey.sharedSecretFromKeyAgreement(with: sender)
        let (key, nonce) = contentKeys(shared: shared, authSecret: authSecret, salt: salt,
                                       receiverPublic: receiverKey.publicKey.x963Representation, senderPublic: senderPublic)
        let box = try AES.GCM.SealedBox(nonce: nonce, ciphertext: Data(body.dropLast(16)), tag: Data(body.suffix(16)))
        var plain = [UInt8](try AES.GCM.open(box, using: key))
        // Strip padding: trailing zeros, then the delimiter, which must say "last record".
        while plain.last == 0 { plain.removeLast() }
        guard plain.last == 0x02 else { throw Failure.malformed("no last-record delimiter") }
        plain.removeLast()
        return Data(plain)
    }

    /// RFC 8291 §3.3-3.4 and RFC 8188 §2.2: the content-encryption key and nonce.
    static func contentKeys(shared: SharedSecret, authSecret: Data, salt: Data,
                            receiverPublic: Data, senderPublic: Data) -> (SymmetricKey, AES.GCM.Nonce) {
        let ecdh = shared.withUnsafeBytes { SymmetricKey(data: $0) }
        let keyInfo = Data("WebPush: info".utf8) + [0] + receiverPublic + senderPublic
        let prkKey = HKDF<SHA256>.extract(inputKeyMaterial: ecdh, salt: authSecret)
        let ikm = HKDF<SHA256>.expand(pseudoRandomKey: prkKey, info: keyInfo, outputByteCount: 32)
        let prk = HKDF<SHA256>.extract(inputKeyMaterial: ikm, salt: salt)
        let cek = HKDF<SHA256>.expand(pseudoRandomKey: prk, info: Data("Content-Encoding: aes128gcm".utf8) + [0], outputByteCount: 16)
        let nonce = HKDF<SHA256>.expand(pseudoRandomKey: prk, info: Data("Content-Encoding: nonce".utf8) + [0], outputByteCount: 12)
        // The record sequence number (0 for the only record) is XORed into the nonce: a no-op here.
        let nonceBytes = nonce.withUnsafeBytes { Data($0) }
        // 12 bytes by construction, which is all AES.GCM.Nonce checks.
        return (cek, try! AES.GCM.Nonce(data: nonceBytes))
    }
}
