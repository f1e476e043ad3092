import Testing
import ZeroMQ

@Suite struct OptionTests {
    let context = ZMQContext()

    @Test func integerAndBooleanOptionsRoundTrip() throws {
        let socket = try ZMQSocket(context: context, type: .dealer)
        #expect(try socket.getOption(.linger) == 0)  // ZMQ_BLOCKY is off.
        let int32Options: [(SocketOption<Int32>, Int32)] = [
            (.linger, 250), (.sendHighWaterMark, 10), (.receiveHighWaterMark, 20),
            (.sendTimeout, 30), (.receiveTimeout, 40), (.reconnectInterval, 50),
            (.reconnectIntervalMax, 5000), (.heartbeatInterval, 1000), (.heartbeatTimeout, 3000),
            (.heartbeatTTL, 6000), (.tcpKeepalive, 1), (.handshakeInterval, 2000),
        ]
        for (option, value) in int32Options {
            try socket.setOption(option, value: value)
            #expect(try socket.getOption(option) == value, "\(option.name)")
        }
        for option in [SocketOption<Bool>.immediate, .ipv6, .curveServer] {
            #expect(try socket.getOption(option) == false, "\(option.name)")
            try socket.setOption(option, value: true)
            #expect(try socket.getOption(option) == true, "\(option.name)")
        }
        try socket.setOption(.maxMessageSize, value: 5_000_000_000)
        #expect(try socket.getOption(.maxMessageSize) == 5_000_000_000)
    }

    @Test func heartbeatTTLIsKeptInTenthsOfASecond() throws {
        let socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setOption(.heartbeatTTL, value: 1250)
        #expect(try socket.getOption(.heartbeatTTL) == 1200)
    }

    @Test func byteAndStringOptionsRoundTrip() throws {
        let socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setOption(.routingID, value: [1, 2, 3, 0, 255])
        #expect(try socket.getOption(.routingID) == [1, 2, 3, 0, 255])
        try socket.setOption(.zapDomain, value: "global")
        #expect(try socket.getOption(.zapDomain) == "global")

        let pair = try ZMQ.curveKeyPair()
        try socket.setOption(.curveServerKey, value: pair.publicKey)
        let z85: String = try socket.getOption(.curveServerKey)
        let raw: [UInt8] = try socket.getOption(.curveServerKey)
        #expect(z85 == pair.publicKey)
        #expect(raw == (try ZMQ.z85Decode(pair.publicKey)))
        try socket.setOption(.curveSecretKey, value: try ZMQ.z85Decode(pair.secretKey))
        #expect(try socket.getOption(.curveSecretKey) as String == pair.secretKey)
    }

    @Test func writeOnlyAndReadOnlyOptions() throws {
        let router = try ZMQSocket(context: context, type: .router)
        try router.setOption(.routerMandatory, value: true)
        try router.setOption(.probeRouter, value: true)
        #expect(try router.lastEndpoint == "")
        #expect(try router.fileDescriptor >= 0)
        #expect(try router.events == [])
        let error = #expect(throws: ZMQError.self) {
            try router.setOption(.routingID, value: [])
        }
        #expect(error?.description == "zmq_setsockopt(ZMQ_ROUTING_ID): Invalid argument")
    }

    @Test func probeRouterLetsTheRouterSeeAConnectingPeer() throws {
        let (router, _) = try makeRouterDealer(context, bindTo: "inproc://probe") { _ in } configureDealer: {
            try $0.setOption(.probeRouter, value: true)
        }
        #expect(try router.receive() == [bytes("dealer-1"), []])
    }
}
