import Foundation

/// A value that can write itself as JSON text with ``JSONWriter``, without `JSONEncoder`.
///
/// Hot-path entities conform to this; `Encodable` stays for the reference encoder (tests) and the
/// cold routes. The output must hold exactly the keys and values `JSON.encoder` would produce.
protocol JSONWritable: Encodable {
    func writeJSON(to writer: inout JSONWriter)
    /// About how many bytes `writeJSON` writes: a response's buffer is reserved at this size, so a
    /// page of statuses is not copied as its buffer grows.
    var jsonSizeEstimate: Int { get }
}

extension JSONWritable {
    var jsonSizeEstimate: Int { 1024 }
}

/// Appends JSON text straight into a byte array: no intermediate `Encoder` tree, no key conversion
/// at run time (keys are static snake_case strings), no Foundation date formatter.
///
/// Commas are tracked by the writer: every value or key writes one first if the previous item in the
/// same container needs it. Output is compact (no whitespace) and, like `.withoutEscapingSlashes`,
/// leaves `/` alone; non-ASCII text is copied as UTF-8.
struct JSONWriter {
    private(set) var bytes: [UInt8]
    private var needsComma = false

    init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Containers

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An object key. Keys are static, already snake_case, and must need no escaping.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: Values

    mutating func null() {
        separate()
        appendStatic("null")
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        appendStatic(value ? "true" : "false")
        needsComma = true
    }

    mutating func int(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        Self.appendDecimal(value.magnitude, minimumDigits: 1, to: &bytes)
        needsComma = true
    }

