import Glibc
import Testing
import ZeroMQ

@Suite(.timeLimit(.minutes(1)))
struct SocketMonitorTests {
    let context = ZMQContext()

    /// Waits for the first event of `kind`, skipping others; nil after `milliseconds`.
    func next(_ kind: SocketEvents, from monitor: SocketMonitor, within milliseconds: Int = 5_000) throws -> SocketEvent? {
        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
        var items = [PollItem(monitor.socket)]
        while ContinuousClock.now < deadline {
            while let event = try monitor.receive(dontWait: true) {
                if event.event == kind { return event }
            }
            _ = try Poller.poll(&items, timeoutMilliseconds: 100)
        }
        return nil
    }

    @Test func parsesTheTwoFrameMonitorMessage() throws {
        let event = try #require(SocketEvent(frames: [[0x00, 0x02, 0x2A, 0x01, 0x00, 0x00], bytes("tcp://127.0.0.1:5599")]))
        #expect(event.event == .disconnected)
        #expect(event.value == 298)
        #expect(event.endpoint == "tcp://127.0.0.1:5599")
        let connected = try #require(SocketEvent(frames: [[0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF], bytes("ipc:///x")]))
        #expect(connected.event == .connected && connected.value == UInt32.max)
        #expect("\(connected)" == "connected ipc:///x (4294967295)")
        #expect(SocketEvent(frames: [[0x01, 0x00, 0, 0, 0], bytes("x")]) == nil)
        #expect(SocketEvent(frames: [[0x01, 0x00, 0, 0, 0, 0]]) == nil)
        #expect(SocketEvent(frames: [[0x01, 0x00, 0, 0, 0, 0], bytes("x"), bytes("y")]) == nil)
    }

    @Test(arguments: ["ipc", "tcp"])
    func aDealerSeesConnectedThenDisconnectedWhenTheRouterCloses(transport: String) throws {
        try withTemporaryDirectory { folder in
            let router = try makeSocket(context, .router)
            try router.bind(transport == "ipc" ? "ipc://\(folder)/m.sock" : "tcp://127.0.0.1:*")
            let endpoint = try router.lastEndpoint
            let dealer = try makeSocket(context, .dealer)
            let monitor = try SocketMonitor(monitoring: dealer, events: [.connected, .disconnected])
            try dealer.connect(endpoint)

            let connected = try #require(try next(.connected, from: monitor), "no CONNECTED event")
            #expect(connected.endpoint == endpoint)
            #expect(connected.value > 0, "CONNECTED carries the connection's file descriptor")

            router.close()
            let disconnected = try #require(try next(.disconnected, from: monitor), "no DISCONNECTED event")
            #expect(disconnected.endpoint == endpoint)
        }
    }

    @Test func aRestartedRouterGivesConnectedAgainAfterDisconnected() throws {
        try withTemporaryDirectory { folder in
            let endpoint = "ipc://\(folder)/r.sock"
            var router = try makeSocket(context, .router)
            try router.bind(endpoint)
            let dealer = try makeSocket(context, .dealer)
            try dealer.setOption(.reconnectInterval, value: 50)
            let monitor = try SocketMonitor(monitoring: dealer)
            try dealer.connect(endpoint)
            #expect(try next(.connected, from: monitor) != nil)

            router.close()
            #expect(try next(.disconnected, from: monitor) != nil)
            router = try makeSocket(context, .router)
            try router.bind(endpoint)
            #expect(try next(.connected, from: monitor) != nil, "no CONNECTED after the new ROUTER bound")
            // Messages flow on the new connection.
            #expect(try dealer.send(["again"]))
            #expect(try router.receive()?.last == bytes("again"))
        }
    }

    @Test func onlyTheRequestedEventsAreReportedAndStopIsIdempotent() throws {
        try withTemporaryDirectory { folder in
            let router = try makeSocket(context, .router)
            let monitor = try SocketMonitor(monitoring: router, events: .listening)
            try router.bind("ipc://\(folder)/l.sock")
            let listening = try #require(try next(.listening, from: monitor))
            #expect(listening.endpoint == "ipc://\(folder)/l.sock")
            let dealer = try makeSocket(context, .dealer)
            try dealer.connect("ipc://\(folder)/l.sock")
            #expect(try dealer.send(["x"]))
            #expect(try router.receive() != nil)
            #expect(try monitor.drain().isEmpty, "ACCEPTED was not asked for")
            monitor.stop()
            monitor.stop()
            #expect(monitor.socket.isClosed)
        }
    }

    @Test func monitoringAClosedSocketFails() throws {
        let socket = try makeSocket(context, .dealer)
        socket.close()
        #expect(throws: ZMQError.self) { try SocketMonitor(monitoring: socket) }
    }
}
