#if canImport(Glibc)
import Glibc
#endif

/// Keeps one blocking hiredis connection up, for a thread that owns it (`RedisSubscriber`,
/// `RedisTokenWaiter`): dials `addresses` in turn and hands each connection to `body` until it
/// throws; after failing on every address it reports the last failure and pauses a second.
/// Returns once `isStopped` says so (checked between attempts; `body` checks it too).
func keepConnected(to addresses: [(host: String, port: Int)], timeoutSeconds: Double, isStopped: () -> Bool,
                   onFailure: (_ address: String, _ error: any Error) -> Void, _ body: (HiredisConnection) throws -> Void) {
    var attempt = 0
    while !isStopped() {
        let (host, port) = addresses[attempt % addresses.count]
        attempt += 1
        do {
            try body(try HiredisConnection(host: host, port: port, timeoutSeconds: timeoutSeconds))
        } catch {
            if isStopped() { return }
            if attempt % addresses.count == 0 {
                onFailure("\(host):\(port)", error)
                sleep(1)
            }
        }
    }
}
