import Foundation
import Logging
import StarlingDomain
import StarlingRedis

/// One run of Starling's Redis client: `commands` LPUSHes by `callers` concurrent callers, `pipeline` per call.
public struct RedisClientRun: Codable, Sendable {
    public var callers: Int
    public var pipeline: Int
    public var commands: Int
    public var seconds: Double
    public var perSecond: Double
}

/// Starling's own Redis client (`RedisShardPool.pipeline`, multiplexed NIO connections) against
/// redis-benchmark on the same shard: pipelined like `redis-benchmark -P 64 -t lpush -n 200000`, and one
/// command per call from many concurrent callers (what coalescing their writes gives).
public struct RedisClientBaseline: Codable, Sendable {
    public var connections: Int
    public var pipelined: RedisClientRun
    public var single: RedisClientRun
    /// `redis-benchmark -P 64 -t lpush -n 200000` (50 clients), requests/s.
    public var redisBenchmarkPipelined: Double?
    /// `redis-benchmark -c <single callers> -t lpush` without pipelining, requests/s.
    public var redisBenchmarkSingle: Double?
    public var pipelinedRatio: Double? { redisBenchmarkPipelined.map { pipelined.perSecond / max($0, 1e-9) } }
    public var singleRatio: Double? { redisBenchmarkSingle.map { single.perSecond / max($0, 1e-9) } }
}

struct RedisClientBench {
    let host: String
    let port: Int
    /// A list key this server owns (in cluster mode, one whose slot is on it).
    let key: String
    let connections: Int
    let logger: Logger
    /// Each variant stops after this long, whatever it has sent (a debug build is slow).
    var cap: Duration = .seconds(15)

    func run(pipelinedCallers: Int, singleCallers: Int, redisBenchmarkPipelined: Double?,
             say: @Sendable (String) -> Void) async throws -> RedisClientBaseline {
        let pool = RedisShardPool(host: host, port: port, capacity: connections, timeoutSeconds: 10)
        do {
            let result = try await run(pool, pipelinedCallers: pipelinedCallers, singleCallers: singleCallers,
                                       redisBenchmarkPipelined: redisBenchmarkPipelined, say: say)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    func run(_ pool: RedisShardPool, pipelinedCallers: Int, singleCallers: Int, redisBenchmarkPipelined: Double?,
             say: @Sendable (String) -> Void) async throws -> RedisClientBaseline {
        _ = try await pool.pipeline([RedisCommand("DEL", key)]).throwingFirstError()
        // Pipelined: the redis-benchmark baseline's depth and total.
        let pipelined = try await measure(pool, key: key, callers: pipelinedCallers, pipeline: Baselines.lpushPipeline,
                                          total: Baselines.lpushRequests)
        var benchPipelined = redisBenchmarkPipelined
        if benchPipelined == nil {
            benchPipelined = try? await Baselines.redisLPush(host: host, port: port, requests: Baselines.lpushRequests)
        }
        say("redis client: pipelined LPUSH (\(pipelinedCallers) callers × \(Baselines.lpushPipeline), \(connections) connections): "
            + "\(Int(pipelined.perSecond))/s" + (benchPipelined.map { " = \(fmt(pipelined.perSecond / $0)) × redis-benchmark -P 64 (\(Int($0))/s)" } ?? ""))
        _ = try? await pool.pipeline([RedisCommand("DEL", key)])
        // One command per call, many concurrent callers: the client coalesces their writes.
        let singleTotal = 100_000
        let single = try await measure(pool, key: key, callers: singleCallers, pipeline: 1, total: singleTotal)
        let benchSingle = try? await Baselines.redisLPush(host: host, port: port, requests: singleTotal, pipeline: 1, clients: singleCallers)
        say("redis client: one LPUSH per call (\(singleCallers) callers): \(Int(single.perSecond))/s"
            + (benchSingle.map { " = \(fmt(single.perSecond / $0)) × redis-benchmark -c \(singleCallers) without -P (\(Int($0))/s)" } ?? ""))
        _ = try? await pool.pipeline([RedisCommand("DEL", key), RedisCommand("DEL", "mylist")])
        return RedisClientBaseline(connections: connections, pipelined: pipelined, single: single,
                                   redisBenchmarkPipelined: benchPipelined, redisBenchmarkSingle: benchSingle)
    }

    /// `callers` tasks claim `pipeline` commands at a time until `total` are sent (or the cap passes).
    func measure(_ pool: RedisShardPool, key: String, callers: Int, pipeline: Int, total: Int) async throws -> RedisClientRun {
        let commands = [RedisCommand](repeating: RedisCommand("LPUSH", key, "xxx"), count: pipeline)
        let claimed = Counter(), sent = Counter(), failures = Counter()
        let start = ContinuousClock.now
        let deadline = start + cap
        await withDiscardingTaskGroup { group in
            for _ in 0..<callers {
                group.addTask {
                    while ContinuousClock.now < deadline {
                        let first = claimed.add(pipeline) - pipeline
                        if first >= total { return }
                        let count = min(pipeline, total - first)
                        do {
                            _ = try await pool.pipeline(count == pipeline ? commands : Array(commands.prefix(count))).throwingFirstError()
                            sent.add(count)
                        } catch {
                            failures.add(1)
                            return
                        }
                    }
                }
            }
        }
        let seconds = secondsOf(ContinuousClock.now - start)
        if failures.value > 0 { throw LoadTestError.failed("\(failures.value) Redis calls failed") }
        let done = sent.value
        return RedisClientRun(callers: callers, pipeline: pipeline, commands: done, seconds: seconds,
                              perSecond: Double(done) / max(seconds, 1e-9))
    }
}
