using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetKit.Transport.Unix;

namespace NetKit.Transport;

/// <summary>An address as typed on a command line: <c>127.0.0.1:7878</c>, <c>[::1]:7878</c>,
/// <c>localhost:7878</c>, <c>:7878</c> / <c>7878</c> for the default host, or <c>unix:PATH</c> for a Unix
/// domain socket (then <see cref="UnixPath"/> is set and <see cref="Host"/> and <see cref="Port"/> mean nothing).</summary>
public readonly record struct HostPort(string Host, int Port)
{
    public const string DefaultHost = "127.0.0.1";

    /// <summary>What names a Unix domain socket in an address: <c>unix:/run/netkit/kv.sock</c>.</summary>
    public const string UnixPrefix = "unix:";

    /// <summary>The socket file of a Unix domain socket address; null for a host and port.</summary>
    public string? UnixPath { get; init; }

    public bool IsUnix => UnixPath is not null;

    /// <summary>The address of the Unix domain socket at <paramref name="path"/>.</summary>
    public static HostPort Unix(string path) => new(string.Empty, 0) { UnixPath = path };

    /// <summary>The address as it would be typed to reach <paramref name="endPoint"/> (a server's bound one).</summary>
    public static HostPort FromEndPoint(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => new HostPort(ip.Address.ToString(), ip.Port),
        UnixDomainSocketEndPoint unix => Unix(unix.ToString()),
        _ => throw new ArgumentException($"not an IP or Unix socket endpoint: {endPoint}", nameof(endPoint)),
    };

    public override string ToString() =>
        UnixPath is { } path ? UnixPrefix + path
        : Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses <paramref name="text"/>, taking <paramref name="defaultPort"/> when no port is given.</summary>
    /// <exception cref="NetKitException">Kind <see cref="NetErrorKind.BadAddress"/> when it is not HOST:PORT.</exception>
    public static HostPort Parse(string? text, int defaultPort, string defaultHost = DefaultHost)
    {
        if (TryParse(text, defaultPort, defaultHost, out var result))
        {
            return result;
        }

        throw new NetKitException(NetErrorKind.BadAddress, $"invalid address '{text}'",
            text?.Trim().StartsWith(UnixPrefix, StringComparison.Ordinal) == true
                ? UnixSocketFile.PathRule
                : "expected HOST:PORT with a port from 0 to 65535, or unix:PATH");
    }

    public static bool TryParse(string? text, int defaultPort, string defaultHost, out HostPort result)
    {
        result = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            result = new HostPort(defaultHost, defaultPort);
            return true;
        }

        if (text.StartsWith(UnixPrefix, StringComparison.Ordinal))
        {
            string path = text[UnixPrefix.Length..];
            if (!UnixSocketFile.IsValidPath(path))
            {
                return false;
            }

            result = Unix(path);
            return true;
        }

        string host;
        string? portText;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length == 0)
            {
                portText = null;
            }
            else if (rest[0] == ':')
            {
                portText = rest[1..];
            }
            else
            {
                return false;
            }
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':') != colon)
            {
                // A bare IPv6 address without brackets has no port.
                host = text;
                portText = null;
            }
            else if (colon >= 0)
            {
                host = text[..colon];
                portText = text[(colon + 1)..];
            }
            else if (text.All(char.IsAsciiDigit))
            {
                host = string.Empty;
                portText = text;
            }
            else
            {
                host = text;
                portText = null;
            }
        }

        int port = defaultPort;
        if (portText is not null &&
            (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            return false;
        }

        result = new HostPort(host.Length == 0 ? defaultHost : host, port);
        return true;
    }

    /// <summary>Resolves the host to addresses: an IP literal directly, a name through DNS.</summary>
    public async Task<IPAddress[]> ResolveAsync(CancellationToken cancellationToken)
    {
        if (IsUnix)
        {
            throw new NetKitException(NetErrorKind.BadAddress, $"cannot resolve {this}", "a Unix socket has no IP address");
        }

        if (IPAddress.TryParse(Host, out var address))
        {
            return [address];
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(Host, cancellationToken).ConfigureAwait(false);
            if (addresses.Length == 0)
            {
                throw new NetKitException(NetErrorKind.BadAddress, $"cannot resolve {Host}");
            }

            return addresses;
        }
        catch (SocketException ex)
        {
            throw new NetKitException(NetErrorKind.BadAddress, $"cannot resolve {Host}", ex);
        }
    }

    /// <summary>The endpoint to bind a listener to: the host must be an IP literal or "localhost"; a Unix
    /// socket address gives a <see cref="UnixDomainSocketEndPoint"/>.</summary>
    public EndPoint ToBindEndPoint()
    {
        if (UnixPath is { } path)
        {
            return new UnixDomainSocketEndPoint(path);
        }

        if (IPAddress.TryParse(Host, out var address))
        {
            return new IPEndPoint(address, Port);
        }

        if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, Port);
        }

        if (Host == "*")
        {
            return new IPEndPoint(IPAddress.IPv6Any, Port);
        }

        throw new NetKitException(NetErrorKind.BadAddress, $"cannot listen on {this}",
            "the host must be an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)");
    }
}
