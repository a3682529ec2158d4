using System.Net;

namespace NetKit.KeyValue;

/// <summary>
/// Redis's protected mode, checked once at start: a kv server reachable from other hosts must have a
/// password, because without one anyone who can reach the port can read and replace every key.
/// </summary>
public static class ProtectedMode
{
    /// <summary>Null when the server may start; otherwise the refusal to print, saying why and what to do.</summary>
    /// <param name="bindAddress">The address the server will listen on.</param>
    /// <param name="hasPassword">True when <c>--requirepass</c> or <c>--requirepass-file</c> set a password.</param>
    public static string? Check(IPAddress bindAddress, bool hasPassword)
    {
        ArgumentNullException.ThrowIfNull(bindAddress);
        if (hasPassword || IsLoopback(bindAddress))
        {
            return null;
        }

        string shown = bindAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bindAddress}]" : bindAddress.ToString();
        return $"refusing to listen on {shown} without a password: any host that can reach this address could read, change " +
            "and delete every key. Set a password with --requirepass (or --requirepass-file, which keeps it out of the " +
            "process list) and have clients AUTH with it, or listen on a loopback address such as 127.0.0.1 so only " +
            "this machine can connect.";
    }

    private static bool IsLoopback(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        // IPAddress.IsLoopback knows all of 127.0.0.0/8 and ::1; the "any" addresses are not loopback.
        return IPAddress.IsLoopback(address);
    }
}
