using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.KeyValue;
using NetKit.Tests.KeyValue.Server;

namespace NetKit.Tests.KeyValue.Differential;

/// <summary>
/// The same random command sequences — strings (INCRBYFLOAT, SETRANGE, OBJECT ENCODING included), hashes, lists (SORT too), SELECT/MOVE/COPY/SWAPDB, MULTI/EXEC, WATCH from two
/// clients, sorted sets — sent to redis-server and to NetKit, every reply compared byte for byte. Replies whose order is
/// the dictionary's (HGETALL, KEYS...) are left out. Bounded: a few hundred commands per seed, a few seeds.
/// </summary>
public partial class RedisDifferentialTests
{
    private const int Seeds = 20;
    private const int CommandsPerSeed = 400;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly string[] Keys = ["k0", "k1", "k2"];
    private static readonly string[] Fields = ["f0", "f1", "f2"];
    // Large, long and exponent-form values too: float increments on them show the last digits of Redis's 80-bit
    // long double sums. HINCRBY's overflow is reached through its increments.
    private static readonly string[] Values =
        ["1", "-5", "abc", "3.5", "", "0.1", "10", "-0.25", "1234567.1", "1e300", "9223372036854775807", "0x1p3", "-2.5e-3"];
    private static readonly string[] Increments = ["1", "-5", "x", "9223372036854775807", "-9223372036854775808", "100"];

