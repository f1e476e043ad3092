/// Drop reports summed over a time window: what emitters say they dropped (`execlog stats`).
public struct EmitterDropTotals: Sendable, Equatable {
    /// Executions reported dropped.
    public var dropped: Int
    /// Distinct `emitter` names among the reports that count at least one drop.
    public var emitters: Int
    /// Reports in the window, those that count no drop included.
    public var reports: Int

    public init(dropped: Int = 0, emitters: Int = 0, reports: Int = 0) {
        self.dropped = dropped
        self.emitters = emitters
        self.reports = reports
    }
}
