import Foundation
import Testing
import ZeroMQ

/// Every test socket: never lingers, never blocks a test for long.
func makeSocket(
    _ context: ZMQContext,
    _ type: ZMQSocket.SocketType,
    receiveTimeout: Int32 = 2000
) throws -> ZMQSocket {
    let socket = try ZMQSocket(context: context, type: type)
    try socket.setOption(.linger, value: 0)
    try socket.setOption(.receiveTimeout, value: receiveTimeout)
    try socket.setOption(.sendTimeout, value: 2000)
    return socket
}

/// A ROUTER bound to `endpoint` and a DEALER (routing id `dealer-1`) connected to where it bound.
func makeRouterDealer(
    _ context: ZMQContext,
    bindTo endpoint: String,
    configureRouter: (ZMQSocket) throws -> Void = { _ in },
    configureDealer: (ZMQSocket) throws -> Void = { _ in }
) throws -> (router: ZMQSocket, dealer: ZMQSocket) {
    let router = try makeSocket(context, .router)
    try configureRouter(router)
    try router.bind(endpoint)
    let dealer = try makeSocket(context, .dealer)
    try dealer.setOption(.routingID, value: Array("dealer-1".utf8))
    try configureDealer(dealer)
    try dealer.connect(router.lastEndpoint)
    return (router, dealer)
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A fresh private folder for ipc socket files, removed afterwards. Kept short: a Unix socket
/// path must fit in 108 bytes.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    var template = Array("/tmp/zmqtest.XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    let path = try #require(created.map { String(cString: $0) })
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// A thread that is not from the Swift concurrency pool, so blocking in tests never starves it.
final class TestThread: Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(afterMilliseconds delay: Int = 0, _ body: @escaping @Sendable () -> Void) {
        let done = self.done
        let thread = Thread {
            if delay > 0 { Thread.sleep(forTimeInterval: Double(delay) / 1000) }
            body()
            done.signal()
        }
        thread.start()
    }

    func join() { done.wait() }
}

/// Milliseconds spent in `body`.
func measure<T>(_ body: () throws -> T) rethrows -> (result: T, milliseconds: Int) {
    let start = ContinuousClock.now
    let result = try body()
    let elapsed = start.duration(to: .now).components
    return (result, Int(elapsed.seconds) * 1000 + Int(elapsed.attoseconds / 1_000_000_000_000_000))
}
