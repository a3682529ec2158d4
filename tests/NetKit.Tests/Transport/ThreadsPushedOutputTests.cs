using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="PushedOutputTests"/> test on the threads model.</summary>
public sealed class ThreadsPushedOutputTests : PushedOutputTests
{
    protected override ConnectionModel Model => ConnectionModel.Threads;
}
