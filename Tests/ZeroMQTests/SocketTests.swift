import Glibc
import Testing
import ZeroMQ

@Suite struct SocketTests {
    let context = ZMQContext()

    @Test func versionIsLibzmq4() {
        let version = ZMQ.version
        #expect(version.major == 4)
        #expect(version.minor >= 3)
    }

    /// DEALER says hello, ROUTER sees its routing id and answers through it.
    func assertRoundTrip(bindTo endpoint: String) throws {
        let (router, dealer) = try makeRouterDealer(context, bindTo: endpoint)
        #expect(try dealer.send(["hello"]))
        let request = try #require(try router.receive())
        #expect(request == [bytes("dealer-1"), bytes("hello")])
        #expect(try router.send([request[0], bytes("world")]))
        #expect(try dealer.receive() == [bytes("world")])
    }

    @Test func roundTripOverInproc() throws {
        try assertRoundTrip(bindTo: "inproc://round-trip")
    }

    @Test func roundTripOverIPC() throws {
        try withTemporaryDirectory { folder in
            try assertRoundTrip(bindTo: "ipc://\(folder)/router.sock")
        }
    }

    @Test func roundTripOverTCPWithWildcardPort() throws {
        let router = try makeSocket(context, .router)
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let port = try #require(Int(endpoint.dropFirst("tcp://127.0.0.1:".count)))
        #expect(port > 0 && port < 65536)
        router.close()
        try assertRoundTrip(bindTo: "tcp://127.0.0.1:*")
    }

    @Test func multipartWithEmptyFramesAndOneMegabyteFrameIsPreserved() throws {
        let (router, dealer) = try makeRouterDealer(context, bindTo: "tcp://127.0.0.1:*")
        let big = (0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let frames: [[UInt8]] = [[], bytes("a"), [], big, [0], []]
        #expect(try dealer.send(frames))
        let received = try #require(try router.receive())
        #expect(received.count == frames.count + 1)
        #expect(received[0] == bytes("dealer-1"))
        #expect(Array(received.dropFirst()) == frames)

        // And back, through the routing id.
        #expect(try router.send(received))
        #expect(try dealer.receive() == frames)
    }

    @Test func onlyEmptyFrames() throws {
        let (router, dealer) = try makeRouterDealer(context, bindTo: "inproc://empty")
        #expect(try dealer.send([[]]))
        #expect(try router.receive() == [bytes("dealer-1"), []])
    }

    @Test func routerRepliesToTheRightPeer() throws {
        let router = try makeSocket(context, .router)
        try router.bind("inproc://two-peers")
        var dealers: [ZMQSocket] = []
        for name in ["a", "b"] {
            let dealer = try makeSocket(context, .dealer)
            try dealer.setOption(.routingID, value: bytes(name))
            try dealer.connect("inproc://two-peers")
            #expect(try dealer.send(["from \(name)"]))
            dealers.append(dealer)
        }
        for _ in 0..<2 {
            let request = try #require(try router.receive())
            #expect(request.count == 2)
            #expect(try router.send([request[0], bytes("to ") + request[0]]))
        }
        #expect(try dealers[0].receive() == [bytes("to a")])
        #expect(try dealers[1].receive() == [bytes("to b")])
    }

    @Test func routerMandatoryRejectsUnknownPeer() throws {
        let router = try makeSocket(context, .router)
        try router.setOption(.routerMandatory, value: true)
        try router.bind("inproc://mandatory")
        let error = #expect(throws: ZMQError.self) {
            _ = try router.send([bytes("nobody"), bytes("hi")])
        }
        #expect(error?.isHostUnreachable == true)
        #expect(ZMQError.isHostUnreachable(try #require(error)))
    }

    @Test func dontWaitReceiveReturnsNilWhenNothingIsQueued() throws {
        let (router, dealer) = try makeRouterDealer(context, bindTo: "inproc://nothing")
        #expect(try router.receive(dontWait: true) == nil)
        #expect(try dealer.receive(dontWait: true) == nil)
    }

    @Test func receiveTimeoutReturnsNil() throws {
        let socket = try makeSocket(context, .pull, receiveTimeout: 50)
        try socket.bind("inproc://timeout")
        let (received, milliseconds) = try measure { try socket.receive() }
        #expect(received == nil)
        #expect(milliseconds >= 40)
    }

    @Test func dontWaitSendReturnsFalseWithoutPeer() throws {
        let dealer = try makeSocket(context, .dealer)
        #expect(try dealer.send(["nobody listens"], dontWait: true) == false)
    }

    /// Without ZMQ_IMMEDIATE a connecting socket queues for a peer that is not there yet; with
    /// it, a send fails until the connection is up.
    @Test func immediateRefusesToQueueForAnAbsentPeer() throws {
        let placeholder = try makeSocket(context, .router)
        try placeholder.bind("tcp://127.0.0.1:*")
        let deadEndpoint = try placeholder.lastEndpoint
        placeholder.close()

        let eager = try makeSocket(context, .dealer)
        try eager.connect(deadEndpoint)
        #expect(try eager.send(["queued"], dontWait: true))

        let careful = try makeSocket(context, .dealer)
        try careful.setOption(.immediate, value: true)
        try careful.connect(deadEndpoint)
        #expect(try careful.send(["refused"], dontWait: true) == false)
    }

