using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// MONITOR: every command a client ran, as Redis 7.0 writes it to its monitors once the command has run —
/// <c>+1339518083.107412 [0 127.0.0.1:60866] "keys" "*"</c>: the time in seconds and microseconds, the
/// database the client is in afterwards, its address, and each argument quoted as Redis's sdscatrepr quotes
/// it. Admin commands are not shown and the secrets of AUTH and HELLO are redacted, as in Redis. The line is
/// built once and posted to every monitor; with no monitor the cost is one read.
/// </summary>
internal sealed class MonitorFeed
{
    private static readonly byte[] Redacted = "\"(redacted)\""u8.ToArray();
    private readonly Lock _gate = new();
    private PubSubSession[] _monitors = [];

    public int Count => Volatile.Read(ref _monitors).Length;

    /// <summary>No client monitors: the request path's one check, before it calls <see cref="Feed"/>.</summary>
    public bool IsEmpty => Volatile.Read(ref _monitors).Length == 0;

    public void Add(PubSubSession session)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_monitors, session) < 0)
            {
                Volatile.Write(ref _monitors, [.. _monitors, session]);
            }
        }
    }

    public void Remove(PubSubSession session)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_monitors, session) >= 0)
            {
                Volatile.Write(ref _monitors, _monitors.Where(m => m != session).ToArray());
            }
        }
    }

    /// <summary>Shows the command just run in <paramref name="context"/> to every monitor.</summary>
    public void Feed(ref CommandContext context, CommandSpec spec)
    {
        var monitors = Volatile.Read(ref _monitors);
        if (monitors.Length == 0 || IsHidden(ref context, spec))
        {
            return;
        }

        byte[] line = Line(ref context, spec);
        foreach (var monitor in monitors)
        {
            monitor.Outbox.Post(line);
        }
    }

    /// <summary>Redis's CMD_ADMIN commands and subcommands are "too dangerous to be shown" to a monitor.</summary>
    private static bool IsHidden(ref CommandContext context, CommandSpec spec) =>
        (spec.Flags & CommandFlags.Admin) != 0
        || (spec.Name == "client" && context.Count >= 2
            && (context.Is(1, "KILL"u8) || context.Is(1, "LIST"u8) || context.Is(1, "PAUSE"u8) || context.Is(1, "UNPAUSE"u8)
                || context.Is(1, "NO-EVICT"u8) || context.Is(1, "UNBLOCK"u8)));

    private static byte[] Line(ref CommandContext context, CommandSpec spec)
    {
        var line = new ArrayBufferWriter<byte>(128);
        long micros = (context.Store.TimeProvider.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        var session = context.Session;
        Append(line, string.Create(CultureInfo.InvariantCulture,
            $"+{micros / 1_000_000}.{micros % 1_000_000:D6} [{session.DatabaseIndex} {Peer(session)}] "));
        for (int i = 0; i < context.Count; i++)
        {
            if (i > 0)
            {
                line.Write(" "u8);
            }

            if (IsRedacted(ref context, spec, i))
            {
                line.Write(Redacted);
            }
            else
            {
                AppendQuoted(line, context[i]);
            }
        }

        line.Write("\r\n"u8);
        return line.WrittenSpan.ToArray();
    }

    /// <summary>As Redis's redactClientCommandArgument: AUTH's arguments, and HELLO's AUTH username and password.</summary>
    private static bool IsRedacted(ref CommandContext context, CommandSpec spec, int index)
    {
        if (spec.Name == "auth")
        {
            return index > 0;
        }

        if (spec.Name != "hello")
        {
            return false;
        }

        for (int i = 2; i + 2 < context.Count; i++)
        {
            if (context.Is(i, "AUTH"u8))
            {
                return index == i + 1 || index == i + 2;
            }
        }

        return false;
    }

    /// <summary>Redis's getClientPeerId: ip:port (an IPv6 address in brackets), or unix:PATH for a Unix socket.</summary>
    private static string Peer(ClientSession session) => session.RemoteEndPoint switch
    {
        UnixDomainSocketEndPoint or null when session.LocalEndPoint is UnixDomainSocketEndPoint local => "unix:" + local,
        IPEndPoint ip => ClientListFormatter.Address(ip),
        { } other => other.ToString() ?? string.Empty,
        null => string.Empty,
    };

    /// <summary>Redis's sdscatrepr: in double quotes, \ and " escaped, \n \r \t \a \b named, other unprintables as \xHH.</summary>
    private static void AppendQuoted(ArrayBufferWriter<byte> line, ReadOnlySpan<byte> value)
    {
        var span = line.GetSpan(value.Length * 4 + 2);
        int at = 0;
        span[at++] = (byte)'"';
        foreach (byte b in value)
        {
            switch (b)
            {
                case (byte)'\\' or (byte)'"':
                    span[at++] = (byte)'\\';
                    span[at++] = b;
                    break;
                case (byte)'\n':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'n';
                    break;
                case (byte)'\r':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'r';
                    break;
                case (byte)'\t':
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'t';
                    break;
                case 7:
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'a';
                    break;
                case 8:
                    span[at++] = (byte)'\\';
                    span[at++] = (byte)'b';
                    break;
                default:
                    if (b is >= 0x20 and < 0x7f)
                    {
                        span[at++] = b;
                    }
                    else
                    {
                        span[at++] = (byte)'\\';
                        span[at++] = (byte)'x';
                        span[at++] = Hex(b >> 4);
                        span[at++] = Hex(b & 0xf);
                    }

                    break;
            }
        }

        span[at++] = (byte)'"';
        line.Advance(at);
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static void Append(ArrayBufferWriter<byte> line, string text) => line.Write(Encoding.UTF8.GetBytes(text));
}
