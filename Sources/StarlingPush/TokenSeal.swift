import Crypto
import Foundation

/// Access tokens are stored only as SHA-256 digests, yet Mastodon's push payload carries the
/// subscription's token (apps use it to tell which signed-in account a push is for). The push
/// subscription keeps its token sealed with AES-GCM under a key derived from the server's VAPID
/// private key: a leaked database alone does not yield usable tokens when the VAPID key is
/// configured (`STARLING_VAPID_PRIVATE_KEY`) rather than kept in the database.
public struct TokenSeal: Sendable {
    let key: SymmetricKey

    public init(vapid: VAPIDKey) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: vapid.privateKey.rawRepresentation),
                                     info: Data("starling push token seal v1".utf8), outputByteCount: 32)
    }

    public func seal(_ token: String) throws -> Data {
        // `combined` is non-nil for the standard 12-byte nonce `seal` picks.
        guard let combined = try AES.GCM.seal(Data(token.utf8), using: key).combined else { throw CryptoKitError.incorrectParameterSize }
        return combined
    }

    /// - Returns: nil if the seal does not open (a VAPID key changed since it was made).
    public func open(_ sealed: Data) -> String? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed), let plain = try? AES.GCM.open(box, using: key) else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}
