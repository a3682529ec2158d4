using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="ConnectionLimitTests"/> test on the async model.</summary>
public sealed class AsyncConnectionLimitTests : ConnectionLimitTests
{
    protected override ConnectionModel Model => ConnectionModel.Async;
}
