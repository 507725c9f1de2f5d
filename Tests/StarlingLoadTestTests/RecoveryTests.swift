import StarlingLoadTest
import Testing

/// The recovery run's verdict: the first window back at 80 % of the rate before the flush.
struct RecoveryTests {
    @Test func recoveryIsTheEndOfTheFirstWindowBackNearTheRateBefore() {
        let back = RecoveryReport(readsPerSecondBefore: 4_000, windowSeconds: 2, windows: [300, 1_200, 3_250, 3_300], threshold: 0.8)
        #expect(back.secondsToRecover == 6)
        #expect(back.line.hasSuffix("300, 1200, 3250, 3300; back to 80 % within 6 s"), "\(back.line)")
        let never = RecoveryReport(readsPerSecondBefore: 4_000, windowSeconds: 2, windows: [300, 400], threshold: 0.8)
        #expect(never.secondsToRecover == nil)
        #expect(never.line.hasSuffix("not back to 80 % within 4 s"), "\(never.line)")
        let atOnce = RecoveryReport(readsPerSecondBefore: 4_000, windowSeconds: 2, windows: [3_200], threshold: 0.8)
        #expect(atOnce.secondsToRecover == 2)
    }
}
