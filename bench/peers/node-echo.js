#!/usr/bin/env node
// A Node `net` TCP server, a peer NetKit's echo and lines services are measured against
// (bench/compare-peers.sh).
//
// Usage: node bench/peers/node-echo.js <echo|lines> <port>
//   echo:  writes every chunk back until EOF (noDelay).
//   lines: each \n-terminated line is answered upper-cased (ASCII) plus "\n", a line may arrive split
//          across chunks; a line that trims to "quit" is answered "bye\n" and the connection closes.
// Binds 127.0.0.1:<port> (0 picks a free port) and prints "listening on 127.0.0.1:<port>".
'use strict';
const net = require('net');

const [mode, portArg] = process.argv.slice(2);
const port = Number(portArg);
if ((mode !== 'echo' && mode !== 'lines') || !Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('usage: node node-echo.js <echo|lines> <port>\n');
  process.exit(2);
}

const NL = 0x0a;

// Upper-cases ASCII a-z in place.
function upperAscii(buf) {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b >= 0x61 && b <= 0x7a) buf[i] = b - 0x20;
  }
  return buf;
}

function isQuit(line) {
  return line.length >= 4 && line.length <= 64 && line.toString('latin1').trim() === 'quit';
}

function serveLines(socket) {
  let pending = null; // bytes of a line not yet terminated, carried to the next chunk
  socket.on('data', (chunk) => {
    const data = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    const replies = [];
    let start = 0;
    let nl;
    while ((nl = data.indexOf(NL, start)) !== -1) {
      let end = nl;
      if (end > start && data[end - 1] === 0x0d) end--;
      const line = data.subarray(start, end);
      start = nl + 1;
      if (isQuit(line)) {
        replies.push(Buffer.from('bye\n'));
        socket.end(Buffer.concat(replies));
        socket.removeAllListeners('data');
        return;
      }
      // Copy (not a view) so upper-casing never touches the input, then add the "\n".
      const reply = Buffer.allocUnsafe(line.length + 1);
      line.copy(reply, 0);
      upperAscii(reply.subarray(0, line.length));
      reply[line.length] = NL;
      replies.push(reply);
    }
    if (start < data.length) pending = Buffer.from(data.subarray(start));
    // One write per chunk: every line this chunk completed is answered together.
    if (replies.length === 1) socket.write(replies[0]);
    else if (replies.length > 1) socket.write(Buffer.concat(replies));
  });
  socket.on('end', () => socket.end());
}

function serveEcho(socket) {
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('end', () => socket.end());
}

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  if (mode === 'echo') serveEcho(socket);
  else serveLines(socket);
});
server.on('error', (err) => {
  process.stderr.write(`node-echo: ${err.message}\n`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening on ${addr.address}:${addr.port}\n`);
});
