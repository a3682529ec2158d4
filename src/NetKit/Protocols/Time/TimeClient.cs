using System.Globalization;
using System.Text;
using NetKit.Transport;

namespace NetKit.Protocols.Time;

/// <summary>
/// The time service's client: sends <c>TIME</c> and reads the Unix time in seconds from the reply,
/// sending again on timeout because UDP may lose either datagram.
/// </summary>
public sealed class TimeClient : DatagramClient
{
    public TimeClient(HostPort remote, TimeSpan? timeout = null, int tries = DefaultTries)
        : base(remote, timeout, tries)
    {
    }

    /// <summary>Asks for the time.</summary>
    /// <returns>Seconds since the Unix epoch, as the server reports them.</returns>
    /// <exception cref="NetKitException">Kind TimedOut when no try got a reply; ProtocolViolation when the
    /// reply is not a number.</exception>
    public async Task<long> QueryAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("TIME"u8.ToArray(), accept: null, cancellationToken).ConfigureAwait(false);
        return Parse(reply, Remote);
    }

    private static long Parse(ReadOnlySpan<byte> reply, HostPort remote)
    {
        // Tolerated for servers that end the reply like a line; ours sends the digits alone.
        var digits = reply.TrimEnd("\r\n"u8);
        if (!digits.IsEmpty && digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            return seconds;
        }

        string shown = Encoding.UTF8.GetString(reply[..Math.Min(reply.Length, 40)]);
        throw new NetKitException(NetErrorKind.ProtocolViolation, $"bad reply from {remote}",
            $"expected the time in seconds, got '{shown}'");
    }
}
