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
}
