import Foundation

/// Reads a flat `Decodable` input type from `Params` with Mastodon's rules, so a handler can take
/// a typed input (`context.input(NewApp.self)`) instead of picking strings out of a dictionary:
///
/// - `String`: required, and blank is missing: 422 "Validation failed: KEY can't be blank" (as
///   `Params.require`); `String?` is the first value as sent, empty included.
/// - `Bool`: "true", "1", "on" or "yes" (any case) is true; anything else, or missing, is false.
/// - `[String]`: the `key[]` values, then a single `key` value (`Params.list`).
/// - Integers: `Int`, `Int64` and their optionals; a value that is not a number is a 400.
///
/// Nested types are not parameters Mastodon's clients send; they are refused as a type mismatch.
struct ParamsDecoder: Decoder {
    let params: Params
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container<Key>(params: params))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Self.flatOnly(codingPath) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Self.flatOnly(codingPath) }

    static func flatOnly(_ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(Params.self, .init(codingPath: path, debugDescription: "request parameters are flat: strings, booleans, numbers and lists"))
    }

    struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let params: Params
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] {
            params.values.keys.compactMap { Key(stringValue: $0.hasSuffix("[]") ? String($0.dropLast(2)) : $0) }
        }

        func contains(_ key: Key) -> Bool { params[key.stringValue] != nil || params[key.stringValue + "[]"] != nil }
        func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

        func decode(_ type: String.Type, forKey key: Key) throws -> String { try params.require(key.stringValue) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { params[key.stringValue] }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { params.bool(key.stringValue) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
            params[key.stringValue] == nil ? nil : params.bool(key.stringValue)
        }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try number(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try number(key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { contains(key) ? try number(key) : nil }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { contains(key) ? try number(key) : nil }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            if let list = params.list(key.stringValue) as? T { return list }
            throw ParamsDecoder.flatOnly([key])
        }

        private func number<T: FixedWidthInteger>(_ key: Key) throws -> T {
            guard let text = params[key.stringValue], let value = T(text) else {
                throw MastodonError(.badRequest, "\(key.stringValue) must be a whole number")
            }
            return value
        }

        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { throw ParamsDecoder.flatOnly([key]) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw ParamsDecoder.flatOnly([key]) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw ParamsDecoder.flatOnly([key]) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw ParamsDecoder.flatOnly([key]) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { throw ParamsDecoder.flatOnly([key]) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw ParamsDecoder.flatOnly([key]) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw ParamsDecoder.flatOnly([key]) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw ParamsDecoder.flatOnly([key]) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { throw ParamsDecoder.flatOnly([key]) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { throw ParamsDecoder.flatOnly([key]) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw ParamsDecoder.flatOnly([key])
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw ParamsDecoder.flatOnly([key]) }
        func superDecoder() throws -> any Decoder { throw ParamsDecoder.flatOnly([]) }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw ParamsDecoder.flatOnly([key]) }
    }
}
