import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { noDelaySocket } from './no-delay-socket';

function open(port: number): Socket {
  let socket: Socket | undefined;
  noDelaySocket({ host: '127.0.0.1', port }, (error, options) => {
    expect(error).toBeNull();
    socket = options?.connection;
  });
  if (!socket) throw new Error('no socket handed over');
  return socket;
}

describe(noDelaySocket.name, () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));
  afterEach(() => jest.restoreAllMocks());

  it('should hand nodemailer a socket to the server that sends small writes at once (no Nagle delay)', async () => {
    const setNoDelay = jest.spyOn(Socket.prototype, 'setNoDelay');

    const socket = open(port);
    await new Promise((resolve) => socket.once('connect', resolve));

    expect(socket.remotePort).toBe(port);
    const calls = setNoDelay.mock.calls.filter((_, i) => setNoDelay.mock.contexts[i] === socket);
    expect(calls).toEqual([[true]]);
    socket.destroy();
  });

  it("should leave a refused connection to nodemailer's own error handling", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const socket = open(freePort);
    const error = await new Promise<NodeJS.ErrnoException>((resolve) =>
      socket.once('error', resolve),
    );

    expect(error.code).toBe('ECONNREFUSED');
  });
});
