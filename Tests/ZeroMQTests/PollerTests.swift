import Glibc
import Testing
import ZeroMQ

@Suite struct PollerTests {
    let context = ZMQContext()

    @Test func pollTimesOutThenReportsReadable() throws {
        let (router, dealer) = try makeRouterDealer(context, bindTo: "inproc://poll")
        var items = [PollItem(router), PollItem(dealer, events: .writable)]
        #expect(try Poller.poll(&items, timeoutMilliseconds: 0) == 1)
        #expect(!items[0].isReadable)
        #expect(items[1].isWritable)

        items.removeLast()
        let (ready, milliseconds) = try measure { try Poller.poll(&items, timeoutMilliseconds: 50) }
        #expect(ready == 0)
        #expect(milliseconds >= 40)
        #expect(items[0].readyEvents.isEmpty)

        #expect(try dealer.send(["ping"]))
        #expect(try Poller.poll(&items, timeoutMilliseconds: 2000) == 1)
        #expect(items[0].isReadable)
        #expect(try router.events.contains(.readable))
        #expect(try router.receive(dontWait: true) == [bytes("dealer-1"), bytes("ping")])
        #expect(try Poller.poll(&items, timeoutMilliseconds: 0) == 0)
    }

    @Test func wakeupSignalWakesAPollFromAnotherThread() throws {
        let socket = try makeSocket(context, .pull)
        try socket.bind("inproc://idle")
        let wakeup = try WakeupSignal()
        var items = [PollItem(socket), PollItem(wakeup)]

        let waker = TestThread(afterMilliseconds: 50) { wakeup.signal() }
        defer { waker.join() }
        let (ready, milliseconds) = try measure { try Poller.poll(&items, timeoutMilliseconds: 5000) }
        #expect(ready == 1)
        #expect(!items[0].isReadable)
        #expect(items[1].isReadable)
        #expect(milliseconds < 4000)

        #expect(wakeup.drain())
        #expect(try Poller.poll(&items, timeoutMilliseconds: 0) == 0)
        #expect(!wakeup.drain())
    }

    @Test func wakeupSignalsCoalesce() throws {
        let wakeup = try WakeupSignal()
        for _ in 0..<3 { wakeup.signal() }
        var items = [PollItem(fileDescriptor: wakeup.fileDescriptor)]
        #expect(try Poller.poll(&items, timeoutMilliseconds: 0) == 1)
        #expect(wakeup.drain())
        #expect(try Poller.poll(&items, timeoutMilliseconds: 0) == 0)
    }

    @Test func pollingAClosedSocketThrows() throws {
        let socket = try makeSocket(context, .pull)
        var items = [PollItem(socket)]
        socket.close()
        let error = #expect(throws: ZMQError.self) { _ = try Poller.poll(&items, timeoutMilliseconds: 0) }
        #expect(error?.code == ENOTSOCK)
    }

    @Test func pollingNothingWithZeroTimeout() throws {
        var items: [PollItem] = []
        #expect(try Poller.poll(&items, timeoutMilliseconds: 0) == 0)
    }
}
