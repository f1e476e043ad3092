import CMalloc

extension Sender {
    /// Gives freed heap back to the system while the queue holds much of its bound (a writer away, a
    /// backlog), and once more when it drained.
    ///
    /// glibc keeps what is freed in each thread's arena. The executions the sender frees once encoded
    /// were allocated by the recording threads, whose arenas stayed at their high-water mark: the
    /// process held the bound once as values and again as JSON, and past it when the queue filled
    /// faster than the sender encoded. `malloc_trim` walks every arena and returns its free pages. In
    /// a steady stream the queue holds a few batches and the arenas reuse what is freed: no trim, no
    /// page faults to pay for it. Under pressure, at most fifty a second, each after 1/32 of the bound
    /// (2 MiB at least) was freed.
    func trimFreedMemory(held: Int, now: ContinuousClock.Instant) {
        let pressure = configuration.maxQueueBytes / 4
        guard held >= pressure || heldAtLastTrim >= pressure,
            freedSinceTrim >= max(2 << 20, configuration.maxQueueBytes / 32),
            lastTrim.map({ now - $0 >= .milliseconds(20) }) ?? true
        else { return }
        malloc_trim(0)
        freedSinceTrim = 0
        lastTrim = now
        heldAtLastTrim = held
    }
}
