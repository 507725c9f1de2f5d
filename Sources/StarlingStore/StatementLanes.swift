import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// A few connections taken from the pool once and kept, for statements sent on their own whose
/// rows are read in full at once (`Database.execute`: the prepared ones, such as the fan-out's
/// and a post's; `Database.query`: every other statement outside a transaction): no lease per
/// statement. Rows are read in full so that nothing stays queued on a kept connection while a
/// caller goes through them (a statement sent meanwhile would wait behind their remainder).
///
/// Why: postgres-nio's pool arms an idle timer each time a connection goes back idle (a task group
/// of two tasks, one sleeping on a timer of Swift's global executor) and cancels it at the next
/// lease, and the timer still fires 30 s later. Under posts that machinery was a tenth to a
/// quarter of a node's CPU (`perf record -g`: the pool's state machine, `ConnectionPool.runTimer`,
/// and the dispatch threads waking for the timers). A kept connection takes statements from any
/// number of tasks at once: postgres-nio queues them on the connection and runs them in order.
///
/// A lane takes a statement only while fewer than `maxWaiting` are in flight on it; past that the
/// statement goes to the pool. So one slow statement (a long page, an export) delays at most three
/// others, and a statement that misses its deadline closes its lane and fails at most three queued
/// behind it. Four rather than two because, at two, a sixth of the profile pages read with
/// `wrk -c32` overflowed to the pool and paid its timers: four took them from 2,120–2,186 reads/s
/// to 2,347–2,354 and an API node's context switches per read from 4.6 to 2.8. Most statements
/// sent alone take a fraction of a millisecond.
/// Transactions always lease from the pool (a kept connection must never be inside one).
public final class StatementLanes: Service, Sendable {
    struct Lane {
        var connection: PostgresConnection?
        /// Statements handed out and not yet written to the connection, plus those written and
        /// not yet answered (see `release`).
        var inFlight = 0
    }

    let count: Int
    let maxWaiting = 4
    private let lanes: Mutex<[Lane]>
    private let client: PostgresClient
    private let logger: Logger
    private let taken = Atomic<Int>(0)
    private static let statements = (kept: Counter(label: "starling_postgres_statements_total", dimensions: [("connection", "kept")]),
                                     pool: Counter(label: "starling_postgres_statements_total", dimensions: [("connection", "pool")]))

    /// Statements run on a kept connection so far.
    public var statementsTaken: Int { taken.load(ordering: .relaxed) }
    /// Kept connections open now.
    public var openConnections: Int {
        lanes.withLock { lanes in lanes.filter { $0.connection.map { !$0.isClosed } ?? false }.count }
    }

    /// - Parameter count: connections kept (0: every statement goes to the pool).
    public init(client: PostgresClient, count: Int, logger: Logger) {
        self.client = client
        self.count = count
        self.logger = logger
        lanes = Mutex(Array(repeating: Lane(), count: count))
    }

    /// The kept connection with the fewest statements in flight, counted as one more; nil when none
    /// is open and free enough (the caller uses the pool). Pair with `release`.
    func acquire() -> (lane: Int, connection: PostgresConnection)? {
        let chosen: (lane: Int, connection: PostgresConnection)? = lanes.withLock { lanes in
            var best: Int?
            for index in lanes.indices {
                guard let connection = lanes[index].connection, lanes[index].inFlight < maxWaiting, !connection.isClosed else { continue }
                if best.map({ lanes[index].inFlight < lanes[$0].inFlight }) ?? true { best = index }
            }
            guard let best, let connection = lanes[best].connection else { return nil }
            lanes[best].inFlight += 1
            return (best, connection)
        }
        if chosen == nil {
            Self.statements.pool.increment()
        } else {
            taken.add(1, ordering: .relaxed)
            Self.statements.kept.increment()
        }
        return chosen
    }

    func release(_ lane: Int) {
        lanes.withLock { $0[lane].inFlight -= 1 }
    }

    /// Closes a lane's connection (a statement on it missed its deadline: PostgreSQL or the socket
    /// may be stuck, and every statement queued behind it would wait as long). The lane takes a
    /// new connection from the pool.
    func retire(_ lane: Int, _ connection: PostgresConnection) {
        let current = lanes.withLock { lanes -> Bool in
            guard lanes[lane].connection === connection else { return false }
            lanes[lane].connection = nil
            return true
        }
        if current {
            logger.warning("closing a kept PostgreSQL connection after a statement missed its deadline", metadata: ["lane": "\(lane)"])
            let _: EventLoopFuture<Void> = connection.close()  // not awaited: queued statements fail at once
        }
    }

    /// Keeps `count` connections until the node shuts down; each is replaced when it closes.
    public func run() async throws {
        guard count > 0 else { return }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for lane in 0..<self.count {
                    group.addTask { await self.keep(lane) }
                }
            }
        }
    }

    private func keep(_ lane: Int) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    lanes.withLock { $0[lane].connection = connection }
                    let ended = Outcome<Void>()
                    connection.closeFuture.whenComplete { _ in ended.settle(.success(())) }
                    try await withTaskCancellationHandler {
                        try await withCheckedThrowingContinuation { ended.wait($0) }
                    } onCancel: {
                        ended.settle(.success(()))
                    }
                    try await self.handBack(lane, connection)
                }
            } catch {
                if !Task.isCancelled {
                    logger.debug("a kept PostgreSQL connection ended", metadata: ["lane": "\(lane)", "error": "\(error)"])
                }
            }
            // Before taking another (PostgreSQL may be down: the pool's own backoff applies too).
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Stops giving out the lane's connection and waits until every statement given out on it has
    /// been written and answered, so the pool gets it back idle.
    private func handBack(_ lane: Int, _ connection: PostgresConnection) async throws {
        lanes.withLock { lanes in
            if lanes[lane].connection === connection { lanes[lane].connection = nil }
        }
        let start = ContinuousClock.now
        while lanes.withLock({ $0[lane].inFlight }) > 0 && !connection.isClosed {
            // A statement still waiting here is past any deadline it had: close rather than hand back.
            // At shutdown (cancelled: the server and the worker have stopped before this service)
            // what is left is stuck, and a cancelled task's sleep returns at once: close now.
            if Task.isCancelled || ContinuousClock.now - start > .seconds(10) {
                let _: EventLoopFuture<Void> = connection.close()  // not awaited: queued statements fail at once
                return
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
}