    @Test func sendingStringsAndNoFrames() throws {
        let (router, dealer) = try makeRouterDealer(context, bindTo: "inproc://strings")
        #expect(try dealer.send(["é", "", "z"]))
        #expect(try router.receive() == [bytes("dealer-1"), bytes("é"), [], bytes("z")])
        let error = #expect(throws: ZMQError.self) { _ = try dealer.send([[UInt8]]()) }
        #expect(error?.code == EINVAL)
    }

    @Test func pubSubDeliversSubscribedTopicsOnly() throws {
        let publisher = try makeSocket(context, .pub)
        try publisher.bind("inproc://news")
        let subscriber = try makeSocket(context, .sub, receiveTimeout: 50)
        try subscriber.subscribe("weather")
        try subscriber.connect("inproc://news")
        // The subscription reaches the publisher asynchronously ("slow joiner"): keep publishing.
        var received: [[UInt8]]?
        for _ in 0..<100 where received == nil {
            #expect(try publisher.send(["sports", "0-0"]))
            #expect(try publisher.send(["weather", "rain"]))
            received = try subscriber.receive()
        }
        #expect(received == [bytes("weather"), bytes("rain")])
    }

    @Test func closeIsIdempotentAndLaterCallsThrowNotASocket() throws {
        let socket = try makeSocket(context, .dealer)
        #expect(!socket.isClosed)
        socket.close()
        socket.close()
        #expect(socket.isClosed)
        let error = #expect(throws: ZMQError.self) { try socket.connect("inproc://x") }
        #expect(error?.code == ENOTSOCK)
        #expect(throws: ZMQError.self) { _ = try socket.receive(dontWait: true) }
        #expect(throws: ZMQError.self) { try socket.getOption(.linger) }
    }

    @Test func invalidEndpointsThrowReadableErrors() throws {
        let socket = try makeSocket(context, .router)
        let unknownTransport = #expect(throws: ZMQError.self) { try socket.bind("bogus://here") }
        #expect(unknownTransport?.operation == "zmq_bind(bogus://here)")
        #expect(unknownTransport?.description == "zmq_bind(bogus://here): Protocol not supported")

        let malformed = #expect(throws: ZMQError.self) { try socket.connect("tcp://no-port") }
        #expect(malformed?.code == EINVAL)
        #expect(malformed?.description == "zmq_connect(tcp://no-port): Invalid argument")

        try socket.bind("tcp://127.0.0.1:*")
        let endpoint = try socket.lastEndpoint
        let other = try makeSocket(context, .router)
        let inUse = #expect(throws: ZMQError.self) { try other.bind(endpoint) }
        #expect(inUse?.description == "zmq_bind(\(endpoint)): Address already in use")

        // Unbinding is asynchronous (the I/O thread closes the listener later), so rebinding
        // at once can still fail; a second unbind fails at once.
        try socket.unbind(endpoint)
        let unbound = #expect(throws: ZMQError.self) { try socket.unbind(endpoint) }
        #expect(unbound?.code == ENOENT)
    }

    @Test func errorHelpersRecogniseCodes() {
        let again = ZMQError(operation: "x", code: EAGAIN)
        #expect(again.isWouldBlock && ZMQError.isWouldBlock(again))
        #expect(ZMQError(operation: "x", code: EINTR).isInterrupted)
        #expect(ZMQError(operation: "x", code: EHOSTUNREACH).isHostUnreachable)
        #expect(!ZMQError.isContextTerminated(CancellationError()))
    }

    /// A peer sending more than ZMQ_MAXMSGSIZE is disconnected and its message dropped.
    @Test func oversizedMessageIsNotDelivered() throws {
        let (router, dealer) = try makeRouterDealer(context, bindTo: "tcp://127.0.0.1:*") { router in
            try router.setOption(.maxMessageSize, value: 1000)
        }
        #expect(try dealer.send([[UInt8](repeating: 1, count: 1000)]))
        #expect(try router.receive()?.last?.count == 1000)
        try router.setOption(.receiveTimeout, value: 300)
        #expect(try dealer.send([[UInt8](repeating: 2, count: 1001)]))
        #expect(try router.receive() == nil)
    }

    @Test func contextShutdownWakesABlockedReceiveWithETERM() throws {
        let context = ZMQContext()
        let socket = try makeSocket(context, .pull, receiveTimeout: 5000)
        try socket.bind("inproc://blocked")
        let stopper = TestThread(afterMilliseconds: 100) { context.shutdown() }
        defer { stopper.join() }
        let (error, milliseconds) = measure {
            #expect(throws: ZMQError.self) { _ = try socket.receive() }
        }
        #expect(error?.isContextTerminated == true)
        #expect(milliseconds < 4000)

        // Everything else on the socket fails the same way, without blocking.
        let sendError = #expect(throws: ZMQError.self) { _ = try socket.send(["late"]) }
        #expect(sendError?.isContextTerminated == true)
        #expect(sendError?.description == "zmq_send(frame 1 of 1): Context was terminated")
        var items = [PollItem(socket)]
        let pollError = #expect(throws: ZMQError.self) {
            _ = try Poller.poll(&items, timeoutMilliseconds: 1000)
        }
        #expect(pollError?.isContextTerminated == true)
    }
}