    /// As `JSONEncoder` writes it: the shortest text that reads back exactly, `1` for `1.0`
    /// (non-finite values, which it refuses, as 0).
    mutating func double(_ value: Double) {
        separate()
        var text = value.isFinite ? value.description : "0"
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { Self.appendEscaped($0, to: &bytes) }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// `"2019-12-08T03:48:33.901Z"`.
    mutating func date(_ value: Date) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        JSONDate.appendTimestamp(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func value(_ value: some JSONWritable) {
        value.writeJSON(to: &self)
    }

    /// A value whose JSON text was written before (by another `JSONWriter`), copied as it is.
    mutating func prewritten(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    /// Fields (`"key":value` pairs, comma-separated) written before by another `JSONWriter`'s
    /// `field` calls outside any object, copied into the object being written.
    mutating func prewrittenFields(_ json: [UInt8]) {
        if json.isEmpty { return }
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    // MARK: Keyed shorthands

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: Int64) {
        key(name)
        int(value)
    }

    mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        int(Int64(value))
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    mutating func field(_ name: StaticString, _ value: Date) {
        key(name)
        date(value)
    }

    mutating func field(_ name: StaticString, _ value: Nullable<String>) {
        key(name)
        if let string = value.value { self.string(string) } else { null() }
    }

    mutating func field(_ name: StaticString, _ value: some JSONWritable) {
        key(name)
        value.writeJSON(to: &self)
    }

    // MARK: Internals

    private mutating func appendStatic(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Copies UTF-8 text, escaping `"`, `\` and control characters below 0x20 as JSON requires.
    /// Runs of plain bytes are copied in one go.
    static func appendEscaped(_ source: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        var runStart = 0
        var index = 0
        let count = source.count
        while index < count {
            let byte = source[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C {
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index])) }
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x22: bytes.append(UInt8(ascii: "\""))
                case 0x5C: bytes.append(UInt8(ascii: "\\"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    bytes.append(UInt8(ascii: "u"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(byte >> 4 &+ UInt8(ascii: "0"))  // < 0x20: the high digit is 0 or 1
                    let low = byte & 0xF
                    bytes.append(low < 10 ? low &+ UInt8(ascii: "0") : low &- 10 &+ UInt8(ascii: "a"))
                }
                runStart = index + 1
            }
            index += 1
        }
        if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<count])) }
    }

    /// Decimal digits of `value`, zero-padded to at least `minimumDigits`.
    static func appendDecimal(_ value: UInt64, minimumDigits: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0"))
            rest /= 10
        } while rest > 0
        while bytes.count - start < minimumDigits { bytes.append(UInt8(ascii: "0")) }
        var low = start
        var high = bytes.count - 1
        while low < high {
            bytes.swapAt(low, high)
            low += 1
            high -= 1
        }
    }
}

/// Mastodon's times by plain arithmetic (days to civil date), not a Foundation formatter.
enum JSONDate {
    /// Microseconds from 2001-01-01 (Foundation's reference date) to 1970-01-01.
    private static let referenceOffsetMicros: Int64 = 978_307_200_000_000

    /// Milliseconds since 1970, truncated. The Date is first rounded to whole microseconds (the
    /// precision of PostgreSQL's timestamps): a `Double` cannot hold `.279` exactly, and truncating
    /// the raw value could print `.278`.
    static func milliseconds(_ date: Date) -> Int64 {
        let micros = (date.timeIntervalSinceReferenceDate * 1_000_000).rounded()
        // ±9e18 µs is ±285,000 years: clamp anything beyond (or not finite) instead of trapping.
        let clamped: Int64 = micros.isNaN ? 0 : micros >= 9e18 ? 9_000_000_000_000_000 : micros <= -9e18 ? -9_000_000_000_000_000 : Int64(micros)
        let since1970 = clamped + referenceOffsetMicros
        return floorDivide(since1970, 1000)
    }

    /// `2019-12-08T03:48:33.901Z` (milliseconds, UTC).
    static func appendTimestamp(_ date: Date, to bytes: inout [UInt8]) {
        let ms = milliseconds(date)
        let days = floorDivide(ms, 86_400_000)
        let msOfDay = ms - days * 86_400_000
        appendDay(days, to: &bytes)
        let seconds = msOfDay / 1000
        bytes.append(UInt8(ascii: "T"))
        JSONWriter.appendDecimal(UInt64(seconds / 3600), minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        JSONWriter.appendDecimal(UInt64(seconds / 60 % 60), minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        JSONWriter.appendDecimal(UInt64(seconds % 60), minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        JSONWriter.appendDecimal(UInt64(msOfDay % 1000), minimumDigits: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// `2019-12-08` (UTC).
    static func appendDay(_ date: Date, to bytes: inout [UInt8]) {
        appendDay(floorDivide(milliseconds(date), 86_400_000), to: &bytes)
    }

    static func timestamp(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendTimestamp(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func day(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        appendDay(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendDay(_ daysSince1970: Int64, to bytes: inout [UInt8]) {
        let (year, month, day) = civil(fromDays: daysSince1970)
        if year < 0 { bytes.append(UInt8(ascii: "-")) }
        JSONWriter.appendDecimal(year.magnitude, minimumDigits: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        JSONWriter.appendDecimal(UInt64(month), minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        JSONWriter.appendDecimal(UInt64(day), minimumDigits: 2, to: &bytes)
    }

    /// Proleptic Gregorian (year, month, day) of a day count from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`: 400-year eras, years starting in March so the leap day comes last).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097                                                       // [0, 146096]
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365  // [0, 399]
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)         // [0, 365]
        let monthFromMarch = (5 * dayOfYear + 2) / 153                                        // [0, 11]
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1                              // [1, 31]
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9             // [1, 12]
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

// MARK: Conformances of the building blocks

extension String: JSONWritable {
    func writeJSON(to writer: inout JSONWriter) { writer.string(self) }
}

extension Int64: JSONWritable {
    func writeJSON(to writer: inout JSONWriter) { writer.int(self) }
}

extension Bool: JSONWritable {
    func writeJSON(to writer: inout JSONWriter) { writer.bool(self) }
}

extension Array: JSONWritable where Element: JSONWritable {
    var jsonSizeEstimate: Int {
        withUnsafeBufferPointer { elements in elements.reduce(2) { $0 + $1.jsonSizeEstimate + 1 } }
    }

    func writeJSON(to writer: inout JSONWriter) {
        writer.beginArray()
        // Through the buffer: each element is borrowed in place (`for element in self`, and even
        // `self[index]`, copied each status, a profile showed).
        withUnsafeBufferPointer { elements in
            for index in elements.indices { elements[index].writeJSON(to: &writer) }
        }
        writer.endArray()
    }
}

extension Nullable: JSONWritable where T: JSONWritable {
    func writeJSON(to writer: inout JSONWriter) {
        if let value { value.writeJSON(to: &writer) } else { writer.null() }
    }
}
