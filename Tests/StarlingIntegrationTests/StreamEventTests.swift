import Foundation
import StarlingTimelines
import Testing

/// The hand-written event payload must read back through `JSONDecoder` exactly.
struct StreamEventTests {
    @Test(arguments: [
        StreamEvent(event: .update, status: 916000479594553344, author: 1, replyTo: 2, users: [3, 4, Int64.max]),
        StreamEvent(event: .delete, status: 5),
        StreamEvent(event: .notification, notification: 42),
        StreamEvent(event: .update, status: 7, users: []),
        StreamEvent(event: .update, status: 8, author: -1),
    ])
    func payloadRoundTrips(_ event: StreamEvent) {
        #expect(StreamEvent.decode(event.payload) == event)
    }

    /// Texts the byte reader takes and texts it leaves to `JSONDecoder`: both paths give what
    /// `JSONDecoder` alone gives (nil where it fails).
    @Test(arguments: [
        #"{"users":[1,2],"status":5,"event":"update"}"#,
        #"{"event":"delete","status":-9223372036854775808}"#,
        #"{ "event" : "update", "status" : 5 }"#,
        #"{"event":"update","status":5,"extra":true}"#,
        #"{"event":"update","status":05}"#,
        #"{"event":"update","status":9223372036854775808}"#,
        #"{"event":"update","users":[]}"#,
        #"{"event":"nope","status":1}"#,
        #"{"event":"update","status":1.5}"#,
        #"{"event":"update","status":1}x"#,
        #"{"event":"update","status":1,"status":2}"#,
        #"{"event":"upd\u0061te"}"#,
        #"{"status":1}"#,
        "", "{", "[]", "null",
    ])
    func decodesAsJSONDecoderDoes(_ text: String) {
        let reference = try? JSONDecoder().decode(StreamEvent.self, from: Data(text.utf8))
        #expect(StreamEvent.decode(Array(text.utf8)) == reference)
    }

    /// Every field and kind, the extreme ids among them, as written into bytes.
    @Test func everyFieldRoundTrips() {
        var event = StreamEvent(event: .statusUpdate, status: .min, notification: 0, author: .max, replyTo: -7, users: [.min, 0, 9, .max])
        event.conversation = 1_234_567
        #expect(StreamEvent.decode(event.payload) == event)
        var conversation = StreamEvent(event: .conversation)
        conversation.conversation = 3
        #expect(String(decoding: conversation.payload, as: UTF8.self) == #"{"event":"conversation","conversation":3}"#)
    }
}
