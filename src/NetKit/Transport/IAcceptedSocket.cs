using System.Net;

namespace NetKit.Transport;

/// <summary>
/// A connection just accepted, before it is admitted: what <see cref="TcpServer"/>'s admission rules need of
/// it, whether it is a <see cref="System.Net.Sockets.Socket"/> or a bare descriptor of the epoll model.
/// </summary>
internal interface IAcceptedSocket
{
    /// <summary>The peer's address; throws a <see cref="System.Net.Sockets.SocketException"/> when it has gone already.</summary>
    EndPoint? RemoteEndPoint { get; }

    EndPoint? LocalEndPoint { get; }

    void SetNoDelay(bool noDelay);

    /// <summary>Tells a refused peer why, then FIN, without ever waiting on it (the socket stays open).</summary>
    void SendRefusal(ReadOnlySpan<byte> message);

    /// <summary>Closes a socket that was refused or could not be set up.</summary>
    void Close();
}
