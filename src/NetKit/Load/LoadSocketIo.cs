namespace NetKit.Load;

/// <summary>How the epoll engine moves bytes once a socket is ready; both are non-blocking and neither throws
/// on "would block". Kept selectable so their CPU cost can be measured against each other.</summary>
public enum LoadSocketIo
{
    /// <summary><c>send</c>/<c>recv</c> from libc on the descriptor, with <c>MSG_DONTWAIT</c>.</summary>
    Libc,

    /// <summary><see cref="System.Net.Sockets.Socket.Send(ReadOnlySpan{byte}, System.Net.Sockets.SocketFlags, out System.Net.Sockets.SocketError)"/>
    /// and its Receive twin on a socket in non-blocking mode.</summary>
    Socket,
}
