using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NetKit.Transport;

/// <summary>A <c>HOST:PORT</c> pair as typed on a command line: <c>127.0.0.1:7878</c>,
/// <c>[::1]:7878</c>, <c>localhost:7878</c>, or <c>:7878</c> / <c>7878</c> for the default host.</summary>
public readonly record struct HostPort(string Host, int Port)
{
    public const string DefaultHost = "127.0.0.1";

    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses <paramref name="text"/>, taking <paramref name="defaultPort"/> when no port is given.</summary>
    /// <exception cref="NetKitException">Kind <see cref="NetErrorKind.BadAddress"/> when it is not HOST:PORT.</exception>
    public static HostPort Parse(string? text, int defaultPort, string defaultHost = DefaultHost)
    {
        if (TryParse(text, defaultPort, defaultHost, out var result))
        {
            return result;
        }

        throw new NetKitException(NetErrorKind.BadAddress, $"invalid address '{text}'",
            "expected HOST:PORT with a port from 0 to 65535");
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

    /// <summary>The endpoint to bind a listener to: the host must be an IP literal or "localhost".</summary>
    public IPEndPoint ToBindEndPoint()
    {
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