    [RequiresToolFact("redis-server")]
    public async Task RandomSequencesGetRedisOwnReplies()
    {
        using var redis = await RedisServerProcess.StartAsync(Timeout);
        await using var netkit = await KeyValueServer.StartAsync(new() { Port = 0 });
        var mismatches = new List<string>();
        for (int seed = 0; seed < Seeds && mismatches.Count == 0; seed++)
        {
            using var redisA = await RespWire.ConnectAsync(redis.Port);
            using var redisB = await RespWire.ConnectAsync(redis.Port);
            using var oursA = await RespWire.ConnectAsync(EndPointPort.Of(netkit.EndPoint));
            using var oursB = await RespWire.ConnectAsync(EndPointPort.Of(netkit.EndPoint));
            foreach (var wire in new[] { redisA, oursA })
            {
                await wire.CallAsync(["FLUSHALL"]);
            }

            var random = new Random(seed);
            var history = new List<string>();
            for (int i = 0; i < CommandsPerSeed; i++)
            {
                bool second = random.Next(4) == 0;
                string[] command = NextCommand(random);
                history.Add((second ? "B: " : "A: ") + string.Join(' ', command));
                string expected = await (second ? redisB : redisA).CallAsync(command);
                string actual = await (second ? oursB : oursA).CallAsync(command);
                if (expected != actual)
                {
                    mismatches.Add($"seed {seed}, command {i}: {history[^1]}\n  redis:  {Escape(expected)}\n  netkit: {Escape(actual)}\n  after: {string.Join(" | ", history.TakeLast(12))}");
                    break;
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    private static string[] NextCommand(Random random)
    {
        string K() => Keys[random.Next(Keys.Length)];
        string F() => Fields[random.Next(Fields.Length)];
        string V() => Values[random.Next(Values.Length)];
        string Db() => random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string I() => (random.Next(7) - 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string End() => random.Next(2) == 0 ? "LEFT" : "RIGHT";
        if (random.Next(4) == 0)
        {
            return NextSortedSetCommand(random, K);
        }

        return random.Next(58) switch
        {
            43 or 44 => [random.Next(2) == 0 ? "LPUSH" : "RPUSH", K(), V(), V()],
            45 => [random.Next(2) == 0 ? "LPOP" : "RPOP", K()],
            46 => [random.Next(2) == 0 ? "LPOP" : "RPOP", K(), random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            47 => ["LRANGE", K(), I(), I()],
            48 => ["LLEN", K()],
            49 => random.Next(2) == 0 ? ["LINDEX", K(), I()] : ["LSET", K(), I(), V()],
            50 => ["LREM", K(), I(), V()],
            51 => ["LTRIM", K(), I(), I()],
            52 => ["LINSERT", K(), random.Next(2) == 0 ? "BEFORE" : "AFTER", V(), V()],
            53 => random.Next(2) == 0 ? ["LPOS", K(), V()] : ["LPOS", K(), V(), "RANK", I() is "0" ? "1" : "-1", "COUNT", "0"],
            54 => random.Next(2) == 0 ? ["LMOVE", K(), K(), End(), End()] : ["RPOPLPUSH", K(), K()],
            55 => ["LMPOP", "2", K(), K(), End(), "COUNT", "2"],
            56 => [random.Next(2) == 0 ? "LPUSHX" : "RPUSHX", K(), V()],
            57 => random.Next(2) == 0 ? ["SORT", K(), "ALPHA"] : ["SORT", K(), "LIMIT", "0", "2", "ALPHA", "DESC"],
            0 or 1 => ["SET", K(), V()],
            2 or 3 => ["GET", K()],
            4 => ["INCR", K()],
            5 => ["APPEND", K(), V()],
            6 => ["DEL", K(), K()],
            7 => ["EXISTS", K(), K()],
            8 => ["TYPE", K()],
            9 or 10 => ["HSET", K(), F(), V()],
            11 => ["HSET", K(), F(), V(), F(), V()],
            12 => ["HGET", K(), F()],
            13 => ["HDEL", K(), F(), F()],
            14 => ["HLEN", K()],
            15 => ["HINCRBY", K(), F(), Increments[random.Next(Increments.Length)]],
            16 => ["HINCRBYFLOAT", K(), F(), V()],
            17 => ["HEXISTS", K(), F()],
            18 => ["HSTRLEN", K(), F()],
            19 => ["HMGET", K(), F(), F()],
            20 => ["HSETNX", K(), F(), V()],
            21 => ["SELECT", Db()],
            22 => ["MOVE", K(), Db()],
            23 => random.Next(2) == 0 ? ["COPY", K(), K()] : ["COPY", K(), K(), "DB", Db(), "REPLACE"],
            24 => ["SWAPDB", Db(), Db()],
            25 => ["DBSIZE"],
            26 or 27 => ["MULTI"],
            28 or 29 => ["EXEC"],
            30 => ["DISCARD"],
            31 => ["WATCH", K()],
            32 => ["UNWATCH"],
            33 => ["MGET", K(), K()],
            34 => ["HGET", K()],
            35 => ["INCRBYFLOAT", K(), V()],
            36 => ["SETRANGE", K(), random.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture), V()],
            37 => ["OBJECT", "ENCODING", K()],
            38 or 39 or 40 or 41 => NextSetCommand(random, K),
            _ => random.Next(8) == 0 ? ["FLUSHDB"] : ["HMSET", K(), F(), V()],
        };
    }

    private static string Escape(string reply) => reply.Replace("\r\n", "\\r\\n", StringComparison.Ordinal);

    /// <summary>A redis-server of our own on a free port, no persistence, stopped on dispose.</summary>
    private sealed class RedisServerProcess : IDisposable
    {
        private readonly Process _process;

        private RedisServerProcess(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public static async Task<RedisServerProcess> StartAsync(TimeSpan timeout)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var start = new ProcessStartInfo(ExternalTool.Find("redis-server")!)
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                         "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "notice" })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            var server = new RedisServerProcess(process, port);
            try
            {
                // Ready when it says so: no polling, no sleeping.
                using var cancel = new CancellationTokenSource(timeout);
                while (await process.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
                {
                    if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
                    {
                        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                        return server;
                    }
                }

                throw new InvalidOperationException("redis-server exited before it was ready");
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }

            _process.Dispose();
        }
    }

    /// <summary>One RESP connection that sends a command and reads back exactly one reply, as raw text.</summary>
    private sealed class RespWire : IDisposable
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        private RespWire(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket);
        }

        public static async Task<RespWire> ConnectAsync(int port)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var cancel = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel.Token);
            return new RespWire(socket);
        }

        public async Task<string> CallAsync(string[] command)
        {
            await _stream.WriteAsync(RespCommandRunner.Encode(command));
            var reply = new StringBuilder();
            using var cancel = new CancellationTokenSource(Timeout);
            await ReadValueAsync(reply, cancel.Token);
            return reply.ToString();
        }

        public void Dispose()
        {
            _stream.Dispose();
            _socket.Dispose();
        }

        private async Task ReadValueAsync(StringBuilder reply, CancellationToken cancel)
        {
            string line = await ReadLineAsync(cancel);
            reply.Append(line).Append("\r\n");
            int count = line.Length > 1 && int.TryParse(line.AsSpan(1), out int n) ? n : 0;
            if (line[0] == '$' && count >= 0)
            {
                while (_end - _start < count + 2)
                {
                    await FillAsync(cancel);
                }

                reply.Append(Encoding.Latin1.GetString(_buffer, _start, count + 2));
                _start += count + 2;
            }
            else if (line[0] == '*')
            {
                for (int i = 0; i < count; i++)
                {
                    await ReadValueAsync(reply, cancel);
                }
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancel)
        {
            while (true)
            {
                int at = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
                if (at >= 0)
                {
                    string line = Encoding.Latin1.GetString(_buffer, _start, at);
                    _start += at + 2;
                    return line;
                }

                await FillAsync(cancel);
            }
        }

        private async Task FillAsync(CancellationToken cancel)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancel);
            if (read == 0)
            {
                throw new EndOfStreamException("the server closed the connection");
            }

            _end += read;
        }
    }
}
