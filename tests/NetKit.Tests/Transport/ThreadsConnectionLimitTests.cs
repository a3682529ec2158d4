using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="ConnectionLimitTests"/> test on the threads model.</summary>
public sealed class ThreadsConnectionLimitTests : ConnectionLimitTests
{
    protected override ConnectionModel Model => ConnectionModel.Threads;
}
