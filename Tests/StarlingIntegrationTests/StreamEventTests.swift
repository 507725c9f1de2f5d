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
