"""Sends every metric kind aiodogstatsd supports with the real client (Debian python3-aiodogstatsd).

  python3 send_aiodogstatsd.py udp PORT
  python3 send_aiodogstatsd.py uds PATH   (the client's own protocol and queue, on a Unix
                                           datagram transport: aiodogstatsd has no UDS option)
Exit 0 when sent, 77 when aiodogstatsd is not installed (the test then skips), 1 on error.
"""
import asyncio
import socket
import sys

try:
    import aiodogstatsd
except ImportError:
    print("aiodogstatsd is not installed (Debian package python3-aiodogstatsd)", file=sys.stderr)
    sys.exit(77)


class UnixClient(aiodogstatsd.Client):
    """aiodogstatsd.Client whose datagram endpoint is a Unix socket instead of UDP."""

    def __init__(self, path, **kwargs):
        super().__init__(**kwargs)
        self._unix_path = path

    async def connect(self):
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.connect(self._unix_path)
        await loop.create_datagram_endpoint(lambda: self._protocol, sock=sock)
        self._pending_queue = asyncio.Queue(maxsize=self._pending_queue_size)
        self._listen_future = asyncio.ensure_future(self._listen())
        self._listen_future_join = asyncio.Future()
        self._state = aiodogstatsd.typedefs.CState.CONNECTED


async def main(kind, where):
    common = dict(namespace="aio", constant_tags={"client": "aiodogstatsd"}, read_timeout=0.05)
    if kind == "udp":
        client = aiodogstatsd.Client(host="127.0.0.1", port=int(where), **common)
    else:
        client = UnixClient(where, **common)
    async with client:
        client.gauge("gauge", value=42.5, tags={"kind": "gauge"})
        client.increment("counter", value=3, tags={"kind": "counter"})
        client.decrement("counter", value=1, tags={"kind": "counter"})
        client.histogram("histogram", value=7, tags={"kind": "histogram"})
        client.distribution("distribution", value=11, tags={"kind": "distribution"})
        client.timing("timing", value=250, tags={"kind": "timing"})


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("udp", "uds"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        asyncio.run(main(sys.argv[1], sys.argv[2]))
    except Exception as e:  # noqa: BLE001 - any failure is a failed send
        print("aiodogstatsd error: %r" % (e,), file=sys.stderr)
        sys.exit(1)
