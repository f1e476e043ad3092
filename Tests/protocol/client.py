#!/usr/bin/env python3
"""An execlog wire protocol v1 client, written from docs/PROTOCOL.md alone.

Usage: client.py ENDPOINT COUNT        e.g. client.py ipc:///tmp/x/w.sock 100

Sends COUNT valid events in batches, then one batch holding a valid and an invalid
event, then the first batch again (same batch id, same event ids). Waits for every
ack, prints one JSON line {"sent", "stored", "duplicates", "rejected"} and exits 0
when stored == COUNT + 1, duplicates == size of the resent batch and rejected == 1;
otherwise (or on an error reply, or when an ack takes more than 10 s) exits 1.
"""

import json
import os
import sys
import time

import zmq

TAG = b"execlog/1"
BATCH_SIZE = 50
TIMEOUT_MS = 10_000


def uuid7():
    """A UUIDv7: 48 bits of Unix milliseconds, version 7, random bits, variant 10."""
    value = bytearray(int(time.time() * 1000).to_bytes(6, "big") + os.urandom(10))
    value[6] = 0x70 | (value[6] & 0x0F)
    value[8] = 0x80 | (value[8] & 0x3F)
    h = value.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def event(number):
    return json.dumps({
        "id": uuid7(),
        "usage_type": "protocol_test",
        "provider": "python",
        "model_name": "client-py",
        "input_messages": [{"role": "user", "content": f"event {number}"}],
        "input_tokens": 10,
        "output_tokens": 5,
        "execution_time_ms": 120,
    }).encode()


def wait_for_acks(socket, batch_ids):
    """The acks of the given batches, by batch id, in whatever order they come. Exits 1 on an
    error reply, or when TIMEOUT_MS pass without a reply."""
    acks = {}
    while len(acks) < len(batch_ids):
        if not socket.poll(TIMEOUT_MS):
            missing = sorted(b.decode() for b in set(batch_ids) - set(acks))
            fail(f"no ack within {TIMEOUT_MS // 1000} s for batches {missing}")
        frames = socket.recv_multipart()
        if len(frames) < 2 or frames[0] != TAG:
            fail(f"not a protocol v1 reply: {frames[:2]!r}")
        if frames[1] == b"error":
            fail(f"error reply: {[f.decode(errors='replace') for f in frames[2:]]}")
        if frames[1] == b"ack" and len(frames) == 4 and frames[2] in batch_ids:
            acks[frames[2]] = json.loads(frames[3])
        # Anything else (an ack of a batch already counted) is ignored.
    return acks


def fail(message):
    print(f"client.py: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 3 or not sys.argv[2].isdigit() or int(sys.argv[2]) < 1:
        print("usage: client.py ENDPOINT COUNT   (COUNT >= 1)", file=sys.stderr)
        sys.exit(2)
    endpoint, count = sys.argv[1], int(sys.argv[2])

    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(endpoint)

    events = [event(n) for n in range(count)]
    batches = [(f"py-{n // BATCH_SIZE}".encode(), events[n:n + BATCH_SIZE])
               for n in range(0, count, BATCH_SIZE)]
    invalid = json.dumps({"id": uuid7(), "usage_type": "", "provider": "python",
                          "model_name": "client-py", "input_messages": []}).encode()
    batches.append((b"py-mixed", [event(count), invalid]))

    totals = {"sent": 0, "stored": 0, "duplicates": 0, "rejected": 0}

    def send(batch_id, batch_events):
        socket.send_multipart([TAG, b"batch", batch_id] + batch_events)
        totals["sent"] += len(batch_events)

    def count_ack(ack, batch_size):
        if ack["stored"] + ack["duplicates"] + len(ack["rejected"]) != batch_size:
            fail(f"ack does not account for {batch_size} events: {ack}")
        totals["stored"] += ack["stored"]
        totals["duplicates"] += ack["duplicates"]
        totals["rejected"] += len(ack["rejected"])

    for batch_id, batch_events in batches:
        send(batch_id, batch_events)
    acks = wait_for_acks(socket, [batch_id for batch_id, _ in batches])
    for batch_id, batch_events in batches:
        count_ack(acks[batch_id], len(batch_events))

    # The first batch again, as after a lost ack: every event must come back a duplicate.
    first_id, first_events = batches[0]
    send(first_id, first_events)
    count_ack(wait_for_acks(socket, [first_id])[first_id], len(first_events))

    socket.close()
    context.term()
    print(json.dumps(totals))
    expected = (totals["stored"] == count + 1 and totals["duplicates"] == len(first_events)
                and totals["rejected"] == 1)
    sys.exit(0 if expected else 1)


if __name__ == "__main__":
    main()
