import net from 'node:net';

/**
 * A TCP proxy in front of a server that a test can freeze: while frozen, connections stay open but
 * no byte passes either way (a network partition, a server that hangs); thawed, what waited flows on.
 */
export interface TcpProxy {
  port: number;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let frozen = false;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const connect = ([client, upstream]: [net.Socket, net.Socket]) => { client.pipe(upstream); upstream.pipe(client); };
  const hold = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  };
  const server = net.createServer((client) => {
    const pair: [net.Socket, net.Socket] = [client, net.connect(targetPort, targetHost)];
    pairs.add(pair);
    for (const socket of pair) {
      socket.on('error', () => {});
      socket.on('close', () => { pairs.delete(pair); pair[0].destroy(); pair[1].destroy(); });
    }
    if (frozen) hold(pair);
    else connect(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze() { frozen = true; pairs.forEach(hold); },
    thaw() { frozen = false; pairs.forEach(connect); },
    async close() {
      for (const [client, upstream] of pairs) { client.destroy(); upstream.destroy(); }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
