import Testing
import ZeroMQ

@Suite struct CurveTests {
    let context = ZMQContext()

    @Test func keyPairIsZ85AndPublicKeyDerivesFromSecret() throws {
        let pair = try ZMQ.curveKeyPair()
        #expect(pair.publicKey.utf8.count == 40)
        #expect(pair.secretKey.utf8.count == 40)
        #expect(pair.publicKey != pair.secretKey)
        #expect(try ZMQ.curvePublicKey(fromSecret: pair.secretKey) == pair.publicKey)
        #expect(try ZMQ.z85Decode(pair.publicKey).count == 32)
        #expect(try ZMQ.z85Encode(ZMQ.z85Decode(pair.publicKey)) == pair.publicKey)
        #expect(try ZMQ.curveKeyPair().publicKey != pair.publicKey)
    }

    @Test func malformedKeysAreRejected() throws {
        #expect(throws: ZMQError.self) { try ZMQ.curvePublicKey(fromSecret: "short") }
        let tooLong = String(repeating: "a", count: 45)
        #expect(throws: ZMQError.self) { try ZMQ.curvePublicKey(fromSecret: tooLong) }
        #expect(throws: ZMQError.self) { try ZMQ.z85Encode([1, 2, 3]) }
        #expect(throws: ZMQError.self) { try ZMQ.z85Decode("abcd") }
        let socket = try makeSocket(context, .dealer)
        #expect(throws: ZMQError.self) { try socket.setOption(.curveServerKey, value: "not a key") }
        let shortKey = [UInt8](repeating: 0, count: 31)
        #expect(throws: ZMQError.self) { try socket.setOption(.curveServerKey, value: shortKey) }
    }

    /// A CURVE server on tcp, and a client that trusts `serverKey`.
    func exchange(
        waitingMilliseconds: Int32,
        clientTrusting serverKey: (String) -> String
    ) throws -> [[UInt8]]? {
        let server = try ZMQ.curveKeyPair()
        let client = try ZMQ.curveKeyPair()
        let (router, dealer) = try makeRouterDealer(
            context,
            bindTo: "tcp://127.0.0.1:*",
            configureRouter: { router in
                try router.setOption(.curveServer, value: true)
                try router.setOption(.curveSecretKey, value: server.secretKey)
                try router.setOption(.receiveTimeout, value: waitingMilliseconds)
            },
            configureDealer: { dealer in
                try dealer.setOption(.curveServerKey, value: serverKey(server.publicKey))
                try dealer.setOption(.curvePublicKey, value: client.publicKey)
                try dealer.setOption(.curveSecretKey, value: client.secretKey)
            }
        )
        #expect(try dealer.send(["secret"]))
        return try router.receive()
    }

    @Test func matchingKeysExchangeAMessage() throws {
        let received = try exchange(waitingMilliseconds: 5000, clientTrusting: { $0 })
        #expect(received == [bytes("dealer-1"), bytes("secret")])
    }

    @Test func wrongServerKeyDeliversNothing() throws {
        let impostor = try ZMQ.curveKeyPair().publicKey
        #expect(try exchange(waitingMilliseconds: 500, clientTrusting: { _ in impostor }) == nil)
    }
}
